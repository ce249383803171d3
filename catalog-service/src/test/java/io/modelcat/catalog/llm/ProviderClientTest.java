package io.modelcat.catalog.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.testsupport.llm.FakeLlmProvider;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The provider's retries against a local fake provider: each retry waits for the connection's turn first. */
class ProviderClientTest {

    private static final byte[] CHAT = """
            {"model": "fake-small", "messages": [{"role": "user", "content": "hi"}]}""".getBytes(StandardCharsets.UTF_8);

    private final ProviderClient client = new ProviderClient(2, Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofSeconds(30));

    @Test
    void eachRetryAfterA429WaitsForTheConnectionsTurn() throws Exception {
        try (FakeLlmProvider provider = FakeLlmProvider.start()) {
            provider.failNext(2, 429, 0);
            AtomicInteger turns = new AtomicInteger();
            HttpResponse<InputStream> answer = client.call(target(provider), "/chat/completions", CHAT, () -> {
                turns.incrementAndGet();
                return true;
            });
            answer.body().close();
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(turns).hasValue(2);
            assertThat(provider.requests("/v1/chat/completions")).hasSize(3);
        }
    }

    @Test
    void aTurnTooFarOffReturnsTheProvidersAnswerWithoutTryingAgain() throws Exception {
        try (FakeLlmProvider provider = FakeLlmProvider.start()) {
            provider.failNext(1, 429, 0);
            HttpResponse<InputStream> answer = client.call(target(provider), "/chat/completions", CHAT, () -> false);
            answer.body().close();
            assertThat(answer.statusCode()).isEqualTo(429);
            assertThat(provider.requests("/v1/chat/completions")).hasSize(1);
        }
    }

    private static ProviderClient.Target target(FakeLlmProvider provider) {
        return new ProviderClient.Target("fake", provider.baseUrl(), Map.of("Authorization", "Bearer sk-test"));
    }
}
