package io.modelcat.testsupport.hub;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for the Hugging Face Hub HTTP API, for tests that must not reach the internet.
 * Serves registered repositories at {@code /api/models/...} and {@code /{id}/resolve/...}, redirects LFS files
 * to {@code /lfs-cdn/...} as the Hub redirects to its CDN, honours {@code Range}, injects faults per
 * {@link FakeRepoOptions}, and records every request.
 *
 * <pre>{@code
 * try (FakeHub hub = FakeHub.start()) {
 *     hub.addRepo("hf-tiny/bert", Path.of("fixtures/hf-tiny/bert"));
 *     HubClient client = new HubClient(HubClientSettings.defaults().withEndpoint(hub.endpoint()));
 * }
 * }</pre>
 */
public final class FakeHub implements AutoCloseable {

    /** Path prefix of the fake LFS CDN. */
    public static final String LFS_CDN_PREFIX = "/lfs-cdn/";

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, FakeRepo> repos = new ConcurrentHashMap<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private volatile String lfsHost;

    private FakeHub(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
        this.lfsHost = server.getAddress().getAddress().getHostAddress();
    }

    /** Starts a server on a free port of 127.0.0.1. */
    public static FakeHub start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            ExecutorService executor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "fake-hub");
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(executor);
            FakeHub hub = new FakeHub(server, executor);
            server.createContext("/", hub::handle);
            server.start();
            return hub;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake Hub", e);
        }
    }

    /** The base URL to use as {@code HF_ENDPOINT}, e.g. {@code http://127.0.0.1:41234}. */
    public URI endpoint() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort());
    }

    /**
     * Host name put in LFS redirects (default: the endpoint's own address). Set it to {@code "localhost"} to make the
     * redirect cross-host while still reaching this server.
     */
    public FakeHub lfsRedirectHost(String host) {
        this.lfsHost = host;
        return this;
    }

    /** Serves the files under {@code dir} as repository {@code id}, with default options. */
    public FakeRepo addRepo(String id, Path dir) {
        return addRepo(id, dir, FakeRepoOptions.defaults());
    }

    /** Serves the files under {@code dir} as repository {@code id}; replaces an earlier one of that id. */
    public FakeRepo addRepo(String id, Path dir, FakeRepoOptions options) {
        FakeRepo repo = new FakeRepo(id, dir, options);
        repos.put(id, repo);
        return repo;
    }

    public FakeRepo repo(String id) {
        FakeRepo repo = repos.get(id);
        if (repo == null) {
            throw new IllegalArgumentException("no fake repo " + id);
        }
        return repo;
    }

    /** Every request received so far, in order. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** Requests whose raw path starts with {@code prefix}. */
    public List<RecordedRequest> requestsTo(String prefix) {
        return requests.stream().filter(r -> r.path().startsWith(prefix)).toList();
    }

    public void clearRequests() {
        requests.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            record(exchange);
            String path = exchange.getRequestURI().getRawPath();
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                sendError(exchange, 405, null, "Method not allowed");
            } else if (path.startsWith("/api/models/")) {
                handleModelInfo(exchange, path.substring("/api/models/".length()));
            } else if (path.startsWith(LFS_CDN_PREFIX)) {
                handleCdn(exchange, path.substring(LFS_CDN_PREFIX.length()));
            } else if (path.contains("/resolve/")) {
                handleResolve(exchange, path);
            } else {
                sendError(exchange, 404, null, "Not Found");
            }
        }
    }

    private void handleModelInfo(HttpExchange exchange, String rest) throws IOException {
        String idPart = rest;
        String revision = "main";
        int revAt = rest.indexOf("/revision/");
        if (revAt >= 0) {
            idPart = rest.substring(0, revAt);
            revision = decode(rest.substring(revAt + "/revision/".length()));
        }
        FakeRepo repo = repos.get(decode(idPart));
        if (repo == null) {
            sendError(exchange, 404, "RepoNotFound", "Repository not found");
            return;
        }
        if (answeredWithInjectedFailure(exchange, repo)) {
            return;
        }
        if (!repo.acceptsRevision(revision)) {
            sendError(exchange, 404, "RevisionNotFound", "Invalid rev id: " + revision);
            return;
        }
        String query = exchange.getRequestURI().getRawQuery();
        boolean blobs = query != null && List.of(query.split("&")).contains("blobs=true");
        byte[] body = Json.write(repo.modelInfo(blobs)).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        send(exchange, 200, body);
    }

    private void handleResolve(HttpExchange exchange, String path) throws IOException {
        int at = path.indexOf("/resolve/");
        FakeRepo repo = repos.get(decode(path.substring(1, at)));
        if (repo == null) {
            sendError(exchange, 404, "RepoNotFound", "Repository not found");
            return;
        }
        if (answeredWithInjectedFailure(exchange, repo) || !authorized(exchange, repo)) {
            return;
        }
        String rest = path.substring(at + "/resolve/".length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            sendError(exchange, 404, "EntryNotFound", "Entry not found");
            return;
        }
        String revision = decode(rest.substring(0, slash));
        String filename = decodePath(rest.substring(slash + 1));
        if (!repo.acceptsRevision(revision)) {
            sendError(exchange, 404, "RevisionNotFound", "Invalid rev id: " + revision);
            return;
        }
        if (!repo.has(filename)) {
            sendError(exchange, 404, "EntryNotFound", filename + " does not exist on \"" + revision + "\"");
            return;
        }
        Headers h = exchange.getResponseHeaders();
        h.set("X-Repo-Commit", repo.sha());
        if (repo.isLfs(filename)) {
            String sha256 = repo.sha256(filename);
            h.set("ETag", "\"" + sha256 + "\"");
            h.set("X-Linked-Etag", "\"" + sha256 + "\"");
            h.set("X-Linked-Size", String.valueOf(repo.content(filename).length));
            h.set("Location", "http://" + lfsHost + ":" + server.getAddress().getPort() + LFS_CDN_PREFIX
                    + "repos/" + repo.id().replace("/", "--") + "/" + sha256 + "?X-Amz-Expires=3600&X-Amz-Signature=fake");
            send(exchange, 302, "Found. Redirecting".getBytes(StandardCharsets.UTF_8));
            return;
        }
        h.set("ETag", "\"" + repo.blobId(filename) + "\"");
        sendContent(exchange, repo, filename);
    }

    private void handleCdn(HttpExchange exchange, String rest) throws IOException {
        // repos/{owner--name}/{sha256}
        String[] parts = rest.split("/");
        FakeRepo repo = parts.length == 3 ? repos.get(parts[1].replace("--", "/")) : null;
        String filename = repo == null ? null
                : repo.filenames().stream().filter(f -> repo.isLfs(f) && repo.sha256(f).equals(parts[2])).findFirst().orElse(null);
        if (filename == null) {
            sendError(exchange, 404, null, "NoSuchKey");
            return;
        }
        exchange.getResponseHeaders().set("ETag", "\"" + parts[2] + "\"");
        sendContent(exchange, repo, filename);
    }

    /** Sends a file's bytes, honouring {@code Range} and the break-once fault. */
    private void sendContent(HttpExchange exchange, FakeRepo repo, String filename) throws IOException {
        byte[] bytes = repo.served(filename);
        Headers h = exchange.getResponseHeaders();
        h.set("Accept-Ranges", "bytes");
        h.set("Content-Type", "application/octet-stream");
        int from = 0;
        int to = bytes.length - 1;
        int status = 200;
        String range = exchange.getRequestHeaders().getFirst("Range");
        if (range != null) {
            Matcher m = RANGE.matcher(range.strip());
            if (!m.matches() || Long.parseLong(m.group(1)) >= bytes.length) {
                h.set("Content-Range", "bytes */" + bytes.length);
                send(exchange, 416, new byte[0]);
                return;
            }
            from = Integer.parseInt(m.group(1));
            if (!m.group(2).isEmpty()) {
                to = (int) Math.min(Long.parseLong(m.group(2)), bytes.length - 1L);
            }
            status = 206;
            h.set("Content-Range", "bytes " + from + "-" + to + "/" + bytes.length);
        }
        int length = to - from + 1;
        if ("HEAD".equals(exchange.getRequestMethod())) {
            h.set("Content-Length", String.valueOf(length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        long breakAt = repo.takeBreakPoint(filename);
        FakeRepoOptions.Stall stall = repo.takeStall(filename);
        exchange.sendResponseHeaders(status, length);
        OutputStream out = exchange.getResponseBody();
        if (stall != null && stall.afterBytes() < length) {
            out.write(bytes, from, (int) stall.afterBytes());
            out.flush();
            try {
                Thread.sleep(stall.duration().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("fake Hub: stalled for " + stall.duration() + " after " + stall.afterBytes() + " bytes");
        }
        if (breakAt >= 0 && breakAt < length) {
            out.write(bytes, from, (int) breakAt);
            out.flush();
            // Throwing from the handler makes the server drop the connection mid-body.
            throw new IOException("fake Hub: connection broken on purpose after " + breakAt + " bytes");
        }
        out.write(bytes, from, length);
    }

    /** Answers 503 or 429 when the repo's fault options say so; returns whether it did. */
    private boolean answeredWithInjectedFailure(HttpExchange exchange, FakeRepo repo) throws IOException {
        if (repo.takeServerError()) {
            sendError(exchange, 503, null, "Service Unavailable");
            return true;
        }
        if (!repo.takeRateLimit()) {
            return false;
        }
        exchange.getResponseHeaders().set("Retry-After", String.valueOf(repo.options().retryAfterSeconds()));
        sendError(exchange, 429, null, "You have exceeded our rate limit. Please retry later.");
        return true;
    }

    private boolean authorized(HttpExchange exchange, FakeRepo repo) throws IOException {
        if (repo.options().gatedTokens() == null) {
            return true;
        }
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth == null) {
            sendError(exchange, 401, "GatedRepo", "Access to model " + repo.id() + " is restricted. You must have access to it "
                    + "and be authenticated to access it. Please log in.");
            return false;
        }
        if (!auth.startsWith("Bearer ") || !repo.options().gatedTokens().contains(auth.substring("Bearer ".length()))) {
            sendError(exchange, 403, "GatedRepo", "Access to model " + repo.id() + " is restricted and you are not in the "
                    + "authorized list. Visit the model page to ask for access.");
            return false;
        }
        return true;
    }

    private static void sendError(HttpExchange exchange, int status, String code, String message) throws IOException {
        Headers h = exchange.getResponseHeaders();
        if (code != null) {
            h.set("X-Error-Code", code);
        }
        h.set("X-Error-Message", message);
        h.set("Content-Type", "application/json; charset=utf-8");
        send(exchange, status, Json.write(Map.of("error", message)).getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Content-Length", String.valueOf(body.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    private void record(HttpExchange exchange) {
        Map<String, List<String>> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), new ArrayList<>(v)));
        URI uri = exchange.getRequestURI();
        requests.add(new RecordedRequest(exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(), headers));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String decodePath(String s) {
        StringBuilder sb = new StringBuilder();
        for (String segment : s.split("/", -1)) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(decode(segment));
        }
        return sb.toString();
    }
}
