package io.modelcat.testsupport.llm;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local Google Vertex AI for tests, with its own OAuth token endpoint: a real HTTP server on loopback. It owns a
 * service account (an RSA key pair made at start; {@link #serviceAccountKey()} is the JSON key Google would issue,
 * whose {@code token_uri} is this server's {@code /token}). {@code POST /token} takes the JWT-bearer grant and
 * checks the assertion as Google does (RS256 signature by the account's key, issuer, audience, the cloud-platform
 * scope, expiry) before issuing an access token; {@code POST /v1/projects/<project>/locations/<location>/publishers/
 * google/models/<model>:generateContent} (and {@code :streamGenerateContent?alt=sse}) and
 * {@code GET /v1beta1/publishers/google/models} require a token it issued, for its project and location, and answer
 * as {@link FakeGemini} does (the same bodies).
 */
public final class FakeVertex implements AutoCloseable {

    public static final String PROJECT = "fake-project-1";
    public static final String LOCATION = "us-central1";
    public static final String CLIENT_EMAIL = "mesh@fake-project-1.iam.gserviceaccount.com";
    private static final String GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";
    private static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
    private static final Pattern CALL = Pattern.compile("^/v1/projects/([^/]+)/locations/([^/]+)/publishers/google/"
            + "models/([^/:]+):(generateContent|streamGenerateContent)$");

    private final FakeServer server;
    private final FakeGemini gemini = FakeGemini.start();
        private final KeyPair account;
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final AtomicInteger issued = new AtomicInteger();
    private volatile int tokenLifetimeSeconds = 3600;

    private FakeVertex() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            this.account = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        server = new FakeServer("fake-vertex", "/", this::handle);
    }

    /** Starts one on a free loopback port. */
    public static FakeVertex start() {
        return new FakeVertex();
    }

    /** What a connection's base URL is: {@code http://127.0.0.1:<port>}. */
    public String baseUrl() {
        return server.origin();
    }

    /** The service account's JSON key, as Google issues it, with this server's token endpoint as its token_uri. */
    public String serviceAccountKey() {
        return serviceAccountKey(account);
    }

    /** A key in the same shape for another account, which the token endpoint refuses (its signature is not ours). */
    public String foreignServiceAccountKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return serviceAccountKey(generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String serviceAccountKey(KeyPair keys) {
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.UTF_8))
                .encodeToString(keys.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        return "{\"type\":\"service_account\",\"project_id\":\"" + PROJECT + "\",\"private_key_id\":\"fake-key-1\","
                + "\"private_key\":" + FakeReplies.quote(pem) + ",\"client_email\":\"" + CLIENT_EMAIL + "\","
                + "\"client_id\":\"100000000000000000001\",\"auth_uri\":\"https://accounts.google.com/o/oauth2/auth\","
                + "\"token_uri\":\"" + baseUrl() + "/token\"}";
    }

    /** How long the access tokens it issues last (Google's: an hour). */
    public FakeVertex tokenLifetime(int seconds) {
        this.tokenLifetimeSeconds = seconds;
        return this;
    }

    /** The next {@code times} model calls answer {@code status} in Google's error shape instead. */
    public FakeVertex failNext(int times, int status) {
        gemini.failNext(times, status);
        return this;
    }

    /** How many access tokens the token endpoint has issued. */
    public int tokensIssued() {
        return issued.get();
    }

    /** Every request received so far (the token endpoint's too), oldest first. */
    public List<FakeLlmProvider.RecordedCall> requests() {
        return List.copyOf(server.requests);
    }

    /** Forgets the requests, failures, settings and issued tokens. */
    public void reset() {
        server.requests.clear();
        gemini.reset();
        tokens.clear();
        issued.set(0);
        tokenLifetimeSeconds = 3600;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = FakeReplies.headers(exchange);
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getRawQuery();
            server.requests.add(new FakeLlmProvider.RecordedCall(exchange.getRequestMethod(), path, query, headers, body));
            if (path.equals("/token") && exchange.getRequestMethod().equals("POST")) {
                token(exchange, body);
                return;
            }
            String authorization = headers.getOrDefault("authorization", "");
            if (!authorization.startsWith("Bearer ") || !tokens.contains(authorization.substring(7))) {
                FakeReplies.send(exchange, 401, error(401, "UNAUTHENTICATED", "Request had invalid authentication "
                        + "credentials. Expected OAuth 2 access token."));
                return;
            }
            Matcher call = CALL.matcher(path);
            if (path.equals("/v1beta1/publishers/google/models") && exchange.getRequestMethod().equals("GET")) {
                FakeReplies.send(exchange, 200, "{\"publisherModels\":[{\"name\":\"publishers/google/models/"
                        + "gemini-fake-flash\"},{\"name\":\"publishers/google/models/gemini-fake-pro\"}]}");
            } else if (call.matches() && exchange.getRequestMethod().equals("POST")) {
                if (!call.group(1).equals(PROJECT) || !call.group(2).equals(LOCATION)) {
                    FakeReplies.send(exchange, 403, error(403, "PERMISSION_DENIED", "Permission denied on resource "
                            + "project " + call.group(1) + " (or it may not exist)."));
                    return;
                }
                boolean stream = call.group(4).equals("streamGenerateContent");
                if (stream && !"alt=sse".equals(query)) {
                    FakeReplies.send(exchange, 400, error(400, "INVALID_ARGUMENT", "this fake streams only with "
                            + "alt=sse"));
                    return;
                }
                gemini.generate(exchange, call.group(3), body, stream);
            } else {
                FakeReplies.send(exchange, 404, error(404, "NOT_FOUND", "Not found: " + path));
            }
        }
    }

    /** Google's token endpoint for the JWT-bearer grant (RFC 7523), as service account keys use it. */
    private void token(HttpExchange exchange, String body) throws IOException {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))) {
            FakeReplies.send(exchange, 400, "{\"error\":\"unsupported_grant_type\",\"error_description\":\"Invalid "
                    + "grant_type\"}");
            return;
        }
        String problem = assertionProblem(form.getOrDefault("assertion", ""));
        if (problem != null) {
            FakeReplies.send(exchange, 400, "{\"error\":\"invalid_grant\",\"error_description\":"
                    + FakeReplies.quote(problem) + "}");
            return;
        }
        String token = "ya29.fake-" + issued.incrementAndGet();
        tokens.add(token);
        FakeReplies.send(exchange, 200, "{\"access_token\":\"" + token + "\",\"expires_in\":" + tokenLifetimeSeconds
                + ",\"token_type\":\"Bearer\"}");
    }

    private String assertionProblem(String assertion) {
        String[] parts = assertion.split("\\.");
        if (parts.length != 3) {
            return "Invalid JWT: not three dot-separated parts";
        }
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(account.getPublic());
            rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rs256.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return "Invalid JWT Signature.";
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return "Invalid JWT Signature.";
        }
        String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        if (!header.replace(" ", "").contains("\"alg\":\"RS256\"")) {
            return "Invalid JWT: alg must be RS256";
        }
        String compact = claims.replace(" ", "").replace("\\/", "/");
        // Google takes its own token URL as the audience (what its libraries sign), or the token_uri posted to.
        boolean audience = compact.contains("\"aud\":\"" + GOOGLE_TOKEN_URL + "\"")
                || compact.contains("\"aud\":\"" + baseUrl() + "/token\"");
        if (!compact.contains("\"iss\":\"" + CLIENT_EMAIL + "\"") || !audience
                || !compact.contains("\"scope\":\"" + SCOPE + "\"")) {
            return "Invalid JWT: iss, aud or scope is not this account's, this endpoint's or cloud-platform: " + claims;
        }
        Matcher exp = Pattern.compile("\"exp\":(\\d+)").matcher(compact);
        if (!exp.find() || Long.parseLong(exp.group(1)) < Instant.now().getEpochSecond()) {
            return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.";
        }
        return null;
    }

    private static String error(int code, String status, String message) {
        return "{\"error\":{\"code\":" + code + ",\"message\":" + FakeReplies.quote(message) + ",\"status\":\""
                + status + "\"}}";
    }

    @Override
    public void close() {
        server.close();
        gemini.close();
    }

    /** Runs one until killed, printing its base URL and service account key: for trying a vertex connection by hand. */
    public static void main(String[] args) throws InterruptedException {
        FakeVertex fake = start();
        System.out.println("BASE_URL " + fake.baseUrl() + " PROJECT " + PROJECT + " LOCATION " + LOCATION);
        System.out.println(fake.serviceAccountKey());
        System.out.flush();
        Thread.currentThread().join();
    }
}
