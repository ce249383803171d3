package io.modelcat.jobs.flow;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The default rubrics of the LLM-judged aspects, in the spirit of prompt flow's built-in evaluation flows: each asks
 * for one whole score from 1 to 5. Users may replace a rubric; any answer whose first digit from 1 to 5 is the score
 * is read.
 */
public final class JudgeRubrics {

    public static final List<String> ASPECTS = List.of("relevance", "groundedness", "coherence", "fluency");
    private static final Pattern SCORE = Pattern.compile("(?<![0-9.])([1-5])(?![0-9])");

    private JudgeRubrics() {
    }

    public static String defaultFor(String aspect) {
        String scale = """
                Rate from 1 (worst) to 5 (best). Answer with the number only.""";
        return switch (aspect == null ? "" : aspect) {
            case "relevance" -> """
                    You judge how well an answer addresses the question it was given, using only the inputs below.
                    Inputs: {% for k, v in inputs.items() %}{{ k }}: {{ v }}
                    {% endfor %}
                    Answer: {{ answer }}
                    """ + scale;
            case "groundedness" -> """
                    You judge whether every claim of an answer is supported by the inputs it was given; an answer that adds
                    facts found nowhere in the inputs is not grounded.
                    Inputs: {% for k, v in inputs.items() %}{{ k }}: {{ v }}
                    {% endfor %}
                    Answer: {{ answer }}
                    """ + scale;
            case "coherence" -> """
                    You judge the coherence of an answer: whether its sentences fit together and read as a whole.
                    Answer: {{ answer }}
                    """ + scale;
            case "fluency" -> """
                    You judge the fluency of an answer: grammar, word choice and how naturally it reads.
                    Answer: {{ answer }}
                    """ + scale;
            default -> throw new IllegalArgumentException("no aspect '" + aspect + "'");
        };
    }

    /**
     * What a rubric sees: each flow input and output by its name, {@code inputs} and {@code outputs} (maps of them),
     * {@code answer} (the evaluated output) and {@code ground_truth} (empty when no column is mapped).
     */
    public static Map<String, Object> values(Map<String, String> inputs, Map<String, String> outputs, String answer,
                                             String groundTruth) {
        Map<String, Object> values = new LinkedHashMap<>(inputs);
        values.putAll(outputs);
        values.put("inputs", inputs);
        values.put("outputs", outputs);
        values.put("answer", answer == null ? "" : answer);
        values.put("ground_truth", groundTruth == null ? "" : groundTruth);
        return values;
    }

    /** The score a judge's answer gives: its first whole number from 1 to 5. */
    public static Optional<Integer> score(String answer) {
        Matcher m = SCORE.matcher(answer == null ? "" : answer);
        return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }
}
