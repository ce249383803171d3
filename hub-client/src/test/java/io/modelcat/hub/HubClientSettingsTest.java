package io.modelcat.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HubClientSettingsTest {

    @Test
    void defaultsToThePublicHubWithoutToken() {
        HubClientSettings s = HubClientSettings.fromEnvironment(Map.of());

        assertThat(s.endpoint()).isEqualTo(URI.create("https://huggingface.co"));
        assertThat(s.optToken()).isEmpty();
        assertThat(s.maxAttempts()).isEqualTo(5);
    }

    @Test
    void readsEndpointTokenAndTimeoutFromEnvironment() {
        HubClientSettings s = HubClientSettings.fromEnvironment(Map.of(
                "HF_ENDPOINT", "https://hub.example.org/",
                "HF_TOKEN", "hf_abc",
                "HF_HUB_DOWNLOAD_TIMEOUT", "2.5"));

        assertThat(s.endpoint()).isEqualTo(URI.create("https://hub.example.org"));
        assertThat(s.token()).isEqualTo("hf_abc");
        assertThat(s.readTimeout()).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void fallsBackToTheOldTokenVariable() {
        assertThat(HubClientSettings.fromEnvironment(Map.of("HUGGING_FACE_HUB_TOKEN", "hf_old")).token()).isEqualTo("hf_old");
    }

    @Test
    void toStringNeverShowsTheToken() {
        HubClientSettings s = HubClientSettings.defaults().withToken("hf_very_secret");

        assertThat(s.toString()).doesNotContain("hf_very_secret").contains("token=***");
        assertThat(new HubClient(s).toString()).doesNotContain("hf_very_secret");
    }

    @Test
    void rejectsNonHttpEndpoints() {
        assertThatThrownBy(() -> HubClientSettings.defaults().withEndpoint(URI.create("file:///tmp")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http(s) URL");
    }

    @Test
    void backoffDoublesUpToTheMaximum() {
        HubClientSettings s = HubClientSettings.defaults().withRetries(5, Duration.ofMillis(100), Duration.ofMillis(350));

        assertThat(s.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(s.backoff(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(s.backoff(3)).isEqualTo(Duration.ofMillis(350));
    }
}
