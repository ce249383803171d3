package io.modelcat.ml.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.ml.Fixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfConfigTest {

    @TempDir
    Path temporary;

    @Test
    void labelsDefaultToTwoLikeTransformersWhenId2LabelIsAbsent() {
        HfConfig bert = HfConfig.read(Fixtures.bert().resolve("config.json"));
        assertThat(bert.modelType()).isEqualTo("bert");
        assertThat(bert.architecture()).contains("BertForSequenceClassification");
        assertThat(bert.labels()).containsExactly("LABEL_0", "LABEL_1");
        assertThat(HfConfig.parse("{\"model_type\":\"bert\",\"num_labels\":3}").labels())
                .containsExactly("LABEL_0", "LABEL_1", "LABEL_2");
    }

    @Test
    void withLabelsWritesBothMapsAndCountAndKeepsOtherKeys() {
        HfConfig original = HfConfig.read(Fixtures.distilbert().resolve("config.json"));
        HfConfig relabelled = original.withLabels(List.of("O", "B-PER", "I-PER", "B-LOC"))
                .withArchitecture("DistilBertForTokenClassification");
        Path file = temporary.resolve("config.json");
        relabelled.write(file);

        HfConfig reread = HfConfig.read(file);
        assertThat(reread.labels()).containsExactly("O", "B-PER", "I-PER", "B-LOC");
        assertThat(reread.intValue("num_labels", 0)).isEqualTo(4);
        assertThat(reread.intValue("dim", 0)).isEqualTo(32);
        assertThat(reread.text("transformers_version")).contains("5.17.0");
        assertThat(original.labels()).as("the original is unchanged").hasSize(3);
    }

    @Test
    void nullValuesFallBack() {
        HfConfig gpt2 = HfConfig.read(Fixtures.gpt2().resolve("config.json"));
        assertThat(gpt2.intValue("pad_token_id", 7)).isEqualTo(7);
        assertThat(gpt2.intValue("n_inner", 128)).isEqualTo(128);
        assertThat(gpt2.doubleValue("layer_norm_epsilon", 0)).isEqualTo(1e-5);
    }
}
