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
    private final Long retryAfterSeconds;

    public LlmCallException(int status, String message, String type, String param, String code, Long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
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

    /** Seconds to wait before calling again, or null. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
