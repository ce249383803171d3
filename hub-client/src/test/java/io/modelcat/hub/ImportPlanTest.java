package io.modelcat.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImportPlanTest {

    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";
    private static final ModelId ID = ModelId.parse("org/model");
    /** The tasks the caller supports (ModelCat passes its task registry's names). */
    private static final List<String> TASKS = List.of("fill-mask", "token-classification", "question-answering",
            "summarization", "text-generation", "text-classification", "translation");
    private static final Function<String, byte[]> NO_READS = name -> {
        throw new AssertionError("unexpected read of " + name);
    };

    private static ModelInfo info(String task, String... files) {
        List<RepoFile> siblings = new ArrayList<>();
        for (String f : files) {
            siblings.add(f.endsWith(".safetensors")
                    ? new RepoFile(f, 10L, null, new LfsInfo("ab".repeat(32), 10, 134))
                    : new RepoFile(f, 5L, null, null));
        }
        return new ModelInfo("org/model", SHA, task, List.of("license:mit"), "transformers", "mit", false, "bert",
                List.of("BertForMaskedLM"), siblings);
    }

    @Test
    void singleSafetensorsPlanFetchesConfigWeightsTokenizerAndPresentExtras() {
        ModelInfo info = info("text-generation", ".gitattributes", "README.md", "config.json", "model.safetensors",
                "tokenizer.json", "generation_config.json", "vocab.json", "merges.txt", "pytorch_model.bin", "onnx/model.onnx");

        ImportPlan plan = ImportPlan.decide(ID, info, TASKS, NO_READS);

        assertThat(plan.filenames()).containsExactly("config.json", "model.safetensors", "tokenizer.json",
                "generation_config.json", "vocab.json", "merges.txt");
        assertThat(plan.id().revision()).as("pinned to the commit").isEqualTo(SHA);
        assertThat(plan.commitSha()).isEqualTo(SHA);
        assertThat(plan.pipelineTag()).isEqualTo("text-generation");
        assertThat(plan.license()).isEqualTo("mit");
        assertThat(plan.knownTotalBytes()).isEqualTo(5 + 10 + 5 + 5 + 5 + 5);
    }

    @Test
    void shardedPlanFetchesIndexAndTheShardsItNames() {
        ModelInfo info = info("fill-mask", "config.json", "tokenizer.json", "model.safetensors.index.json",
                "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "unrelated.safetensors");
        String index = """
                {"metadata": {"total_size": 20},
                 "weight_map": {"a.weight": "model-00002-of-00002.safetensors",
                                "b.weight": "model-00001-of-00002.safetensors",
                                "c.weight": "model-00001-of-00002.safetensors"}}""";

        ImportPlan plan = ImportPlan.decide(ID, info, TASKS, name -> {
            assertThat(name).isEqualTo("model.safetensors.index.json");
            return index.getBytes(StandardCharsets.UTF_8);
        });

        assertThat(plan.filenames()).containsExactly("config.json", "model.safetensors.index.json",
                "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "tokenizer.json");
    }

    @Test
    void shardMissingFromTheRepoIsAnInvalidResponse() {
        ModelInfo info = info("fill-mask", "config.json", "tokenizer.json", "model.safetensors.index.json");

        HubException e = catchThrowableOfType(() -> ImportPlan.decide(ID, info, TASKS,
                name -> "{\"weight_map\": {\"a\": \"model-1.safetensors\"}}".getBytes(StandardCharsets.UTF_8)), HubException.class);

        assertThat(e.kind()).isEqualTo(HubException.Kind.INVALID_RESPONSE);
        assertThat(e.getMessage()).contains("model-1.safetensors");
    }

    @Test
    void shardIndexNamingAnEscapingPathIsRefused() {
        ModelInfo info = info("fill-mask", "config.json", "tokenizer.json", "model.safetensors.index.json");

        HubException e = catchThrowableOfType(() -> ImportPlan.decide(ID, info, TASKS,
                name -> "{\"weight_map\": {\"a\": \"../../etc/x.safetensors\"}}".getBytes(StandardCharsets.UTF_8)), HubException.class);

        assertThat(e.kind()).isEqualTo(HubException.Kind.INVALID_RESPONSE);
        assertThat(e.getMessage()).contains("unsafe path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pytorch_model.bin", "model.pt", "model.ckpt", "weights.pth"})
    void pickleOnlyRepoIsRefusedAsUnsafe(String weights) {
        ModelInfo info = info("text-classification", "config.json", "tokenizer.json", weights);

        HubException e = catchThrowableOfType(() -> ImportPlan.decide(ID, info, TASKS, NO_READS), HubException.class);

        assertThat(e.kind()).isEqualTo(HubException.Kind.UNSUPPORTED);
        assertThat(e.getMessage()).contains("pickle", "unsafe", weights, "model.safetensors");
    }

    @Test
    void repoWithoutAnyWeightsIsRefused() {
        HubException e = catchThrowableOfType(() -> ImportPlan.decide(ID,
                info("text-classification", "config.json", "tokenizer.json", "tf_model.h5"), TASKS, NO_READS), HubException.class);

        assertThat(e.kind()).isEqualTo(HubException.Kind.UNSUPPORTED);
        assertThat(e.getMessage()).contains("only safetensors weights");
    }

    @Test
    void unsupportedTaskListsTheSupportedOnes() {
        HubException e = catchThrowableOfType(() -> ImportPlan.decide(ID,
                info("image-classification", "config.json", "tokenizer.json", "model.safetensors"), TASKS, NO_READS), HubException.class);

        assertThat(e.kind()).isEqualTo(HubException.Kind.UNSUPPORTED);
        assertThat(e.getMessage()).contains("'image-classification'");
        assertThat(e.getMessage()).contains(TASKS.toArray(String[]::new));
    }

    @Test
    void missingTaskIsRefused() {
        HubException e = catchThrowableOfType(() -> ImportPlan.decide(ID,
                info(null, "config.json", "tokenizer.json", "model.safetensors"), TASKS, NO_READS), HubException.class);

        assertThat(e.kind()).isEqualTo(HubException.Kind.UNSUPPORTED);
        assertThat(e.getMessage()).contains("no pipeline_tag", "text-classification");
    }

    @Test
    void everySupportedTaskIsAccepted() {
        for (String task : TASKS) {
            assertThat(ImportPlan.decide(ID, info(task, "config.json", "tokenizer.json", "model.safetensors"), TASKS, NO_READS)
                    .pipelineTag()).isEqualTo(task);
        }
    }

    @Test
    void configAndTokenizerAreRequired() {
        HubException noConfig = catchThrowableOfType(() -> ImportPlan.decide(ID,
                info("fill-mask", "tokenizer.json", "model.safetensors"), TASKS, NO_READS), HubException.class);
        HubException noTokenizer = catchThrowableOfType(() -> ImportPlan.decide(ID,
                info("fill-mask", "config.json", "vocab.txt", "model.safetensors"), TASKS, NO_READS), HubException.class);

        assertThat(noConfig.kind()).isEqualTo(HubException.Kind.UNSUPPORTED);
        assertThat(noConfig.getMessage()).contains("config.json");
        assertThat(noTokenizer.kind()).isEqualTo(HubException.Kind.UNSUPPORTED);
        assertThat(noTokenizer.getMessage()).contains("tokenizer.json");
    }

    @Test
    void marianSentencePieceFilesStandInForTokenizerJson() {
        ModelInfo info = info("translation", "config.json", "model.safetensors", "source.spm", "target.spm",
                "vocab.json", "tokenizer_config.json", "generation_config.json", "pytorch_model.bin");

        ImportPlan plan = ImportPlan.decide(ID, info, TASKS, NO_READS);

        assertThat(plan.filenames()).containsExactly("config.json", "model.safetensors", "tokenizer_config.json",
                "generation_config.json", "vocab.json", "source.spm", "target.spm");
    }

    @Test
    void marianWithoutItsVocabularyIsRefusedNamingTheFiles() {
        HubException refused = catchThrowableOfType(() -> ImportPlan.decide(ID,
                info("translation", "config.json", "model.safetensors", "source.spm", "target.spm"), TASKS, NO_READS),
                HubException.class);

        assertThat(refused.kind()).isEqualTo(HubException.Kind.UNSUPPORTED);
        assertThat(refused.getMessage()).contains("tokenizer.json", "source.spm, target.spm, vocab.json");
    }

    @Test
    void answerWithoutCommitShaIsInvalid() {
        ModelInfo noSha = new ModelInfo("org/model", null, "fill-mask", List.of(), null, null, false, null, List.of(),
                Arrays.asList(RepoFile.named("config.json")));

        assertThat(catchThrowableOfType(() -> ImportPlan.decide(ID, noSha, TASKS, NO_READS), HubException.class).kind())
                .isEqualTo(HubException.Kind.INVALID_RESPONSE);
    }
}
