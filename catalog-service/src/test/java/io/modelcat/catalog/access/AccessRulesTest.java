package io.modelcat.catalog.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.HttpMethod;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.catalog.access.http.AllowAnonymous;
import io.modelcat.catalog.access.http.RequiresRole;
import jakarta.inject.Inject;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every API endpoint and the least role it needs, written out by hand: the route table must match it
 * exactly (no endpoint is left undeclared or declares something else), and a walk of every endpoint
 * with no credentials and with each role gets 401, 403 or an answer as this table says.
 */
@MicronautTest(transactional = false)
class AccessRulesTest extends CatalogTestBase {

    /** Who may call an endpoint: anyone, or at least a role. */
    enum Access { ANYONE, VIEWER, CONTRIBUTOR, ADMIN }

    static final Map<String, Access> EXPECTED = new TreeMap<>(Map.ofEntries(
            Map.entry("POST /api/v1/auth/login", Access.ANYONE),
            Map.entry("POST /api/v1/auth/logout", Access.VIEWER),
            Map.entry("GET /api/v1/auth/session", Access.VIEWER),
            Map.entry("POST /api/v1/auth/password", Access.VIEWER),
            Map.entry("GET /api/v1/tokens", Access.VIEWER),
            Map.entry("POST /api/v1/tokens", Access.VIEWER),
            Map.entry("DELETE /api/v1/tokens/{id}", Access.VIEWER),
            Map.entry("GET /api/v1/models", Access.VIEWER),
            Map.entry("GET /api/v1/catalog/plans", Access.ADMIN),
            Map.entry("POST /api/v1/models", Access.CONTRIBUTOR),
            Map.entry("GET /api/v1/models/{id}", Access.VIEWER),
            Map.entry("PATCH /api/v1/models/{id}", Access.CONTRIBUTOR),
            Map.entry("DELETE /api/v1/models/{id}", Access.ADMIN),
            Map.entry("GET /api/v1/models/{id}/versions", Access.VIEWER),
            Map.entry("POST /api/v1/models/{id}/versions", Access.CONTRIBUTOR),
            Map.entry("GET /api/v1/models/{id}/versions/{versionNumber}/archive", Access.CONTRIBUTOR),
            Map.entry("GET /api/v1/models/{id}/metrics", Access.VIEWER),
            Map.entry("GET /api/v1/models/{id}/python", Access.CONTRIBUTOR),
            Map.entry("POST /api/v1/models/{id}/predict", Access.CONTRIBUTOR),
            Map.entry("POST /api/v1/imports", Access.CONTRIBUTOR),
            Map.entry("POST /api/v1/evaluations", Access.CONTRIBUTOR),
            Map.entry("POST /api/v1/finetunes", Access.CONTRIBUTOR),
            Map.entry("POST /api/v1/jobs", Access.CONTRIBUTOR),
            Map.entry("GET /api/v1/jobs", Access.VIEWER),
            Map.entry("GET /api/v1/jobs/{id}", Access.VIEWER),
            Map.entry("POST /api/v1/jobs/{id}/cancel", Access.CONTRIBUTOR),
            Map.entry("GET /api/v1/jobs/{id}/logs", Access.VIEWER),
            Map.entry("GET /api/v1/jobs/{id}/events", Access.VIEWER),
            Map.entry("GET /api/v1/jobs/{id}/metrics", Access.VIEWER),
            Map.entry("GET /api/v1/jobs/{id}/predictions", Access.CONTRIBUTOR),
            Map.entry("POST /api/v1/jobs/{id}/register", Access.CONTRIBUTOR),
            Map.entry("GET /api/v1/leaderboard", Access.VIEWER),
            Map.entry("GET /api/v1/workers", Access.VIEWER),
            Map.entry("GET /api/v1/prometheus", Access.VIEWER),
            Map.entry("GET /api/v1/tasks", Access.VIEWER),
            Map.entry("POST /api/v1/datasets", Access.CONTRIBUTOR),
            Map.entry("GET /api/v1/datasets", Access.VIEWER),
            Map.entry("GET /api/v1/datasets/{id}", Access.VIEWER),
            Map.entry("GET /api/v1/datasets/{id}/preview", Access.CONTRIBUTOR),
            Map.entry("DELETE /api/v1/datasets/{id}", Access.CONTRIBUTOR),
            Map.entry("POST /api/v1/datasets/{id}/mapping-check", Access.CONTRIBUTOR),
            Map.entry("GET /api/v1/users", Access.ADMIN),
            Map.entry("POST /api/v1/users", Access.ADMIN),
            Map.entry("GET /api/v1/users/{id}", Access.ADMIN),
            Map.entry("PATCH /api/v1/users/{id}", Access.ADMIN),
            Map.entry("GET /api/v1/users/{id}/tokens", Access.ADMIN),
            Map.entry("POST /api/v1/users/{id}/tokens", Access.ADMIN),
            Map.entry("GET /api/v1/runner-tokens", Access.ADMIN),
            Map.entry("POST /api/v1/runner-tokens", Access.ADMIN),
            Map.entry("DELETE /api/v1/runner-tokens/{id}", Access.ADMIN),
            Map.entry("GET /api/v1/secrets", Access.ADMIN),
            Map.entry("PUT /api/v1/secrets/{name}", Access.ADMIN),
            Map.entry("DELETE /api/v1/secrets/{name}", Access.ADMIN),
            Map.entry("GET /api/v1/audit", Access.ADMIN),
            Map.entry("GET /api/v1/llm/connections", Access.VIEWER),
            Map.entry("POST /api/v1/llm/connections", Access.ADMIN),
            Map.entry("GET /api/v1/llm/connections/{name}", Access.VIEWER),
            Map.entry("PATCH /api/v1/llm/connections/{name}", Access.ADMIN),
            Map.entry("DELETE /api/v1/llm/connections/{name}", Access.ADMIN),
            Map.entry("POST /api/v1/llm/connections/{name}/test", Access.ADMIN),
            Map.entry("GET /api/v1/llm/usage", Access.ADMIN),
            Map.entry("GET /api/v1/llm/v1/models", Access.CONTRIBUTOR),
            Map.entry("POST /api/v1/llm/v1/chat/completions", Access.CONTRIBUTOR),
            Map.entry("POST /api/v1/llm/v1/completions", Access.CONTRIBUTOR),
            Map.entry("POST /api/v1/llm/v1/embeddings", Access.CONTRIBUTOR),
            Map.entry("GET /api/v1/flows", Access.VIEWER),
            Map.entry("GET /api/v1/evaluation-methods", Access.VIEWER),
            Map.entry("POST /api/v1/flows", Access.CONTRIBUTOR),
            Map.entry("GET /api/v1/flows/{name}", Access.VIEWER),
            Map.entry("PUT /api/v1/flows/{name}", Access.CONTRIBUTOR),
            Map.entry("DELETE /api/v1/flows/{name}", Access.CONTRIBUTOR),
            Map.entry("POST /api/v1/flows/{name}/run", Access.CONTRIBUTOR),
            Map.entry("GET /api/v1/bulk-tests", Access.VIEWER),
            Map.entry("POST /api/v1/bulk-tests", Access.CONTRIBUTOR),
            Map.entry("GET /api/v1/bulk-tests/{id}", Access.VIEWER),
            Map.entry("DELETE /api/v1/bulk-tests/{id}", Access.CONTRIBUTOR),
            Map.entry("GET /api/v1/bulk-tests/{id}/rows", Access.VIEWER),
            Map.entry("GET /api/v1/bulk-tests/{id}/rows.csv", Access.VIEWER),
            Map.entry("POST /api/v1/bulk-tests/{id}/evaluations", Access.CONTRIBUTOR),
            Map.entry("GET /api/v1/endpoints", Access.VIEWER),
            Map.entry("POST /api/v1/endpoints", Access.CONTRIBUTOR),
            Map.entry("GET /api/v1/endpoints/{name}", Access.VIEWER),
            Map.entry("DELETE /api/v1/endpoints/{name}", Access.CONTRIBUTOR),
            Map.entry("GET /api/v1/endpoints/{name}/keys", Access.CONTRIBUTOR),
            Map.entry("POST /api/v1/endpoints/{name}/keys/regenerate", Access.CONTRIBUTOR),
            Map.entry("PUT /api/v1/endpoints/{name}/traffic", Access.CONTRIBUTOR),
            Map.entry("PUT /api/v1/endpoints/{name}/mirror", Access.CONTRIBUTOR),
            Map.entry("GET /api/v1/endpoints/{name}/metrics", Access.VIEWER),
            Map.entry("GET /api/v1/endpoints/{name}/deployments/{deployment}/logs", Access.VIEWER),
            Map.entry("POST /api/v1/endpoints/{name}/deployments", Access.CONTRIBUTOR),
            Map.entry("PATCH /api/v1/endpoints/{name}/deployments/{deployment}", Access.CONTRIBUTOR),
            Map.entry("DELETE /api/v1/endpoints/{name}/deployments/{deployment}", Access.CONTRIBUTOR),
            Map.entry("GET /api/v1/batch-endpoints", Access.VIEWER),
            Map.entry("POST /api/v1/batch-endpoints", Access.CONTRIBUTOR),
            Map.entry("GET /api/v1/batch-endpoints/{name}", Access.VIEWER),
            Map.entry("DELETE /api/v1/batch-endpoints/{name}", Access.CONTRIBUTOR),
            Map.entry("POST /api/v1/batch-endpoints/{name}/deployments", Access.CONTRIBUTOR),
            Map.entry("PATCH /api/v1/batch-endpoints/{name}/deployments/{deployment}", Access.CONTRIBUTOR),
            Map.entry("DELETE /api/v1/batch-endpoints/{name}/deployments/{deployment}", Access.CONTRIBUTOR),
            Map.entry("PUT /api/v1/batch-endpoints/{name}/default-deployment", Access.CONTRIBUTOR),
            Map.entry("POST /api/v1/batch-endpoints/{name}/jobs", Access.CONTRIBUTOR),
            Map.entry("GET /api/v1/batch-endpoints/{name}/jobs", Access.VIEWER),
            Map.entry("GET /api/v1/batch-endpoints/{name}/jobs/{id}", Access.VIEWER),
            Map.entry("GET /api/v1/batch-endpoints/{name}/jobs/{id}/outputs/{file}", Access.CONTRIBUTOR),
            Map.entry("POST /api/v1/model-uploads", Access.CONTRIBUTOR),
            Map.entry("POST /api/v1/model-uploads/sessions", Access.CONTRIBUTOR),
            Map.entry("GET /api/v1/model-uploads/sessions/{id}", Access.CONTRIBUTOR),
            Map.entry("PATCH /api/v1/model-uploads/sessions/{id}", Access.CONTRIBUTOR),
            Map.entry("POST /api/v1/model-uploads/sessions/{id}/commit", Access.CONTRIBUTOR),
            Map.entry("DELETE /api/v1/model-uploads/sessions/{id}", Access.CONTRIBUTOR),
            Map.entry("GET /api/v1/catalog/export", Access.CONTRIBUTOR),
            Map.entry("POST /api/v1/catalog/imports", Access.CONTRIBUTOR),
            Map.entry("GET /hub/api/models/{org}/{name}", Access.CONTRIBUTOR),
            Map.entry("GET /hub/api/models/{org}/{name}/revision/{revision}", Access.CONTRIBUTOR),
            Map.entry("GET /hub/api/models/{org}/{name}/tree/{revision}", Access.CONTRIBUTOR),
            Map.entry("GET /hub/api/models/{org}/{name}/tree/{revision}/{+path}", Access.CONTRIBUTOR),
            Map.entry("GET /hub/{org}/{name}/resolve/{revision}/{+file}", Access.CONTRIBUTOR)));

