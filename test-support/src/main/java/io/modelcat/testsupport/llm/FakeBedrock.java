package io.modelcat.testsupport.llm;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A local AWS Bedrock for tests: a real HTTP server on loopback answering Bedrock Runtime's
 * {@code POST /model/<modelId>/converse} and {@code /converse-stream} (AWS's binary event-stream framing:
 * messageStart, contentBlockDelta per word, contentBlockStop, messageStop, metadata with the usage), Amazon Titan's
 * embeddings ({@code POST /model/amazon.titan-embed-text-v2:0/invoke}) and the control plane's
 * {@code GET /foundation-models}, echoing the last text. Every request must carry a valid AWS Signature Version 4
 * for the service {@code bedrock}, the fake's region and its access key: the fake recomputes the signature itself from
 * the request (canonical request, string to sign, the key derived from the secret, as AWS documents them), so a
 * request signed wrongly, for another body, region or service, or with another secret is refused with 403 as AWS
 * refuses it. Failures on demand answer in AWS's shape ({@code x-amzn-ErrorType} and {@code {"message": ...}}).
 */
public final class FakeBedrock implements AutoCloseable {

    /** The fake's credentials: what a test connection is given. */
    public static final String ACCESS_KEY_ID = "AKIAFAKEBEDROCK00001";
    public static final String SECRET_ACCESS_KEY = "fake/Bedrock+Secret/Key0123456789abcdefgh";
    public static final String REGION = "us-east-1";

    private static final Pattern MODEL_CALL = Pattern.compile("^/model/([^/]+)/(converse|converse-stream|invoke)$");
    private static final Pattern AUTHORIZATION = Pattern.compile("^AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/"
            + "([^/]+)/([^/]+)/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$");
    private static final Pattern MAX_TOKENS = Pattern.compile("\"maxTokens\"\\s*:\\s*(\\d+)");
    private static final Pattern TEXT = Pattern.compile("\"(?:text|inputText)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final FakeServer server;
        private final Deque<Integer> failures = new ConcurrentLinkedDeque<>();
    private final List<String> models = List.of("anthropic.claude-fake-v1:0", "amazon.titan-embed-text-v2:0");
    private volatile boolean breakStreams;

    private FakeBedrock() {
        server = new FakeServer("fake-bedrock", "/", this::handle);
    }

    /** Starts one on a free loopback port. */
    public static FakeBedrock start() {
        return new FakeBedrock();
    }

    /** What a connection's base URL is: {@code http://127.0.0.1:<port>} (runtime and control plane both). */
    public String baseUrl() {
        return server.origin();
    }

    /** The next {@code times} calls answer {@code status} (400, 429, 500, 503) in AWS's error shape instead. */
    public FakeBedrock failNext(int times, int status) {
        for (int i = 0; i < times; i++) {
            failures.add(status);
        }
        return this;
    }

    /** Streams send one word, then a {@code modelStreamErrorException} message, as Bedrock does when a model fails. */
    public FakeBedrock breakStreams() {
        this.breakStreams = true;
        return this;
    }

    /** Every request received so far (signed or not), oldest first. */
    public List<FakeLlmProvider.RecordedCall> requests() {
        return List.copyOf(server.requests);
    }

    /** Forgets the requests, failures and settings made so far. */
    public void reset() {
        server.requests.clear();
        failures.clear();
        breakStreams = false;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            String body = new String(raw, StandardCharsets.UTF_8);
            Map<String, String> headers = FakeReplies.headers(exchange);
            String path = exchange.getRequestURI().getPath();
            server.requests.add(new FakeLlmProvider.RecordedCall(exchange.getRequestMethod(), path,
                    exchange.getRequestURI().getRawQuery(), headers, body));
            String refused = signatureProblem(exchange, headers, raw);
            if (refused != null) {
                error(exchange, 403, refused.startsWith("Missing") ? "MissingAuthenticationTokenException"
                        : refused.startsWith("The security token") ? "UnrecognizedClientException"
                        : "InvalidSignatureException", refused);
                return;
            }
            Matcher call = MODEL_CALL.matcher(exchange.getRequestURI().getRawPath());
            if (path.equals("/foundation-models") && exchange.getRequestMethod().equals("GET")) {
                StringBuilder data = new StringBuilder();
                for (String m : models) {
                    data.append(data.isEmpty() ? "" : ",").append("{\"modelId\":\"").append(m)
                            .append("\",\"providerName\":\"Fake\",\"responseStreamingSupported\":true}");
                }
                FakeReplies.send(exchange, 200, "{\"modelSummaries\":[" + data + "]}");
            } else if (call.matches() && exchange.getRequestMethod().equals("POST")) {
                String model = URLDecoder.decode(call.group(1), StandardCharsets.UTF_8);
                Integer failure = failures.poll();
                if (failure != null) {
                    String type = switch (failure) {
                        case 400 -> "ValidationException";
                        case 429 -> "ThrottlingException";
                        case 503 -> "ServiceUnavailableException";
                        default -> "InternalServerException";
                    };
                    error(exchange, failure, type, "The fake Bedrock fails this call with " + failure);
                } else if (!models.contains(model)) {
                    error(exchange, 400, "ValidationException", "The provided model identifier is invalid.");
                } else if (call.group(2).equals("invoke")) {
                    embed(exchange, model, body);
                } else {
                    converse(exchange, body, call.group(2).equals("converse-stream"));
                }
            } else {
                error(exchange, 404, "UnknownOperationException", "Not found: " + path);
            }
        }
    }

