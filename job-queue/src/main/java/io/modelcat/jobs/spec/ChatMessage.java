package io.modelcat.jobs.serve;

/** One message of a chat conversation, as OpenAI's chat completions API and chat templates know it. */
public record ChatMessage(String role, String content) {
}