    @Inject
    Router router;

    @Test
    void theRouteTableDeclaresExactlyTheseRoles() {
        Map<String, Access> declared = new TreeMap<>();
        Map<String, Access> heads = new TreeMap<>();
        List<String> outsideTheApi = new ArrayList<>();
        for (UriRouteInfo<?, ?> route : router.uriRoutes().toList()) {
            String key = route.getHttpMethodName() + " " + route.getUriMatchTemplate().toPathString();
            Map<String, Access> into = declared;
            if (route.getHttpMethod() == HttpMethod.HEAD) {
                // Micronaut answers HEAD on every GET route, with the GET method's annotations.
                into = heads;
                key = "GET" + key.substring("HEAD".length());
            }
            String path = route.getUriMatchTemplate().toPathString();
            // The Hub API (/hub) is guarded by the same filter and listed in the same table.
            if (!path.startsWith("/api/") && !path.startsWith("/hub/")) {
                outsideTheApi.add(key);
                continue;
            }
            into.put(key, route.getAnnotationMetadata().hasAnnotation(AllowAnonymous.class) ? Access.ANYONE
                    : route.getAnnotationMetadata().enumValue(RequiresRole.class, Role.class)
                            .map(role -> Access.valueOf(role.name())).orElse(null));
        }
        assertThat(declared).isEqualTo(EXPECTED);
        assertThat(heads).isEqualTo(declared.entrySet().stream().filter(e -> e.getKey().startsWith("GET "))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new)));
        // Outside /api only Micronaut's health endpoint and the online endpoints' scoring routes (which check
        // the endpoint's own keys: ScoringController, and at the root, where the key names the endpoint:
        // KeyScoringController) are routes; the UI and the API explorer are static files.
        assertThat(outsideTheApi).containsOnly("GET /health", "GET /health/{selector}",
                "POST /endpoints/{name}/score", "POST /endpoints/{name}/invocations",
                "POST /endpoints/{name}/v1/models/{target}", "POST /endpoints/{name}/v1/completions",
                "POST /endpoints/{name}/completions",
                "POST /endpoints/{name}/v1/chat/completions", "POST /endpoints/{name}/models/chat/completions",
                "GET /endpoints/{name}/v1/models", "POST /score", "POST /completions", "POST /models/chat/completions");
    }

    @Test
    void everyEndpointAnswersEachCallerAsTheTableSays() {
        Map<String, ApiClient> callers = Map.of(
                "anonymous", anonymousApi(),
                "viewer", apiAs(Role.VIEWER),
                "contributor", apiAs(Role.CONTRIBUTOR),
                "admin", apiAs(Role.ADMIN));
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Access> endpoint : EXPECTED.entrySet()) {
            String method = endpoint.getKey().substring(0, endpoint.getKey().indexOf(' '));
            String path = fill(endpoint.getKey().substring(endpoint.getKey().indexOf(' ') + 1));
            for (Map.Entry<String, ApiClient> caller : callers.entrySet()) {
                int expected = expectedStatus(endpoint.getValue(), caller.getKey());
                ApiClient.Answer answer = caller.getValue().send(request(method, path));
                boolean ok = expected == 0 ? answer.status() != 401 && answer.status() != 403 && answer.status() < 500
                        : answer.status() == expected;
                if (!ok) {
                    wrong.add(endpoint.getKey() + " as " + caller.getKey() + ": expected "
                            + (expected == 0 ? "an answer" : expected) + ", got " + answer);
                }
                if (answer.status() == 401 || answer.status() == 403) {
                    assertThat(answer.contentType()).as(endpoint.getKey()).startsWith("application/problem+json");
                }
            }
        }
        assertThat(wrong).isEmpty();
        // Each refusal of a signed-in caller is in the audit log.
        ApiClient.Answer denied = api.get("/api/v1/audit?action=access.denied&limit=200");
        long refusals = EXPECTED.values().stream().mapToLong(a -> switch (a) {
            case ANYONE, VIEWER -> 0;
            case CONTRIBUTOR -> 1;
            case ADMIN -> 2;
        }).sum();
        assertThat(denied.items()).hasSize((int) refusals);
        assertThat(denied.items()).allSatisfy(e -> assertThat(e.get("outcome")).isEqualTo("denied"));
    }

    /** 401 without credentials, 403 below the role, 0 for "not refused". */
    private static int expectedStatus(Access access, String caller) {
        if (access == Access.ANYONE) {
            return 0;
        }
        if (caller.equals("anonymous")) {
            return 401;
        }
        return Role.valueOf(caller.toUpperCase(java.util.Locale.ROOT)).includes(Role.valueOf(access.name())) ? 0 : 403;
    }

    private static String fill(String template) {
        return template.replace("{+file}", "config.json").replace("{+path}", "additional_chat_templates").replace("{org}", "no-such-org").replace("{revision}", "main")
                .replace("{id}", UUID.randomUUID().toString()).replace("{versionNumber}", "1")
                .replace("{name}", "no-such-secret").replace("{deployment}", "no-such-deployment")
                .replace("{file}", "predictions.csv");
    }

    private HttpRequest.Builder request(String method, String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(api.uri(path)).timeout(Duration.ofSeconds(30));
        if (path.equals("/api/v1/datasets") && method.equals("POST")) {
            return builder.header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString("a,b\n1,2\n"));
        }
        if (path.startsWith("/api/v1/model-uploads/sessions/") && method.equals("PATCH")) {
            return builder.header("Content-Type", "application/octet-stream").method(method, HttpRequest.BodyPublishers.ofString("x"));
        }
        if ((path.equals("/api/v1/model-uploads") || path.equals("/api/v1/catalog/imports")) && method.equals("POST")) {
            return builder.header("Content-Type", "application/zip").POST(HttpRequest.BodyPublishers.ofString("PK"));
        }
        if (method.equals(HttpMethod.GET.name()) || method.equals(HttpMethod.DELETE.name())) {
            return builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return builder.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString("{}"));
    }

    @Test
    void everyEndpointIsInTheOpenApiDocumentWithItsSecurity() {
        String doc = api.get("/swagger/modelcat-catalog.yml").body();
        assertThat(doc).contains("securitySchemes:", "apiToken:", "scheme: bearer", "modelcat_session");
        // micronaut-openapi writes a path ending in a reserved expansion ({+file}: the rest of the path, slashes
        // included) without it: /hub/{org}/{name}/resolve/{revision}.
        List<String> missing = EXPECTED.keySet().stream().map(k -> k.substring(k.indexOf(' ') + 1).replaceAll("/\\{\\+\\w+}$", ""))
                .distinct().filter(path -> !doc.contains(path + ":")).collect(Collectors.toList());
        assertThat(missing).isEmpty();
    }
}
