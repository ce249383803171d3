package io.modelcat.ml.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.modelcat.ml.Fixtures;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.model.HeadRequest;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntityAggregatorTest {

    @Test
    void groupsBeginAndInsideOfOneTypeIntoOneSpan() {
        List<String> words = List.of("John", "Smith", "lives", "in", "New", "York", "City", ".");
        List<String> tags = List.of("B-PER", "I-PER", "O", "O", "B-LOC", "I-LOC", "I-LOC", "O");
        double[] scores = {0.9, 0.7, 0.99, 0.99, 0.6, 0.8, 1.0, 0.99};

        List<EntitySpan> spans = EntityAggregator.aggregate(words, tags, scores);

        assertThat(spans).hasSize(2);
        EntitySpan person = spans.get(0);
        assertThat(person.type()).isEqualTo("PER");
        assertThat(person.startWord()).isZero();
        assertThat(person.endWord()).isEqualTo(2);
        assertThat(person.text()).isEqualTo("John Smith");
        assertThat(person.score()).isCloseTo(0.8, within(1e-12));
        EntitySpan place = spans.get(1);
        assertThat(place).extracting(EntitySpan::type, EntitySpan::startWord, EntitySpan::endWord, EntitySpan::text)
                .containsExactly("LOC", 4, 7, "New York City");
        assertThat(place.score()).isCloseTo(0.8, within(1e-12));
        assertThat(place.wordCount()).isEqualTo(3);
    }

    @Test
    void aBeginTagAlwaysOpensANewEntity() {
        List<EntitySpan> spans = EntityAggregator.aggregate(List.of("Ann", "Bob", "Cy"),
                List.of("B-PER", "B-PER", "I-PER"));
        assertThat(spans).extracting(EntitySpan::text).containsExactly("Ann", "Bob Cy");
        assertThat(spans).extracting(EntitySpan::score).containsExactly(1.0, 1.0);
    }

    @Test
    void aTypeChangeOrADanglingInsideTagOpensAnEntity() {
        List<String> words = List.of("a", "b", "c", "d", "e", "f");
        List<EntitySpan> spans = EntityAggregator.aggregate(words,
                List.of("I-ORG", "I-ORG", "I-LOC", "O", "I-MISC", "B-ORG"));
        assertThat(spans).extracting(EntitySpan::type).containsExactly("ORG", "LOC", "MISC", "ORG");
        assertThat(spans).extracting(EntitySpan::startWord).containsExactly(0, 2, 4, 5);
        assertThat(spans).extracting(EntitySpan::endWord).containsExactly(2, 3, 5, 6);
    }

    @Test
    void entitiesAtTheEndAndUnprefixedTagsAreKept() {
        assertThat(EntityAggregator.aggregate(List.of("x", "Paris"), List.of("O", "B-LOC")))
                .extracting(EntitySpan::text).containsExactly("Paris");
        assertThat(EntityAggregator.aggregate(List.of("Jo", "Li", "ran"), List.of("PER", "PER", "O")))
                .singleElement().extracting(EntitySpan::text).isEqualTo("Jo Li");
        assertThat(EntityAggregator.aggregate(List.of("no", "entities"), List.of("O", "O"))).isEmpty();
        assertThat(EntityAggregator.aggregate(List.of(), List.of())).isEmpty();
        assertThatThrownBy(() -> EntityAggregator.aggregate(List.of("a"), List.of("O", "O")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void taggerEntitiesAgreeWithItsScoredTags() {
        try (TransformerModel model = ModelLoader.load(Fixtures.distilbert(),
                new HeadRequest(HeadType.TOKEN_CLASSIFICATION, List.of("O", "B-PER", "I-PER"), 7))) {
            TokenTagger tagger = new TokenTagger(model, 2, 64);
            List<List<String>> sentences = List.of(
                    List.of("the", "cat", "sat", "on", "the", "mat", "."),
                    List.of("a", "good", "dog"),
                    List.of("cats", "was", "bad"));

            List<List<TokenTagger.WordTag>> scored = tagger.tagWithScores(sentences);
            List<List<EntitySpan>> entities = tagger.entities(sentences);

            assertThat(tagger.tag(sentences)).isEqualTo(scored.stream()
                    .map(tags -> tags.stream().map(TokenTagger.WordTag::label).toList()).toList());
            for (int index = 0; index < sentences.size(); index++) {
                List<TokenTagger.WordTag> tags = scored.get(index);
                assertThat(tags).hasSize(sentences.get(index).size());
                // Three labels: the winning probability is at least a third.
                assertThat(tags).allSatisfy(tag -> assertThat(tag.score()).isBetween(1.0 / 3 - 1e-9, 1.0));
                assertThat(entities.get(index)).isEqualTo(EntityAggregator.aggregate(sentences.get(index),
                        tags.stream().map(TokenTagger.WordTag::label).toList(),
                        tags.stream().mapToDouble(TokenTagger.WordTag::score).toArray()));
            }
        }
    }
}
