package io.modelcat.ml.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class EntityReportTest {

    @Test
    void extractsIob2EntitiesWithInclusiveEnds() {
        assertThat(EntityExtractor.entities(0, List.of("B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-LOC")))
                .containsExactly(new Entity(0, "PER", 0, 1), new Entity(0, "LOC", 3, 3), new Entity(0, "LOC", 4, 5));
    }

    @Test
    void lenientChunkingLikeConlleval() {
        // An I- without B- opens an entity; a type change inside I- tags splits it.
        assertThat(EntityExtractor.entities(2, List.of("I-ORG", "I-ORG", "I-PER", "O", "O", "I-MISC")))
                .containsExactly(new Entity(2, "ORG", 0, 1), new Entity(2, "PER", 2, 2), new Entity(2, "MISC", 5, 5));
    }

    /**
     * The seqeval README example. True entities: MISC(0,2), PER(0,0..1) = 2; predicted: MISC(0,3),
     * PER(1,0..1) = 2; correct: PER only. P = R = F1 = 0.5; MISC 0, PER 1.
     */
    @Test
    void seqevalReadmeExample() {
        List<List<String>> actual = List.of(List.of("O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"),
                List.of("B-PER", "I-PER", "O"));
        List<List<String>> predicted = List.of(List.of("O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"),
                List.of("B-PER", "I-PER", "O"));

        EntityReport report = EntityReport.of(actual, predicted);

        assertThat(report.overall().precision()).isCloseTo(0.5, within(1e-12));
        assertThat(report.overall().recall()).isCloseTo(0.5, within(1e-12));
        assertThat(report.overall().f1()).isCloseTo(0.5, within(1e-12));
        assertThat(report.perType().get("MISC").scores()).isEqualTo(new PrecisionRecallF1(0, 0, 0));
        assertThat(report.perType().get("PER").scores()).isEqualTo(new PrecisionRecallF1(1, 1, 1));
        assertThat(report.perType().get("PER").support()).isEqualTo(1);
        // 8 of 10 tags agree: positions 2 and 3 of the first sentence differ
        assertThat(report.tokenAccuracy()).isCloseTo(0.8, within(1e-12));
    }

    /**
     * seqeval chunks all sentences joined with an "O" between them. A broken tag that opens nothing
     * (lower-case "o" after that "O") then closes an entity that starts where the last one started:
     * true "_" spans joined positions 1..3 (from the first sentence's B-PER), predicted "_" 0..3, so
     * they differ; PER: true 2, predicted 1, both right. P = 1/2, R = 1/3.
     */
    @Test
    void sentencesAreChunkedJoinedLikeSeqeval() {
        EntityReport report = EntityReport.of(List.of(List.of("O", "B-PER"), List.of("o", "B-PER", "O")),
                List.of(List.of("O", "O"), List.of("o", "B-PER", "O")));
        assertThat(report.perType().get("_").scores()).isEqualTo(new PrecisionRecallF1(0, 0, 0));
        assertThat(report.overall().precision()).isCloseTo(0.5, within(1e-12));
        assertThat(report.overall().recall()).isCloseTo(1.0 / 3, within(1e-12));
    }

    @Test
    void boundaryMismatchCountsAsBothAFalsePositiveAndAFalseNegative() {
        // true: LOC(0..1), ORG(3); predicted: LOC(0), ORG(3), PER(4): 1 correct of 3 predicted, 2 true
        EntityReport report = EntityReport.of(List.of(List.of("B-LOC", "I-LOC", "O", "B-ORG", "O")),
                List.of(List.of("B-LOC", "O", "O", "B-ORG", "B-PER")));
        assertThat(report.overall().precision()).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(report.overall().recall()).isCloseTo(0.5, within(1e-12));
        assertThat(report.overall().f1()).isCloseTo(0.4, within(1e-12));
        assertThat(report.perType().get("PER").support()).isZero();
    }
}
