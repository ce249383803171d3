package io.modelcat.jobs.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.task.Task;
import java.util.List;
import java.util.Map;

/**
 * Run one input through a model for the task its card names: sample inference ("Try it").
 *
 * @param inputs     the task's inputs by name ({@link Task#predictInputs()}: text, text2, question, context)
 * @param candidates fill-mask: candidates per mask; null for the default
 * @param generation text generation: how to generate; null for greedy with the default length
 * @param messages   text generation: null, or a conversation whose rendering by the model's chat template
 *                   is the prompt (in place of the {@code text} input)
 * @param promptIds  text generation: null, or the prompt as the model's token ids (in place of the {@code text}
 *                   input), as OpenAI's completions take a tokenized prompt
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PredictSpec(Task task, String artifactUri, Map<String, String> inputs, Integer candidates,
                          Generation generation, List<ChatMessage> messages, List<Long> promptIds) implements JobSpec {

    @com.fasterxml.jackson.annotation.JsonCreator
    public PredictSpec {
        messages = messages == null ? null : List.copyOf(messages);
        promptIds = promptIds == null ? null : List.copyOf(promptIds);
    }

    public PredictSpec(Task task, String artifactUri, Map<String, String> inputs, Integer candidates,
                       Generation generation, List<ChatMessage> messages) {
        this(task, artifactUri, inputs, candidates, generation, messages, null);
    }

    public PredictSpec(Task task, String artifactUri, Map<String, String> inputs, Integer candidates,
                       Generation generation) {
        this(task, artifactUri, inputs, candidates, generation, null);
    }

    /**
     * How to generate; a null field takes the model's {@code generation_config.json} value, else the engine's
     * default (greedy, 20 new tokens, no penalty).
     *
     * @param sample            true to sample, false for greedy; null: sampling when a temperature, top-k or
     *                          top-p is given, else what the model's generation config says
     * @param repetitionPenalty {@code transformers}' repetition penalty (1: none)
     * @param stop              strings that end the generation; the text ends before the first of them
     * @param search            summarization and translation (encoder-decoders): how to search; null for the model's
     *                          generation config
     * @param logprobs          text generation: null for none, or report each generated token's log-probability
     *                          and those of the {@code logprobs} likeliest tokens of its step (0: the chosen token's only)
     * @param promptLogprobs    text generation, with {@code logprobs}: true to report the prompt's tokens' too
     *                          (OpenAI's {@code echo})
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Generation(Integer maxNewTokens, Double temperature, Integer topK, Double topP, Long seed,
                             Boolean sample, Double repetitionPenalty, List<String> stop, Search search,
                             Integer logprobs, Boolean promptLogprobs) {

        @com.fasterxml.jackson.annotation.JsonCreator
        public Generation {
            stop = stop == null || stop.isEmpty() ? null : List.copyOf(stop);
            if (logprobs != null && logprobs < 0) {
                throw new IllegalArgumentException("logprobs must be null or >= 0: " + logprobs);
            }
            if (Boolean.TRUE.equals(promptLogprobs) && logprobs == null) {
                throw new IllegalArgumentException("promptLogprobs needs logprobs");
            }
        }

        public Generation(Integer maxNewTokens, Double temperature, Integer topK, Double topP, Long seed,
                          Boolean sample, Double repetitionPenalty, List<String> stop, Search search) {
            this(maxNewTokens, temperature, topK, topP, seed, sample, repetitionPenalty, stop, search, null, null);
        }

        public Generation(Integer maxNewTokens, Double temperature, Integer topK, Double topP, Long seed,
                          Boolean sample, Double repetitionPenalty, List<String> stop) {
            this(maxNewTokens, temperature, topK, topP, seed, sample, repetitionPenalty, stop, null);
        }

        public Generation(Integer maxNewTokens, Double temperature, Integer topK, Double topP, Long seed) {
            this(maxNewTokens, temperature, topK, topP, seed, null, null, null, null);
        }

        /** Greedy decoding asked for explicitly, whatever the model's generation config prefers. */
        public static Generation greedy(Integer maxNewTokens) {
            return new Generation(maxNewTokens, null, null, null, null, false, null, null, null);
        }

        /** An encoder-decoder's search: {@code maxNewTokens} and {@code repetitionPenalty} and the search's settings. */
        public static Generation search(Integer maxNewTokens, Double repetitionPenalty, Search search) {
            return new Generation(maxNewTokens, null, null, null, null, null, repetitionPenalty, null, search);
        }

        public Generation withSeed(Long value) {
            return new Generation(maxNewTokens, temperature, topK, topP, value, sample, repetitionPenalty, stop, search,
                    logprobs, promptLogprobs);
        }

        public Generation withStop(List<String> value) {
            return new Generation(maxNewTokens, temperature, topK, topP, seed, sample, repetitionPenalty, value, search,
                    logprobs, promptLogprobs);
        }

        public Generation withRepetitionPenalty(Double value) {
            return new Generation(maxNewTokens, temperature, topK, topP, seed, sample, value, stop, search, logprobs,
                    promptLogprobs);
        }

        /** Reports {@code value} likeliest tokens beside each generated one (null: none), and the prompt's when asked. */
        public Generation withLogprobs(Integer value, boolean prompt) {
            return new Generation(maxNewTokens, temperature, topK, topP, seed, sample, repetitionPenalty, stop, search,
                    value, prompt ? Boolean.TRUE : null);
        }

        public Generation withLogprobs(Integer value) {
            return withLogprobs(value, false);
        }
    }

    /**
     * How an encoder-decoder searches (summarization, translation), with {@code transformers}' names and meaning; a
     * null field takes the model's {@code generation_config.json} value.
     *
     * @param maxLength         the longest output, the decoder start token counted ({@code max_length});
     *                          {@code maxNewTokens} wins over it
     * @param minLength         no end token before this length, the decoder start token counted ({@code min_length})
     * @param numBeams          1: greedy; more: beam search ({@code num_beams})
     * @param lengthPenalty     a finished beam scores its log-probability over (length ^ this) ({@code length_penalty})
     * @param noRepeatNgramSize 0: off; n: no n-gram of the output occurs twice ({@code no_repeat_ngram_size})
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Search(Integer maxLength, Integer minLength, Integer numBeams, Double lengthPenalty,
                         Integer noRepeatNgramSize) {

        /** Whether no setting is given. */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public boolean isEmpty() {
            return maxLength == null && minLength == null && numBeams == null && lengthPenalty == null
                    && noRepeatNgramSize == null;
        }
    }

    @Override
    public JobKind kind() {
        return JobKind.PREDICT;
    }
}
