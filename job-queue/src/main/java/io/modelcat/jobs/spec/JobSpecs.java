package io.modelcat.jobs.spec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.modelcat.datasets.DatasetFormat;
import io.modelcat.jobs.JobKind;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;

/**
 * The JSON form of job specifications and results, as the {@code job} table's {@code params} and
 * {@code result} columns hold them: the one place that turns them into text and back.
 */
public final class JobSpecs {

    private static final Map<JobKind, Class<? extends JobSpec>> SPECS = new EnumMap<>(Map.of(
            JobKind.IMPORT, ImportSpec.class, JobKind.EVALUATE, EvaluateSpec.class, JobKind.FINETUNE, FinetuneSpec.class,
            JobKind.PREDICT, PredictSpec.class, JobKind.BATCH_SCORE, BatchScoreSpec.class,
            JobKind.BATCH_SCORE_HELPER, BatchScoreHelperSpec.class, JobKind.BULK_TEST, BulkTestSpec.class,
            JobKind.NOOP, NoopSpec.class));
    private static final Map<JobKind, Class<? extends JobResult>> RESULTS = new EnumMap<>(Map.of(
            JobKind.IMPORT, ImportResult.class, JobKind.EVALUATE, EvaluateResult.class,
            JobKind.FINETUNE, FinetuneResult.class, JobKind.PREDICT, PredictResult.class, JobKind.BATCH_SCORE,
            BatchScoreResult.class, JobKind.BATCH_SCORE_HELPER, BatchScoreHelperResult.class,
            JobKind.BULK_TEST, BulkTestResult.class, JobKind.NOOP, NoopResult.class));
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    // Rows written by earlier versions may carry fields a record no longer has: they are ignored. An absent
    // number is 0 (a noop's duration), as the records' validation expects.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .addModule(new SimpleModule("modelcat-jobs")
                    .addSerializer(DatasetFormat.class, new JsonSerializer<>() {
                        @Override
                        public void serialize(DatasetFormat format, JsonGenerator out, SerializerProvider provider)
                                throws IOException {
                            out.writeString(format.wireName());
                        }
                    })
                    .addDeserializer(DatasetFormat.class, new JsonDeserializer<>() {
                        @Override
                        public DatasetFormat deserialize(JsonParser in, DeserializationContext context) throws IOException {
                            String name = in.getValueAsString();
                            return DatasetFormat.fromWireName(name).orElseThrow(() -> new IllegalArgumentException(
                                    "unknown dataset format '" + name + "'"));
                        }
                    }))
            .build();

    private JobSpecs() {
    }

    /** The record type of a kind's specification. */
    public static Class<? extends JobSpec> specType(JobKind kind) {
        return SPECS.get(kind);
    }

    /** The record type of a kind's result. */
    public static Class<? extends JobResult> resultType(JobKind kind) {
        return RESULTS.get(kind);
    }

    /** A specification or result as JSON text. */
    public static String write(Object specOrResult) {
        try {
            return JSON.writeValueAsString(specOrResult);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + specOrResult.getClass().getSimpleName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** A kind's specification from the JSON a job row holds. */
    public static JobSpec readSpec(JobKind kind, String json) {
        return read(json, specType(kind));
    }

    /** A kind's result from the JSON a job row holds. */
    public static JobResult readResult(JobKind kind, String json) {
        return read(json, resultType(kind));
    }

    /** JSON text as {@code type}; a mismatch is an {@link IllegalArgumentException} saying what did not fit. */
    public static <T> T read(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a valid " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** A value already parsed into maps and lists (e.g. an API request's free-form params) as {@code type}. */
    public static <T> T convert(Object value, Class<T> type) {
        try {
            return JSON.convertValue(value, type);
        } catch (IllegalArgumentException e) {
            Throwable cause = e.getCause() instanceof JsonProcessingException p ? p : e;
            String message = cause instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
            throw new IllegalArgumentException("not a valid " + type.getSimpleName() + ": " + message, e);
        }
    }

    /** A specification or result as the generic map the API shows. */
    public static Map<String, Object> toMap(Object specOrResult) {
        return JSON.convertValue(specOrResult, MAP);
    }
}
