package io.modelcat.testsupport.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fake provider's rate limit: calls beyond it answered 429 with when to come back, counted, and reported. */
class FakeLlmProviderRateLimitTest {

    private static final String CHAT = "{\"model\":\"fake-small\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> chat(FakeLlmProvider provider) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(provider.baseUrl() + "/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void callsBeyondTheLimitAreRefusedWithRetryAfterAndCounted() throws Exception {
        try (FakeLlmProvider provider = FakeLlmProvider.start().rateLimit(3)) {
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                answers.add(chat(provider));
            }

            assertThat(answers).extracting(HttpResponse::statusCode).containsExactly(200, 200, 200, 429, 429);
            HttpResponse<String> refused = answers.get(3);
            assertThat(refused.body()).contains("\"code\":\"rate_limit_exceeded\"");
            double retryAfter = Double.parseDouble(refused.headers().firstValue("Retry-After").orElseThrow());
            assertThat(retryAfter).isGreaterThan(0).isLessThanOrEqualTo(1.0);
            assertThat(Long.parseLong(refused.headers().firstValue("retry-after-ms").orElseThrow()))
                    .isEqualTo(Math.round(retryAfter * 1000));
            assertThat(provider.rateLimited()).isEqualTo(2);
            assertThat(provider.requests("/v1/chat/completions")).hasSize(5);

            Thread.sleep(Math.round(retryAfter * 1000) + 20);
            assertThat(chat(provider).statusCode()).isEqualTo(200);

            HttpResponse<String> stats = http.send(HttpRequest.newBuilder(URI.create(provider.baseUrl()
                    .replace("/v1", "/stats"))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(stats.statusCode()).isEqualTo(200);
            assertThat(stats.body()).isEqualTo("{\"chatRequests\":6,\"rateLimited\":2,\"mostInFlight\":1}");
        }
    }

    @Test
    void noLimitByDefaultNorAfterReset() throws Exception {
        try (FakeLlmProvider provider = FakeLlmProvider.start()) {
            for (int i = 0; i < 5; i++) {
                assertThat(chat(provider).statusCode()).isEqualTo(200);
            }
            provider.rateLimit(1).reset();
            for (int i = 0; i < 3; i++) {
                assertThat(chat(provider).statusCode()).isEqualTo(200);
            }
            assertThat(provider.rateLimited()).isZero();
        }
    }
}
