package io.modelcat.catalog.llm;

/**
 * A mesh call that fails, as OpenAI's APIs answer failures: a status, and an error with a message, a type, the
 * parameter at fault and a code; 429s say when to come back.
 */
public final class LlmCallException extends RuntimeException {

    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final Long retryAfterMillis;

    public LlmCallException(int status, String message, String type, String param, String code, Long retryAfterSeconds) {
        this(status, message, type, param, code, retryAfterSeconds == null ? null : retryAfterSeconds * 1000, true);
    }

    private LlmCallException(int status, String message, String type, String param, String code, Long retryAfterMillis,
                             boolean millis) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfterMillis = retryAfterMillis;
    }

    /** A 429 (or other retryable failure) whose wait is known to the millisecond. */
    static LlmCallException retryAfterMillis(int status, String message, String type, String code, long millis) {
        return new LlmCallException(status, message, type, null, code, Math.max(0, millis), true);
    }

    /** A request the mesh refuses before calling anyone: 400, naming the parameter. */
    static LlmCallException invalid(String param, String code, String message) {
        return new LlmCallException(400, message, "invalid_request_error", param, code, null);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    /** Whole seconds to wait before calling again (at least 1, as {@code Retry-After} says it), or null. */
    public Long retryAfterSeconds() {
        return retryAfterMillis == null ? null : Math.max(1, (retryAfterMillis + 999) / 1000);
    }

    /** Milliseconds to wait before calling again (OpenAI's {@code retry-after-ms}), or null. */
    public Long retryAfterMillis() {
        return retryAfterMillis;
    }
}
