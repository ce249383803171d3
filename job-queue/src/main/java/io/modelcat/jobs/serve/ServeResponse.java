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
 *   <li>text-generation {@code {"generatedText", "finishReason": "eos|max_new_tokens|context_full", "newTokens", "promptTokens"}}</li>
 * </ul>
 */
public record ServeResponse(List<JsonNode> predictions) {

    public ServeResponse {
        predictions = List.copyOf(predictions);
    }
}
