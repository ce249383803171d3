package io.modelcat.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelCardTextTest {

    @Test
    void readsTheHubsCardMetadataAndKeepsTheMarkdown() {
        ModelCardText card = ModelCardText.parse("""
                ---
                license: apache-2.0
                pipeline_tag: text-classification
                base_model:
                  - google-bert/bert-base-uncased
                datasets: stanfordnlp/imdb
                tags: [english, 42, {nested: map}]
                model-index:
                  - name: x
                ---
                # Title

                Body.
                """);
        assertThat(card.license()).contains("apache-2.0");
        assertThat(card.pipelineTag()).contains("text-classification");
        assertThat(card.baseModels()).containsExactly("google-bert/bert-base-uncased");
        assertThat(card.datasets()).containsExactly("stanfordnlp/imdb");
        assertThat(card.tags()).isEqualTo(List.of("english", "42"));
        assertThat(card.body()).isEqualTo("# Title\n\nBody.");
    }

    @Test
    void aCardWithoutFrontMatterIsAllBody() {
        ModelCardText card = ModelCardText.parse("# Just Markdown\n");
        assertThat(card.metadata()).isEmpty();
        assertThat(card.license()).isEmpty();
        assertThat(card.body()).isEqualTo("# Just Markdown");
        assertThat(ModelCardText.parse("---\n---\nBody").body()).isEqualTo("Body");
    }

    @Test
    void malformedFrontMatterIsRefusedSayingWhyButTheBodyCanStillBeHad() {
        String broken = "---\nlicense: [unclosed\n---\nBody\n";
        assertThatThrownBy(() -> ModelCardText.parse(broken)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("YAML front matter cannot be read");
        assertThatThrownBy(() -> ModelCardText.parse("---\n- a list\n---\n"))
                .hasMessageContaining("must be a mapping");
        assertThatThrownBy(() -> ModelCardText.parse("---\na: 1\na: 2\n---\n")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ModelCardText.bodyOf(broken)).isEqualTo("Body");
    }

    @Test
    void theHubsTaskIsInferredFromTheHeadWhenTheCardNamesNone() {
        assertThat(LocalModelFolder.inferTask(List.of("BertForSequenceClassification"))).isEqualTo("text-classification");
        assertThat(LocalModelFolder.inferTask(List.of("GPT2LMHeadModel"))).isEqualTo("text-generation");
        assertThat(LocalModelFolder.inferTask(List.of("LlamaForCausalLM"))).isEqualTo("text-generation");
        assertThat(LocalModelFolder.inferTask(List.of("RobertaForTokenClassification"))).isEqualTo("token-classification");
        assertThat(LocalModelFolder.inferTask(List.of("BertModel"))).isNull();
        assertThat(LocalModelFolder.inferTask(List.of())).isNull();
    }
}
