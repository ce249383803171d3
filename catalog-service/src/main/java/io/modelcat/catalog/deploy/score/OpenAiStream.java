package io.modelcat.catalog.deploy.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.jobs.serve.ServeEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

/**
 * A runner's streamed events turned into OpenAI's server-sent chunks as they come: for each choice its new
 * text ({@code text_completion} chunks, or {@code chat.completion.chunk} deltas with the role in the
 * first), then a chunk with its {@code finish_reason}; the usage chunk when asked for; then {@code [DONE]}.
 *
 * <p>Text that may be the start of a stop string waits until it is clear that it is not, and nothing after
 * a stop string is sent, so the chunks of a choice add up to exactly the text the whole answer would have. When
 * log-probabilities are asked for, each chunk carries those of the tokens whose text begins in it (the runner tells
 * them with its deltas), so that they too add up to the whole answer's.
 * Reading it reads the runner's events one at a time (blocking), never more than the next chunk needs.
 */
public final class OpenAiStream implements Iterator<String> {

    /** The data of the last event. */
    public static final String DONE = "[DONE]";

    private final OpenAiCompletions.Call call;
    private final Iterator<ServeEvent> events;
    private final ObjectNode header;
    private final Deque<String> ready = new ArrayDeque<>();
    private final List<JsonNode> predictions = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    /** The current choice's tokens (with log-probabilities) heard and not yet sent. */
    private final List<JsonNode> pending = new ArrayList<>();
    /** How many of the current choice's tokens were sent. */
    private int tokensSent;
    private int current = -1;
    private int sent;
    private boolean stopped;
    private boolean done;

    /** Thrown from {@link #next} when the runner reports a failure in the middle of the stream. */
    public static final class Failed extends RuntimeException {
        public Failed(String message) {
            super(message);
        }
    }

    public OpenAiStream(OpenAiCompletions.Call call, String deployment, Iterator<ServeEvent> events) {
        this.call = call;
        this.events = events;
        this.header = OpenAiAnswers.header(call, deployment, true);
    }

    @Override
    public boolean hasNext() {
        while (ready.isEmpty() && !done) {
            if (!events.hasNext()) {
                throw new Failed("the deployment's stream ended before its last choice");
            }
            read(events.next());
        }
        return !ready.isEmpty();
    }

    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.poll();
    }

    private void read(ServeEvent event) {
        if (event.error() != null) {
            throw new Failed(event.error());
        }
        int input = event.input();
        if (input != current) {
            current = input;
            text.setLength(0);
            sent = 0;
            stopped = false;
            pending.clear();
            tokensSent = 0;
            if (call.chat()) {
                add(input, null, null, choice -> choice.putObject("delta").put("role", "assistant").put("content", ""));
            }
        }
        if (event.logprobs() != null && call.logprobs() != null) {
            event.logprobs().forEach(pending::add);
        }
        if (event.delta() != null && !stopped) {
            text.append(event.delta());
            int cut = OpenAiAnswers.firstStop(call.stop(), text.toString());
            int pending = pendingStop(text.toString());
            if (cut >= 0 && (pending < 0 || pending >= cut)) {
                stopped = true;
                send(input, text.substring(sent, cut));
            } else {
                int safe = cut >= 0 ? Math.min(cut, pending) : pending >= 0 ? pending : text.length();
                send(input, text.substring(sent, safe));
            }
        }
        if (event.prediction() != null) {
            predictions.add(event.prediction());
            OpenAiAnswers.Choice choice = OpenAiAnswers.choice(call, event.prediction());
            if (choice.tokens() != null) {
                // The prediction has them all: those not sent yet go with the rest of the text, or with the end.
                pending.clear();
                pending.addAll(choice.tokens().subList(Math.min(tokensSent, choice.tokens().size()),
                        choice.tokens().size()));
            }
            boolean rest = choice.text().length() > sent && choice.text().startsWith(text.substring(0, sent));
            text.setLength(0);
            text.append(choice.text());
            if (rest) {
                send(input, choice.text().substring(sent));
            }
            List<JsonNode> unsent = pending.isEmpty() ? null : List.copyOf(pending);
            add(input, choice.finishReason(), unsent, last -> {
                if (call.chat()) {
                    last.putObject("delta");
                } else {
                    last.put("text", "");
                }
            });
            if (predictions.size() == call.promptCount() * call.n()) {
                if (call.includeUsage()) {
                    ObjectNode usage = header.deepCopy();
                    usage.putArray("choices");
                    usage.set("usage", OpenAiAnswers.usage(call, predictions));
                    ready.add(usage.toString());
                }
                ready.add(DONE);
                done = true;
            }
        }
    }

    private void send(int input, String delta) {
        if (delta.isEmpty()) {
            return;
        }
        sent += delta.length();
        List<JsonNode> tokens = null;
        if (call.logprobs() != null) {
            int begun = 0;
            while (begun < pending.size() && pending.get(begun).path("offset").asInt() < sent) {
                begun++;
            }
            tokens = List.copyOf(pending.subList(0, begun));
            pending.subList(0, begun).clear();
            tokensSent += begun;
        }
        add(input, null, tokens, choice -> {
            if (call.chat()) {
                choice.putObject("delta").put("content", delta);
            } else {
                choice.put("text", delta);
            }
        });
    }

    /** Where the earliest unfinished stop string may begin at the end of {@code text} (a proper prefix of one), or -1. */
    private int pendingStop(String text) {
        for (int start = Math.max(sent, 0); start < text.length(); start++) {
            String tail = text.substring(start);
            for (String stop : call.stop()) {
                if (stop.length() > tail.length() && stop.startsWith(tail)) {
                    return start;
                }
            }
        }
        return -1;
    }

    /**
     * Queues a chunk with one choice, filled by {@code content} (its text or delta), with the log-probabilities of
     * {@code tokens} (none when null).
     */
    private void add(int index, String finishReason, List<JsonNode> tokens, Consumer<ObjectNode> content) {
        ObjectNode chunk = header.deepCopy();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", index);
        content.accept(choice);
        if (tokens == null) {
            choice.putNull("logprobs");
        } else {
            // No prediction yet: a prompt sent as token ids, whose text comes with it, is refused with logprobs here.
            choice.set("logprobs", OpenAiAnswers.logprobs(call, OpenAiAnswers.promptText(call, index, null),
                    text.toString(), tokens));
        }
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        ready.add(chunk.toString());
    }
}
