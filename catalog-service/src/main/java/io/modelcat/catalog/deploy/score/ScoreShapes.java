package io.modelcat.catalog.deploy.score;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.PredictInput;
import io.modelcat.jobs.task.Task;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoublePredicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The request and answer shapes of {@code POST /endpoints/{name}/score} (docs/deployments.md). Azure ML's clients
 * each send their own request shape and parse their own answer shape: MLflow and pandas for models logged with
 * MLflow, the model catalog's {@code inputs} and {@code input_string} forms, and LangChain's and prompt flow's
 * content formatters. {@link #parse} understands a request for an endpoint's task; {@link #format} answers it in the
 * same client's terms from the runner's predictions.
 */
public final class ScoreShapes {

    /** The most inputs one call may carry. */
    public static final int MAX_INPUTS = 64;
    /** The most new tokens a call may ask a text-generation model for. */
    public static final int MAX_NEW_TOKENS = 1024;
    private static final int MAX_TEMPERATURE = 5;
    private static final int MAX_REPETITION_PENALTY = 10;
    // The bounds of "Try it" (PredictRequest): text generation's top-k, fill-mask's candidates per mask.
    private static final int MAX_TOP_K = 1000;
    private static final int MAX_CANDIDATES = 50;
    // Bounds of an encoder-decoder's search, so that no call can ask for an unbounded one.
    private static final int MAX_BEAMS = 16;
    private static final int MAX_NGRAM = 32;
    private static final int MAX_LENGTH_PENALTY = 10;
    private static final int SHOWN_CHARS = 60;

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** Reads a quoted prompt: exactly one JSON string, nothing after it. */
    private static final ObjectMapper QUOTED = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ScoreShapes() {
    }

    /** Whether online endpoints serve {@code task} ({@link Task#servedByEndpoints()}). */
    public static boolean serves(Task task) {
        return task.servedByEndpoints() && !task.predictInputs().isEmpty();
    }

    /**
     * Understands a scoring request for an endpoint of {@code task}.
     *
     * @param fromPromptFlow whether the request carried prompt flow's {@code x-ms-user-agent}: prompt flow sends the
     *                       body of LangChain's Dolly formatter but reads the answer as {@code [{"0": ...}]}
     * @throws ScoreShapeException      when the body is in none of the task's shapes, naming what was wrong
     * @throws IllegalArgumentException when endpoints do not serve {@code task}
     */
    public static ScoreCall parse(JsonNode body, Task task, boolean fromPromptFlow) {
        if (!serves(task)) {
            throw notServed(task);
        }
        if (body == null || !body.isObject()) {
            throw wrong(task, "the body", "a JSON object", body);
        }
        JsonNode inputData = body.get("input_data");
        JsonNode inputs = body.get("inputs");
        if (inputData != null && inputs == null) {
            return fromInputData(body, inputData, task, fromPromptFlow);
        }
        if (inputs != null && inputData == null) {
            return fromInputs(body, inputs, task);
        }
        throw refuse(task, inputData == null ? "the body has neither input_data nor inputs"
                : "the body has both input_data and inputs");
    }

    /**
     * Understands a request to MLflow's scoring server route ({@code POST /invocations}): exactly one of
     * {@code dataframe_split}, {@code dataframe_records}, {@code instances} or {@code inputs}, with {@code params}.
     * The answer is {@code {"predictions": [...]}}.
     *
     * @throws ScoreShapeException      when the body is none of these, naming what was wrong
     * @throws IllegalArgumentException when endpoints do not serve {@code task}
     */
    public static ScoreCall parseInvocations(JsonNode body, Task task) {
        return asRoute(task, INVOCATION_SHAPES, () -> {
            List<String> formats = body.isObject() ? fieldNames(body).stream()
                    .filter(List.of("dataframe_split", "dataframe_records", "instances", "inputs")::contains).toList()
                    : List.of();
            if (formats.size() != 1) {
                throw refuse(task, "the body must be an object with exactly one of dataframe_split, dataframe_records, "
                        + "instances or inputs; it is " + describe(body));
            }
            String format = formats.get(0);
            onlyFields(body, "the body", task, format, "params");
            JsonNode data = body.get(format);
            List<Map<String, String>> inputs = switch (format) {
                case "dataframe_split" -> pandasSplit(data, format, task);
                case "inputs" -> data.isObject() ? questionsAndContexts(data, format, task) : records(data, format, task);
                default -> records(data, format, task);
            };
            return call(task, Shape.INVOCATIONS, inputs, Parameters.of(body, "params", "params", task));
        });
    }

    /**
     * Understands a request in KServe's v1 protocol ({@code POST /v1/models/{deployment}:predict}):
     * {@code {"instances": [...]}} of texts or objects naming the task's inputs, with {@code parameters}. The answer is
     * {@code {"predictions": [...]}}.
     */
    public static ScoreCall parseKServe(JsonNode body, Task task) {
        return asRoute(task, KSERVE_SHAPES, () -> {
            if (!body.isObject() || !body.has("instances")) {
                throw refuse(task, "the body must be an object with instances; it is " + describe(body));
            }
            onlyFields(body, "the body", task, "instances", "parameters");
            return call(task, Shape.KSERVE, records(body.get("instances"), "instances", task),
                    Parameters.of(body, "parameters", "parameters", task));
        });
    }

    private static final List<String> INVOCATION_SHAPES = List.of(
            "{\"dataframe_split\": {\"columns\": [...], \"data\": [[...]]}, \"params\": {...}}",
            "{\"dataframe_records\": [{\"text\": \"...\"}], \"params\": {...}}",
            "{\"instances\": [\"...\"], \"params\": {...}}",
            "{\"inputs\": [\"...\"], \"params\": {...}}");
    private static final List<String> KSERVE_SHAPES = List.of(
            "{\"instances\": [\"...\"], \"parameters\": {...}}",
            "{\"instances\": [{\"question\": \"...\", \"context\": \"...\"}]}");

    /** Runs a route's parser, so that its refusals list that route's shapes rather than those of {@code /score}. */
    private static ScoreCall asRoute(Task task, List<String> shapes, Supplier<ScoreCall> parser) {
        if (!serves(task)) {
            throw notServed(task);
        }
        try {
            return parser.get();
        } catch (ScoreShapeException e) {
            throw new ScoreShapeException(e.problem(), task, shapes);
        }
    }

    /**
     * The answer to {@code call} in its shape's terms, from the runner's predictions: one per input, in order, as
     * {@link io.modelcat.jobs.serve.ServeResponse} documents them.
     *
     * @throws IllegalArgumentException when the predictions do not match the call's inputs or the task's prediction
     *                                  shape: the runner's fault, not the caller's
     */
    public static JsonNode format(ScoreCall call, Task task, List<JsonNode> predictions) {
        if (predictions.size() != call.inputs().size()) {
            throw new IllegalArgumentException(predictions.size() + " predictions for " + call.inputs().size() + " inputs");
        }
        List<JsonNode> values = new ArrayList<>();
        for (int i = 0; i < predictions.size(); i++) {
            values.add(value(task, call, i, predictions.get(i)));
        }
        return switch (call.shape()) {
            case MLFLOW, PANDAS_SPLIT, DOLLY -> list(values, UnaryOperator.identity());
            case LEGACY, INPUT_STRING, PROMPT_FLOW -> list(values, value -> object("0", value));
            // transformers' summarization and translation pipelines answer their objects as they are.
            case HUGGING_FACE -> task == Task.SUMMARIZATION || task == Task.TRANSLATION
                    ? list(values, UnaryOperator.identity())
                    : list(values, value -> object("0", object("generated_text", value)));
            case CHAT_MESSAGES -> object("output", values.get(0));
            case INVOCATIONS, KSERVE -> object("predictions", list(values, UnaryOperator.identity()));
        };
    }

    /** The {@code input_data} shapes: MLflow's list and its question-answering object, pandas split, and input_string. */
    private static ScoreCall fromInputData(JsonNode body, JsonNode data, Task task, boolean fromPromptFlow) {
        if (data.isObject() && data.has("input_string")) {
            return fromInputString(body, data, task, fromPromptFlow);
        }
        onlyFields(body, "the body", task, "input_data", "params");
        Parameters params = Parameters.of(body, "params", "params", task);
        if (data.isArray()) {
            return call(task, Shape.MLFLOW, texts(data, "input_data", task), params);
        }
        if (data.isObject() && (data.has("question") || data.has("context"))) {
            return call(task, Shape.MLFLOW, questionsAndContexts(data, "input_data", task), params);
        }
        if (data.isObject() && (data.has("columns") || data.has("data"))) {
            return call(task, Shape.PANDAS_SPLIT, pandasSplit(data, "input_data", task), params);
        }
        throw wrong(task, "input_data", "a list of texts, or an object with input_string, question and context, "
                + "or columns and data", data);
    }

    /**
     * The model catalog's {@code input_data.input_string}, with parameters at the top (LangChain's Dolly formatter,
     * prompt flow) or inside {@code input_data} (LangChain's Llama formatters), and chat messages instead of
     * strings from LangChain's chat formatter.
     */
    private static ScoreCall fromInputString(JsonNode body, JsonNode data, Task task, boolean fromPromptFlow) {
        onlyFields(body, "the body", task, "input_data", "parameters");
        onlyFields(data, "input_data", task, "input_string", "parameters");
        boolean atTop = body.has("parameters");
        if (atTop && data.has("parameters")) {
            throw refuse(task, "parameters go either at the top or in input_data, not in both");
        }
        Parameters params = atTop ? Parameters.of(body, "parameters", "parameters", task)
                : Parameters.of(data, "parameters", "input_data.parameters", task);
        JsonNode strings = data.get("input_string");
        if (strings.isArray() && !strings.isEmpty() && strings.get(0).isObject()) {
            return call(task, Shape.CHAT_MESSAGES, List.of(chat(strings, "input_data.input_string", task)), params);
        }
        Shape shape = !atTop ? Shape.INPUT_STRING : fromPromptFlow ? Shape.PROMPT_FLOW : Shape.DOLLY;
        return call(task, shape, texts(strings, "input_data.input_string", task), params);
    }

    /** The {@code inputs} shapes: the model catalog's legacy object and Hugging Face's list. */
    private static ScoreCall fromInputs(JsonNode body, JsonNode inputs, Task task) {
        onlyFields(body, "the body", task, "inputs", "parameters");
        Parameters params = Parameters.of(body, "parameters", "parameters", task);
        if (inputs.isArray()) {
            return call(task, Shape.HUGGING_FACE, texts(inputs, "inputs", task), params);
        }
        if (inputs.isObject() && inputs.has("input_string")) {
            onlyFields(inputs, "inputs", task, "input_string");
            return call(task, Shape.LEGACY, texts(inputs.get("input_string"), "inputs.input_string", task), params);
        }
        if (inputs.isObject() && (inputs.has("question") || inputs.has("context"))) {
            return call(task, Shape.LEGACY, questionsAndContexts(inputs, "inputs", task), params);
        }
        throw wrong(task, "inputs", "a list of texts, or an object with input_string, or question and context", inputs);
    }

    /** The call for the inputs read, with the parameters its task uses; the others are not read. */
    private static ScoreCall call(Task task, Shape shape, List<Map<String, String>> inputs, Parameters params) {
        return switch (task) {
            case TEXT_GENERATION -> new ScoreCall(shape, inputs, null, generation(params).withStop(params.stop()),
                    Objects.requireNonNullElse(params.bool("return_full_text"), repeatsPromptByDefault(shape)),
                    params.stop());
            case FILL_MASK -> new ScoreCall(shape, inputs, params.count("top_k", 1, MAX_CANDIDATES), null, false, List.of());
            case SUMMARIZATION, TRANSLATION -> new ScoreCall(shape, languages(inputs, params), null, search(params), false,
                    List.of());
            default -> new ScoreCall(shape, inputs, null, null, false, List.of());
        };
    }

    /**
     * An encoder-decoder's search (summarization, translation), with the parameters of {@code transformers}' pipelines;
     * what a call leaves out comes from the model's generation config. Such models search (greedy or beams) and do not
     * sample, so the sampling parameters are refused by name rather than ignored ({@code do_sample: false} and a
     * temperature of 0 ask for what the model does anyway); {@code seed} is read and has nothing to seed.
     */
    private static PredictSpec.Generation search(Parameters params) {
        if (Boolean.TRUE.equals(params.bool("do_sample"))) {
            throw params.refused("do_sample", "true");
        }
        Double temperature = params.number("temperature", t -> t >= 0 && t <= MAX_TEMPERATURE,
                "a number from 0 (greedy) to " + MAX_TEMPERATURE);
        if (temperature != null && temperature > 0) {
            throw params.refused("temperature", String.valueOf(temperature));
        }
        for (String sampling : List.of("top_k", "top_p")) {
            if (params.get(sampling) != null) {
                throw params.refused(sampling, params.get(sampling).toString());
            }
        }
        if (params.get("stop") != null) {
            throw wrong(params.task(), params.path() + ".stop", "absent: " + params.task().wireName()
                    + " generates whole texts and takes no stop strings", params.get("stop"));
        }
        if (Boolean.TRUE.equals(params.bool("return_full_text"))) {
            throw wrong(params.task(), params.path() + ".return_full_text", "false or absent: a "
                    + params.task().wireName() + " answer is the new text, never the input", params.get("return_full_text"));
        }
        params.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE, "an integer");
        Double lengthPenalty = params.number("length_penalty", p -> Math.abs(p) <= MAX_LENGTH_PENALTY,
                "a number from -" + MAX_LENGTH_PENALTY + " to " + MAX_LENGTH_PENALTY + " (1: none; over 1 favours longer outputs)");
        PredictSpec.Search search = new PredictSpec.Search(params.count("max_length", 1, MAX_NEW_TOKENS + 1),
                params.count("min_length", 0, MAX_NEW_TOKENS), params.count("num_beams", 1, MAX_BEAMS), lengthPenalty,
                params.count("no_repeat_ngram_size", 0, MAX_NGRAM));
        Double repetitionPenalty = params.number("repetition_penalty", r -> r > 0 && r <= MAX_REPETITION_PENALTY,
                "a number over 0 and at most " + MAX_REPETITION_PENALTY + " (1: no penalty)");
        return PredictSpec.Generation.search(params.count("max_new_tokens", 1, MAX_NEW_TOKENS), repetitionPenalty,
                search.isEmpty() ? null : search);
    }

    /**
     * Translation's languages: {@code src_lang} and {@code tgt_lang} of the parameters (as {@code transformers}'
     * translation pipeline takes them) for every input that does not name its own {@code sourceLanguage} and
     * {@code targetLanguage}; they pick a T5's task prefix when it translates several ways.
     */
    private static List<Map<String, String>> languages(List<Map<String, String>> inputs, Parameters params) {
        String source = params.code("src_lang");
        String target = params.code("tgt_lang");
        if (params.task() != Task.TRANSLATION) {
            if (source != null || target != null) {
                throw wrong(params.task(), params.path() + "." + (source != null ? "src_lang" : "tgt_lang"),
                        "absent: only translation takes languages", params.get(source != null ? "src_lang" : "tgt_lang"));
            }
            return inputs;
        }
        List<Map<String, String>> withLanguages = new ArrayList<>();
        for (Map<String, String> input : inputs) {
            Map<String, String> copy = new LinkedHashMap<>(input);
            if (source != null) {
                copy.putIfAbsent("sourceLanguage", source);
            }
            if (target != null) {
                copy.putIfAbsent("targetLanguage", target);
            }
            withLanguages.add(copy);
        }
        return withLanguages;
    }

    /** Text generation's settings; {@code do_sample: false} and a temperature of 0 mean greedy, as in Hugging Face. */
    private static PredictSpec.Generation generation(Parameters params) {
        Integer maxNewTokens = params.count("max_new_tokens", 1, MAX_NEW_TOKENS);
        if (maxNewTokens == null) {
            // Hugging Face's older name, which counts the prompt too; callers of an endpoint mean the new text by it.
            maxNewTokens = params.count("max_length", 1, MAX_NEW_TOKENS);
        }
        Double temperature = params.number("temperature", t -> t >= 0 && t <= MAX_TEMPERATURE,
                "a number from 0 (greedy) to " + MAX_TEMPERATURE);
        Double topP = params.number("top_p", p -> p > 0 && p <= 1, "a number over 0 and at most 1");
        Integer topK = params.count("top_k", 1, MAX_TOP_K);
        Long seed = params.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE, "an integer");
        Double repetitionPenalty = params.number("repetition_penalty", r -> r > 0 && r <= MAX_REPETITION_PENALTY,
                "a number over 0 and at most " + MAX_REPETITION_PENALTY + " (1: no penalty)");
        boolean greedy = Boolean.FALSE.equals(params.bool("do_sample")) || (temperature != null && temperature == 0);
        return new PredictSpec.Generation(maxNewTokens, greedy ? null : temperature, greedy ? null : topK,
                greedy ? null : topP, seed, greedy ? Boolean.FALSE : params.bool("do_sample"), repetitionPenalty, null);
    }

    /**
     * Hugging Face's pipelines, and MLflow's flavour around them, answer the prompt and its continuation; the model
     * catalog's input_string scripts, which LangChain's and prompt flow's formatters call, answer the new text only,
     * and those formatters expect no more.
     */
    private static boolean repeatsPromptByDefault(Shape shape) {
        return switch (shape) {
            case MLFLOW, PANDAS_SPLIT, HUGGING_FACE, INVOCATIONS, KSERVE -> true;
            case LEGACY, DOLLY, PROMPT_FLOW, INPUT_STRING, CHAT_MESSAGES -> false;
        };
    }

    /** One input per string of a list, as the task's text. */
    private static List<Map<String, String>> texts(JsonNode list, String path, Task task) {
        if (task == Task.QUESTION_ANSWERING) {
            throw refuse(task, path + " holds texts, but question-answering takes a question and a context per input");
        }
        requireInputList(list, path, task);
        List<Map<String, String>> inputs = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            inputs.add(Map.of("text", text(list.get(i), path + "[" + i + "]", task)));
        }
        return inputs;
    }

    /** Question-answering's inputs: a question and a context, or two lists of them that pair up by position. */
    private static List<Map<String, String>> questionsAndContexts(JsonNode pairs, String path, Task task) {
        if (task != Task.QUESTION_ANSWERING) {
            throw refuse(task, path + " holds a question and a context, which only question-answering takes; "
                    + task.wireName() + " takes texts");
        }
        onlyFields(pairs, path, task, "question", "context");
        JsonNode questions = pairs.path("question");
        JsonNode contexts = pairs.path("context");
        String questionPath = path + ".question";
        String contextPath = path + ".context";
        if (questions.isMissingNode() || contexts.isMissingNode()) {
            throw refuse(task, path + " needs both question and context");
        }
        if (questions.isArray() != contexts.isArray()) {
            throw refuse(task, questionPath + " and " + contextPath + " must be both strings or both lists");
        }
        if (!questions.isArray()) {
            return List.of(Map.of("question", text(questions, questionPath, task), "context", text(contexts, contextPath, task)));
        }
        requireInputList(questions, questionPath, task);
        requireInputList(contexts, contextPath, task);
        if (questions.size() != contexts.size()) {
            throw refuse(task, questionPath + " and " + contextPath + " must be lists of the same length, paired by "
                    + "position; they hold " + questions.size() + " and " + contexts.size());
        }
        List<Map<String, String>> inputs = new ArrayList<>();
        for (int i = 0; i < questions.size(); i++) {
            inputs.add(Map.of("question", text(questions.get(i), questionPath + "[" + i + "]", task),
                    "context", text(contexts.get(i), contextPath + "[" + i + "]", task)));
        }
        return inputs;
    }

    /** pandas' split orient at {@code path}: one input per row of {@code data}, its values named by the columns. */
    private static List<Map<String, String>> pandasSplit(JsonNode frame, String path, Task task) {
        if (!frame.isObject()) {
            throw wrong(task, path, "an object with columns and data", frame);
        }
        onlyFields(frame, path, task, "columns", "index", "data");
        List<String> names = columnInputs(frame.path("columns"), path + ".columns", task);
        JsonNode rows = frame.path("data");
        requireInputList(rows, path + ".data", task);
        List<Map<String, String>> inputs = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            String rowPath = path + ".data[" + i + "]";
            JsonNode row = rows.get(i);
            if (!row.isArray() || row.size() != names.size()) {
                throw wrong(task, rowPath, "a list of " + names.size() + " values, one per column", row);
            }
            Map<String, String> input = new LinkedHashMap<>();
            for (int j = 0; j < names.size(); j++) {
                putCell(input, names.get(j), row.get(j), rowPath + "[" + j + "]", task);
            }
            inputs.add(input);
        }
        return inputs;
    }

    /**
     * Records: a list whose items are texts, or objects naming the task's inputs ({@code {"question", "context"}}),
     * as MLflow's {@code dataframe_records} and {@code instances} and KServe's {@code instances} hold them.
     */
    private static List<Map<String, String>> records(JsonNode list, String path, Task task) {
        requireInputList(list, path, task);
        if (!list.get(0).isObject()) {
            return texts(list, path, task);
        }
        List<Map<String, String>> inputs = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String itemPath = path + "[" + i + "]";
            JsonNode item = list.get(i);
            if (!item.isObject()) {
                throw wrong(task, itemPath, "an object like the first item", item);
            }
            List<String> fields = fieldNames(item);
            List<String> names = columnInputs(JSON.arrayNode().addAll(fields.stream().map(JSON::textNode).toList()),
                    itemPath, task);
            Map<String, String> input = new LinkedHashMap<>();
            for (int j = 0; j < fields.size(); j++) {
                putCell(input, names.get(j), item.get(fields.get(j)), itemPath + "." + fields.get(j), task);
            }
            inputs.add(input);
        }
        return inputs;
    }

    /** One value of a frame or record; a missing optional input (pandas writes null) is left out, as "Try it" does. */
    private static void putCell(Map<String, String> input, String name, JsonNode cell, String path, Task task) {
        boolean empty = cell.isNull() || (cell.isTextual() && cell.textValue().isBlank());
        if (!(empty && !required(task, name))) {
            input.put(name, text(cell, path, task));
        }
    }

    /**
     * The task's input that each column holds: columns are named after the task's inputs ({@code text}, {@code text2},
     * {@code question}, {@code context}), except that the single column of a one-column frame holds the text whatever
     * its name.
     */
    private static List<String> columnInputs(JsonNode columns, String path, Task task) {
        if (!columns.isArray() || columns.isEmpty()) {
            throw wrong(task, path, "a list of column names", columns);
        }
        List<String> inputNames = task.predictInputs().stream().map(PredictInput::name).toList();
        List<String> names = new ArrayList<>();
        for (int j = 0; j < columns.size(); j++) {
            if (!columns.get(j).isTextual()) {
                throw wrong(task, path + "[" + j + "]", "a column name", columns.get(j));
            }
            names.add(columns.get(j).textValue());
        }
        if (names.size() == 1 && inputNames.contains("text") && !inputNames.contains(names.get(0))) {
            return List.of("text");
        }
        for (String name : names) {
            if (!inputNames.contains(name)) {
                throw refuse(task, path + " names \"" + shortened(name) + "\", which " + task.wireName()
                        + " does not take; its columns are " + String.join(", ", inputNames));
            }
        }
        if (new HashSet<>(names).size() != names.size()) {
            throw refuse(task, path + " names a column twice: " + String.join(", ", names));
        }
        for (PredictInput input : task.predictInputs()) {
            if (input.required() && !names.contains(input.name())) {
                throw refuse(task, path + " lacks " + input.name() + ", which " + task.wireName() + " needs");
            }
        }
        return names;
    }

    private static boolean required(Task task, String input) {
        return task.predictInputs().stream().anyMatch(i -> i.name().equals(input) && i.required());
    }

    /**
     * LangChain's chat formatter sends {@code [{"role", "content"}, ...]} as input_string. Endpoints apply no chat
     * template yet, so the conversation becomes one prompt: a {@code role: content} line per message, then an open
     * {@code assistant:} line for the model to continue. The answer is {@code {"output": text}}.
     */
    private static Map<String, String> chat(JsonNode messages, String path, Task task) {
        if (task != Task.TEXT_GENERATION) {
            throw refuse(task, path + " holds chat messages, which only text-generation takes");
        }
        StringBuilder prompt = new StringBuilder();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String messagePath = path + "[" + i + "]";
            if (!message.isObject()) {
                throw wrong(task, messagePath, "a message {\"role\", \"content\"} like the first", message);
            }
            prompt.append(text(message.path("role"), messagePath + ".role", task)).append(": ")
                    .append(text(message.path("content"), messagePath + ".content", task)).append('\n');
        }
        return Map.of("text", prompt.append("assistant:").toString());
    }

    /** A non-blank string input, unquoted when LangChain quoted it. */
    private static String text(JsonNode node, String path, Task task) {
        String value = node.isTextual() ? unquoted(node.textValue()) : null;
        if (value == null || value.isBlank()) {
            throw wrong(task, path, "a non-empty string", node);
        }
        return value;
    }

    /**
     * LangChain's content formatters escape a prompt by hand and wrap it in quotes ({@code "\"Say \\\"hi\\\"\""}); a
     * string that is exactly one JSON string literal is used as the string it spells.
     */
    private static String unquoted(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            try {
                JsonNode parsed = QUOTED.readTree(value);
                if (parsed.isTextual()) {
                    return parsed.textValue();
                }
            } catch (JsonProcessingException e) {
                // Quotes that belong to the text, as in "this" and "that": the text is used as it came.
            }
        }
        return value;
    }

    private static void requireInputList(JsonNode list, String path, Task task) {
        if (!list.isArray() || list.isEmpty() || list.size() > MAX_INPUTS) {
            throw wrong(task, path, "a list of 1 to " + MAX_INPUTS + " inputs", list);
        }
    }

    private static void onlyFields(JsonNode object, String path, Task task, String... allowed) {
        List<String> others = fieldNames(object).stream().filter(name -> !List.of(allowed).contains(name)).toList();
        if (!others.isEmpty()) {
            throw refuse(task, path + " has " + shortened(String.join(", ", others)) + " where it takes only "
                    + String.join(", ", allowed));
        }
    }

    /** What the shapes answer for one input: the same value in every shape of the task. */
    private static JsonNode value(Task task, ScoreCall call, int index, JsonNode prediction) {
        return switch (task) {
            case TEXT_CLASSIFICATION -> {
                ObjectNode top = JSON.objectNode();
                top.set("label", field(prediction, "label"));
                top.set("score", field(prediction, "score"));
                yield top;
            }
            case TOKEN_CLASSIFICATION -> {
                ArrayNode groups = JSON.arrayNode();
                for (JsonNode entity : field(prediction, "entities")) {
                    ObjectNode group = groups.addObject();
                    group.set("entity_group", field(entity, "type"));
                    group.set("word", field(entity, "text"));
                    group.set("start", field(entity, "startWord"));
                    group.set("end", field(entity, "endWord"));
                    group.set("score", field(entity, "score"));
                }
                yield groups;
            }
            case QUESTION_ANSWERING -> field(prediction, "answer");
            case FILL_MASK -> bestToken(prediction);
            case TEXT_GENERATION -> {
                String generated = cutAtStop(field(prediction, "generatedText").asText(), call.stop());
                yield JSON.textNode(call.returnFullText() ? call.inputs().get(index).get("text") + generated : generated);
            }
            case SUMMARIZATION, TRANSLATION -> textToText(task, call.shape(), field(prediction, "generatedText"));
            default -> throw notServed(task);
        };
    }

    /**
     * A summary or translation: {@code {"summary_text": ...}} or {@code {"translation_text": ...}} as
     * {@code transformers}' pipelines answer, except in the shapes of LangChain's and prompt flow's formatters, which
     * read strings.
     */
    private static JsonNode textToText(Task task, Shape shape, JsonNode text) {
        return switch (shape) {
            case LEGACY, DOLLY, PROMPT_FLOW, INPUT_STRING -> text;
            default -> object(task == Task.SUMMARIZATION ? "summary_text" : "translation_text", text);
        };
    }

    /** Fill-mask's answer: the highest-scoring candidate for the first mask; null when the text had no mask. */
    private static JsonNode bestToken(JsonNode masks) {
        if (masks == null || !masks.isArray()) {
            throw new IllegalArgumentException("a fill-mask prediction that is not a list of masks: " + masks);
        }
        JsonNode best = null;
        for (JsonNode candidate : masks.isEmpty() ? JSON.arrayNode() : field(masks.get(0), "candidates")) {
            if (best == null || field(candidate, "score").doubleValue() > field(best, "score").doubleValue()) {
                best = candidate;
            }
        }
        return best == null ? JSON.nullNode() : field(best, "token");
    }

    /** The generated text up to the first of the stop strings in it. */
    private static String cutAtStop(String text, List<String> stop) {
        int end = text.length();
        for (String s : stop) {
            int at = text.indexOf(s);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        return text.substring(0, end);
    }

    private static JsonNode field(JsonNode prediction, String name) {
        JsonNode value = prediction == null ? null : prediction.get(name);
        if (value == null) {
            throw new IllegalArgumentException("a prediction without " + name + ": " + prediction);
        }
        return value;
    }

    private static ArrayNode list(List<JsonNode> values, UnaryOperator<JsonNode> wrap) {
        ArrayNode list = JSON.arrayNode();
        values.forEach(value -> list.add(wrap.apply(value)));
        return list;
    }

    private static ObjectNode object(String name, JsonNode value) {
        ObjectNode object = JSON.objectNode();
        object.set(name, value);
        return object;
    }

    /** The request shapes a task accepts, as sketches for error messages. */
    private static List<String> acceptedShapes(Task task) {
        String columns = task.predictInputs().stream().map(input -> "\"" + input.name() + "\"")
                .collect(Collectors.joining(", "));
        String pandas = "{\"input_data\": {\"columns\": [" + columns + "], \"index\": [...], \"data\": [[...]]}, "
                + "\"params\": {...}}";
        if (task == Task.QUESTION_ANSWERING) {
            return List.of("{\"input_data\": {\"question\": \"...\", \"context\": \"...\"}, \"params\": {...}} "
                            + "(or lists of the same length)",
                    pandas,
                    "{\"inputs\": {\"question\": [...], \"context\": [...]}, \"parameters\": {...}}");
        }
        List<String> shapes = new ArrayList<>(List.of(
                "{\"input_data\": [\"...\"], \"params\": {...}}",
                pandas,
                "{\"inputs\": {\"input_string\": [\"...\"]}, \"parameters\": {...}}",
                "{\"inputs\": [\"...\"], \"parameters\": {...}}",
                "{\"input_data\": {\"input_string\": [\"...\"]}, \"parameters\": {...}}",
                "{\"input_data\": {\"input_string\": [\"...\"], \"parameters\": {...}}}"));
        if (task == Task.TEXT_GENERATION) {
            shapes.add("{\"input_data\": {\"input_string\": [{\"role\": \"user\", \"content\": \"...\"}], "
                    + "\"parameters\": {...}}}");
        }
        return shapes;
    }

    private static ScoreShapeException refuse(Task task, String problem) {
        return new ScoreShapeException(problem, task, acceptedShapes(task));
    }

    private static ScoreShapeException wrong(Task task, String path, String expected, JsonNode actual) {
        return refuse(task, path + " must be " + expected + "; it is " + describe(actual));
    }

    private static IllegalArgumentException notServed(Task task) {
        return new IllegalArgumentException("endpoints do not serve " + task.wireName());
    }

    /** A short account of a JSON value, for error messages. */
    private static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "absent";
        }
        if (node.isArray()) {
            return node.isEmpty() ? "an empty list" : "a list of " + node.size() + (node.size() == 1 ? " item" : " items");
        }
        if (node.isObject()) {
            return node.isEmpty() ? "an empty object" : "an object with " + shortened(String.join(", ", fieldNames(node)));
        }
        return shortened(node.toString());
    }

    private static String shortened(String text) {
        return text.length() <= SHOWN_CHARS ? text : text.substring(0, SHOWN_CHARS) + "...";
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A call's parameters object and its path in the body; absent parameters read as none, unknown ones are ignored. */
    private record Parameters(JsonNode values, String path, Task task) {

        static Parameters of(JsonNode holder, String field, String path, Task task) {
            JsonNode values = holder.path(field);
            if (values.isMissingNode() || values.isNull()) {
                return new Parameters(JSON.objectNode(), path, task);
            }
            if (!values.isObject()) {
                throw wrong(task, path, "an object", values);
            }
            return new Parameters(values, path, task);
        }

        Integer count(String name, int min, int max) {
            Long value = integer(name, min, max, "an integer from " + min + " to " + max);
            return value == null ? null : value.intValue();
        }

        /** An integer, which JSON may write as {@code 20} or {@code 20.0}. */
        Long integer(String name, long min, long max, String expected) {
            JsonNode value = get(name);
            if (value == null) {
                return null;
            }
            if (!value.isNumber() || !value.canConvertToExactIntegral() || !value.canConvertToLong()
                    || value.longValue() < min || value.longValue() > max) {
                throw wrong(task, path + "." + name, expected, value);
            }
            return value.longValue();
        }

        Double number(String name, DoublePredicate valid, String expected) {
            JsonNode value = get(name);
            if (value == null) {
                return null;
            }
            if (!value.isNumber() || !valid.test(value.doubleValue())) {
                throw wrong(task, path + "." + name, expected, value);
            }
            return value.doubleValue();
        }

        Boolean bool(String name) {
            JsonNode value = get(name);
            if (value == null) {
                return null;
            }
            if (!value.isBoolean()) {
                throw wrong(task, path + "." + name, "true or false", value);
            }
            return value.booleanValue();
        }

        /** Text generation's stop strings: one string or a list of them. */
        List<String> stop() {
            JsonNode value = get("stop");
            if (value == null) {
                return List.of();
            }
            List<String> stop = new ArrayList<>();
            for (JsonNode item : value.isArray() ? value : List.of(value)) {
                if (!item.isTextual() || item.textValue().isEmpty()) {
                    throw wrong(task, path + ".stop", "a non-empty string or a list of them", value);
                }
                stop.add(item.textValue());
            }
            return stop;
        }

        /** A language code ({@code en}, {@code de}); null when absent. */
        String code(String name) {
            JsonNode value = get(name);
            if (value == null) {
                return null;
            }
            if (!value.isTextual() || !value.textValue().strip().matches("[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*")) {
                throw wrong(task, path + "." + name, "a language code such as en or de", value);
            }
            return value.textValue().strip();
        }

        /** A sampling parameter sent to a model that searches rather than samples. */
        ScoreShapeException refused(String name, String value) {
            return refuse(task, path + "." + name + " is " + shortened(value) + ", but " + task.wireName()
                    + " models search (greedy or beams, num_beams) and do not sample: leave out do_sample, temperature, "
                    + "top_k and top_p");
        }

        /** The parameter's value; null when absent or null. */
        JsonNode get(String name) {
            JsonNode value = values.get(name);
            return value == null || value.isNull() ? null : value;
        }
    }
}
