package io.modelcat.catalog.telemetry.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The request id reaches the logging MDC of the thread that runs an endpoint's code (the blocking executor, not the
 * event loop that read the request), so every line a request logs carries it; and requests never share one.
 */
@MicronautTest(transactional = false)
class RequestIdMdcTest extends CatalogTestBase {

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = super.getProperties();
        properties.put("modelcat.test.mdc-probe", "true");
        return properties;
    }

    @Test
    void anEndpointsCodeLogsWithItsRequestsId() {
        for (int i = 0; i < 20; i++) {
            ApiClient.Answer answer = api.get("/api/v1/test-mdc-probe");
            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo(answer.header("X-Request-Id"));
        }
        ApiClient.Answer sent = api.send(HttpRequest.newBuilder(api.uri("/api/v1/test-mdc-probe"))
                .header("X-Request-Id", "from-the-proxy-1").GET());
        assertThat(sent.body()).isEqualTo("from-the-proxy-1");
    }
}
