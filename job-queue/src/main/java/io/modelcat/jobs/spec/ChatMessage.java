package io.modelcat.jobs.spec;

/** One message of a chat conversation, as OpenAI's chat completions API and chat templates know it. */
public record ChatMessage(String role, String content) {
}
