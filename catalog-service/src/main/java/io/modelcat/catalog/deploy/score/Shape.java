package io.modelcat.catalog.deploy.score;

/** The request shapes {@code POST /endpoints/{name}/score} accepts; each decides the answer's shape (docs/deployments.md). */
public enum Shape {
    /** {@code {"input_data": [...]}} or its QA form {@code {"input_data": {"question", "context"}}}: a bare list. */
    MLFLOW,
    /** {@code {"input_data": {"columns", "index", "data"}}}: a bare list. */
    PANDAS_SPLIT,
    /** {@code {"inputs": {"input_string": [...]}}} or {@code {"inputs": {"question": [...], "context": [...]}}}: {@code [{"0": ...}]}. */
    LEGACY,
    /** {@code {"inputs": [...]}}: {@code [{"0": {"generated_text": ...}}]}. */
    HUGGING_FACE,
    /** {@code {"input_data": {"input_string": [...]}, "parameters": {...}}}: a bare list of strings. */
    DOLLY,
    /** The Dolly shape sent by prompt flow ({@code x-ms-user-agent: PromptFlow/...}): {@code [{"0": ...}]}. */
    PROMPT_FLOW,
    /** {@code {"input_data": {"input_string": [...], "parameters": {...}}}}: {@code [{"0": ...}]}. */
    INPUT_STRING,
    /** The same with chat messages as {@code input_string}: {@code {"output": ...}}. */
    CHAT_MESSAGES,
    /** MLflow's scoring server ({@code /invocations}): {@code dataframe_split}, {@code dataframe_records}, {@code instances}, {@code inputs}: {@code {"predictions": [...]}}. */
    INVOCATIONS,
    /** KServe v1 ({@code /v1/models/{deployment}:predict}): {@code {"instances": [...]}}: {@code {"predictions": [...]}}. */
    KSERVE
}
