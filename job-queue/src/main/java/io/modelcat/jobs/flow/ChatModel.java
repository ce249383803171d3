package io.modelcat.jobs.flow;

import io.modelcat.jobs.spec.ChatMessage;
import java.util.List;

/** Calls an LLM through the mesh: what a flow and its evaluation methods need of it. */
public interface ChatModel {

    /**
     * One chat completion.
     *
     * @param model       {@code <connection>/<model>}
     * @param temperature null: the provider's default
     * @param maxTokens   null: the provider's default
     * @throws LlmCallFailed when the call gives no answer (after the mesh's and the client's retries)
     */
    Reply chat(String model, List<ChatMessage> messages, Double temperature, Integer maxTokens) throws LlmCallFailed;

    /**
     * The embeddings of texts, in their order (OpenAI's {@code /embeddings} through the mesh); a caller that cannot
     * embed says so.
     */
    default List<double[]> embed(String model, List<String> texts) throws LlmCallFailed {
        throw new LlmCallFailed(0, "this caller of the LLM mesh cannot ask for embeddings");
    }

    /**
     * An answer, the tokens it took, and its estimated cost in USD (null when the connection has no price for the
     * model).
     */
    record Reply(String text, long promptTokens, long completionTokens, Double costUsd) {
    }

    /** A call without an answer, and why (the provider's or the mesh's error). */
    final class LlmCallFailed extends Exception {

        private final int status;

        public LlmCallFailed(int status, String message) {
            super(message);
            this.status = status;
        }

        /** The mesh's HTTP status; 0 when it could not be reached. */
        public int status() {
            return status;
        }
    }
}