    private void embed(HttpExchange exchange, String model, String body) throws IOException {
        Matcher text = TEXT.matcher(body);
        if (!model.startsWith("amazon.titan-embed") || !text.find()) {
            error(exchange, 400, "ValidationException", "Malformed input request: #: required key [inputText] not "
                    + "found");
            return;
        }
        String input = text.group(1);
        StringBuilder vector = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            vector.append(i == 0 ? "" : ",").append(((input.hashCode() >> i) & 0xff) / 255.0);
        }
        FakeReplies.send(exchange, 200, "{\"embedding\":[" + vector + "],\"inputTextTokenCount\":"
                + words(input) + "}");
    }

    private void converse(HttpExchange exchange, String body, boolean stream) throws IOException {
        if (!body.contains("\"messages\"") || body.contains("\"role\":\"system\"")) {
            error(exchange, 400, "ValidationException", "A conversation must start with a user message.");
            return;
        }
        String last = "";
        // The last message's text: the system prompts ("system": [{"text": ...}]) are not echoed.
        Matcher text = TEXT.matcher(body.replaceAll("\"system\"\\s*:\\s*\\[[^\\]]*]", ""));
        while (text.find()) {
            last = text.group(1);
        }
        String[] words = ("echo: " + last).split(" ");
        Matcher maxTokens = MAX_TOKENS.matcher(body);
        int limit = maxTokens.find() ? Integer.parseInt(maxTokens.group(1)) : Integer.MAX_VALUE;
        String[] reply = words.length > limit ? Arrays.copyOf(words, limit) : words;
        String stop = words.length > limit ? "max_tokens" : "end_turn";
        int prompt = words(last);
        String usage = "{\"inputTokens\":" + prompt + ",\"outputTokens\":" + reply.length + ",\"totalTokens\":"
                + (prompt + reply.length) + "}";
        if (!stream) {
            FakeReplies.send(exchange, 200, "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":"
                    + FakeReplies.quote(String.join(" ", reply)) + "}]}},\"stopReason\":\"" + stop + "\",\"usage\":"
                    + usage + ",\"metrics\":{\"latencyMs\":12}}");
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.amazon.eventstream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        out.write(event("messageStart", "{\"role\":\"assistant\"}"));
        for (int i = 0; i < reply.length; i++) {
            out.write(event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":"
                    + FakeReplies.quote((i == 0 ? "" : " ") + reply[i]) + "}}"));
            out.flush();
            if (breakStreams) {
                out.write(message(Map.of(":message-type", "exception", ":exception-type", "modelStreamErrorException",
                        ":content-type", "application/json"), "{\"message\":\"The fake model failed mid-stream\"}"));
                return;
            }
        }
        out.write(event("contentBlockStop", "{\"contentBlockIndex\":0}"));
        out.write(event("messageStop", "{\"stopReason\":\"" + stop + "\"}"));
        out.write(event("metadata", "{\"usage\":" + usage + ",\"metrics\":{\"latencyMs\":12}}"));
        out.flush();
    }

    private static int words(String text) {
        return text.isBlank() ? 0 : text.strip().split("\\s+").length;
    }

    private static byte[] event(String type, String json) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":event-type", type);
        headers.put(":content-type", "application/json");
        headers.put(":message-type", "event");
        return message(headers, json);
    }

    /** One message of AWS's event-stream framing: prelude, its CRC, string headers, payload, the message's CRC. */
    private static byte[] message(Map<String, String> headers, String payload) {
        ByteArrayOutputStream encoded = new ByteArrayOutputStream();
        headers.forEach((name, value) -> {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            byte[] v = value.getBytes(StandardCharsets.UTF_8);
            encoded.write(n.length);
            encoded.writeBytes(n);
            encoded.write(7);
            encoded.write(v.length >> 8);
            encoded.write(v.length & 0xff);
            encoded.writeBytes(v);
        });
        byte[] h = encoded.toByteArray();
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        int total = 12 + h.length + p.length + 4;
        ByteBuffer out = ByteBuffer.allocate(total);
        out.putInt(total).putInt(h.length);
        out.putInt((int) crc(out.array(), 8));
        out.put(h).put(p);
        out.putInt((int) crc(out.array(), total - 4));
        return out.array();
    }

    private static long crc(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return crc.getValue();
    }

    /** Why the request's SigV4 signature is refused, or null when it is right (AWS's documented algorithm). */
    private static String signatureProblem(HttpExchange exchange, Map<String, String> headers, byte[] body) {
        String authorization = headers.get("authorization");
        if (authorization == null) {
            return "Missing Authentication Token";
        }
        Matcher auth = AUTHORIZATION.matcher(authorization);
        if (!auth.matches()) {
            return "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' (AWS4-HMAC-SHA256)";
        }
        if (!auth.group(1).equals(ACCESS_KEY_ID)) {
            return "The security token included in the request is invalid.";
        }
        String date = auth.group(2);
        if (!auth.group(3).equals(REGION) || !auth.group(4).equals("bedrock")) {
            return "Credential should be scoped to a valid region and to the service 'bedrock', not '"
                    + auth.group(3) + "/" + auth.group(4) + "'";
        }
        String amzDate = headers.get("x-amz-date");
        List<String> signed = List.of(auth.group(5).split(";"));
        if (amzDate == null || !amzDate.startsWith(date) || !signed.contains("host") || !signed.contains("x-amz-date")) {
            return "The request must sign host and x-amz-date, with the credential's date";
        }
        Instant at = Instant.from(AMZ_DATE.parse(amzDate));
        if (Duration.between(at, Instant.now()).abs().compareTo(Duration.ofMinutes(5)) > 0) {
            return "Signature expired: " + amzDate + " is not within five minutes of the fake's time";
        }
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : signed) {
            String value = headers.get(name);
            if (value == null) {
                return "The request signs a header it does not send: " + name;
            }
            canonicalHeaders.append(name).append(':').append(value.strip().replaceAll("\\s+", " ")).append('\n');
        }
        String payloadHash = hex(sha256(body));
        String declared = headers.get("x-amz-content-sha256");
        if (declared != null && !declared.equals(payloadHash)) {
            return "The provided 'x-amz-content-sha256' header does not match what was computed.";
        }
        String canonicalRequest = exchange.getRequestMethod() + "\n" + canonicalUri(exchange.getRequestURI()
                .getRawPath()) + "\n" + canonicalQuery(exchange.getRequestURI().getRawQuery()) + "\n"
                + canonicalHeaders + "\n" + auth.group(5) + "\n" + payloadHash;
        String scope = date + "/" + REGION + "/bedrock/aws4_request";
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + SECRET_ACCESS_KEY).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(hmac(hmac(key, REGION), "bedrock"), "aws4_request");
        String expected = hex(hmac(key, stringToSign));
        return expected.equals(auth.group(6)) ? null : "The request signature we calculated does not match the "
                + "signature you provided. Check your AWS Secret Access Key and signing method.";
    }

    /** Each segment of the path as sent, URI-encoded once more (AWS's rule for services other than S3). */
    private static String canonicalUri(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        List<String> segments = new ArrayList<>();
        for (String segment : rawPath.split("/", -1)) {
            segments.add(uriEncode(segment));
        }
        return String.join("/", segments);
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String> pairs = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            pairs.add(uriEncode(k) + "=" + uriEncode(v));
        }
        pairs.sort(null);
        return String.join("&", pairs);
    }

    private static String uriEncode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-_.~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        exchange.getResponseHeaders().set("x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazon.bedrock/");
        FakeReplies.send(exchange, status, "{\"message\":" + FakeReplies.quote(message) + "}");
    }

    @Override
    public void close() {
        server.close();
    }

    /** Runs one until killed, printing its base URL and credentials: for trying a bedrock connection by hand. */
    public static void main(String[] args) throws InterruptedException {
        FakeBedrock fake = start();
        System.out.println("BASE_URL " + fake.baseUrl() + " REGION " + REGION + " ACCESS_KEY_ID " + ACCESS_KEY_ID
                + " SECRET_ACCESS_KEY " + SECRET_ACCESS_KEY);
        System.out.flush();
        Thread.currentThread().join();
    }
}
