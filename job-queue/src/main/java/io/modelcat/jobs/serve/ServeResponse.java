package io.modelcat.jobs.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A runner's answer to a {@link ServeRequest}: one prediction per input, in order, each as the task's
 * recipe predicts it for "Try it" (see docs/deployments.md):
 * <ul>
 *   <li>text-classification {@code {"label", "score", "labels": [{"label", "score"}]}}</li>
 *   <li>token-classification {@code {"words": [...], "entities": [{"type", "startWord", "endWord", "text", "score"}]}}</li>
 *   <li>question-answering {@code {"answer", "start", "end", "score"}}</li>
 *   <li>fill-mask {@code [{"position", "candidates": [{"token", "score"}]}]}</li>
 *   <li>text-generation {@code {"generatedText", "finishReason": "eos|stop|max_new_tokens|context_full", "newTokens",
 *       "promptTokens"}}, and when the generation settings ask for log-probabilities {@code "logprobs": [{"id", "token",
 *       "offset", "logprob", "top": [{"id", "token", "logprob"}]}]}: one per token whose text begins in the generated
 *       text ({@code offset}: where, in characters), its log-probability and the likeliest tokens' of its step; with
 *       {@code promptLogprobs} asked for, {@code "promptLogprobs"} the same for each token of the prompt (offsets in the
 *       prompt; the first token's {@code logprob} null); for a prompt given as token ids, {@code "promptText"}: those
 *       ids decoded</li>
 * </ul>
 */
public record ServeResponse(List<JsonNode> predictions) {

    public ServeResponse {
        predictions = List.copyOf(predictions);
    }
}
