package io.modelcat.jobs.flow;

import io.modelcat.jobs.spec.ChatMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs a flow over one row: each step's variant rendered with the row and earlier outputs, called, parsed. */
public final class FlowExecution {

    private final Flow flow;
    private final ChatModel llm;

    public FlowExecution(Flow flow, ChatModel llm) {
        this.flow = flow;
        this.llm = llm;
    }

    /** What one step did; {@code costUsd} is null when the connection has no price for the model. */
    public record StepResult(String step, String variant, String model, String answer, String output,
                             long promptTokens, long completionTokens, long latencyMillis, Double costUsd) {
    }

    /**
     * What running a row gave: the outputs by step name (and {@code output}, the last step's), each step's
     * result, and the error that stopped it (null when every step ran).
     */
    public record RowResult(Map<String, String> outputs, List<StepResult> steps, String error, String failedStep) {

        public boolean failed() {
            return error != null;
        }

        public long promptTokens() {
            return steps.stream().mapToLong(StepResult::promptTokens).sum();
        }

        public long completionTokens() {
            return steps.stream().mapToLong(StepResult::completionTokens).sum();
        }

        public long latencyMillis() {
            return steps.stream().mapToLong(StepResult::latencyMillis).sum();
        }

        /** The steps' estimated cost in USD; null when no step had a price. */
        public Double costUsd() {
            return steps.stream().map(StepResult::costUsd).filter(java.util.Objects::nonNull)
                    .reduce(Double::sum).orElse(null);
        }
    }

    /**
     * Runs the row.
     *
     * @param inputs   the row's value of each flow input (a missing one is an error of the row)
     * @param variants the variant of each step; a step not named runs its first variant
     */
    public RowResult run(Map<String, String> inputs, Map<String, String> variants) throws InterruptedException {
        Map<String, Object> values = new LinkedHashMap<>();
        for (String input : flow.inputs()) {
            String value = inputs.get(input);
            if (value == null) {
                return new RowResult(Map.of(), List.of(), "the row has no value for input '" + input + "'", null);
            }
            values.put(input, value);
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        List<StepResult> results = new ArrayList<>();
        for (FlowStep step : flow.steps()) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            String chosen = variants.getOrDefault(step.name(), step.variants().get(0).name());
            StepVariant variant = step.variant(chosen).orElseThrow(() -> new IllegalArgumentException(
                    "step '" + step.name() + "' has no variant '" + chosen + "'"));
            List<ChatMessage> messages = new ArrayList<>();
            long started = System.nanoTime();
            String answer;
            ChatModel.Reply reply;
            try {
                if (variant.system() != null && !variant.system().isBlank()) {
                    messages.add(new ChatMessage("system", FlowTemplates.render(variant.system(), values)));
                }
                messages.add(new ChatMessage("user", FlowTemplates.render(variant.prompt(), values)));
            } catch (IllegalArgumentException e) {
                return new RowResult(outputs, results, "step '" + step.name() + "': template: " + e.getMessage(),
                        step.name());
            }
            try {
                reply = llm.chat(variant.model(), messages, variant.temperature(), variant.maxTokens());
                answer = reply.text();
            } catch (ChatModel.LlmCallFailed e) {
                return new RowResult(outputs, results, "step '" + step.name() + "': " + e.getMessage(), step.name());
            }
            long latency = (System.nanoTime() - started) / 1_000_000;
            String output;
            try {
                output = variant.parserOrText().parse(answer);
            } catch (IllegalArgumentException e) {
                results.add(new StepResult(step.name(), chosen, variant.model(), answer, null, reply.promptTokens(),
                        reply.completionTokens(), latency, reply.costUsd()));
                return new RowResult(outputs, results, "step '" + step.name() + "': " + e.getMessage(), step.name());
            }
            results.add(new StepResult(step.name(), chosen, variant.model(), answer, output, reply.promptTokens(),
                    reply.completionTokens(), latency, reply.costUsd()));
            outputs.put(step.name(), output);
            values.put(step.name(), output);
        }
        outputs.put(Flow.OUTPUT, results.get(results.size() - 1).output());
        return new RowResult(outputs, results, null, null);
    }
}
