package io.modelcat.catalog.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.json.JsonMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CSV of prediction samples, without a server. */
class PredictionCsvTest {

    private final PredictionCsv csv = new PredictionCsv(JsonMapper.createDefault());

    @Test
    void writesListsAsJsonAndQuotesWhatNeedsIt() {
        String out = csv.write(List.of(
                new PredictionSample(0, Map.of("tokens", List.of("New", "York")), List.of("B-LOC", "I-LOC"),
                        List.of("B-LOC", "O"))));

        assertThat(out).isEqualTo("row_index,input.tokens,expected,predicted\r\n"
                + "0,\"[\"\"New\"\",\"\"York\"\"]\",\"[\"\"B-LOC\"\",\"\"I-LOC\"\"]\",\"[\"\"B-LOC\"\",\"\"O\"\"]\"\r\n");
    }

    @Test
    void usesOneInputColumnWhenInputsAreNotObjectsAndLeavesAbsentValuesEmpty() {
        String out = csv.write(List.of(new PredictionSample(3, "Once upon a time", null, " a king")));

        assertThat(out).isEqualTo("row_index,input,expected,predicted\r\n3,Once upon a time,,\" a king\"\r\n");
        assertThat(csv.write(List.of())).isEqualTo("row_index,input,expected,predicted\r\n");
    }

    @Test
    void quotesOnlyWhenNeeded() {
        assertThat(PredictionCsv.quoted("plain")).isEqualTo("plain");
        assertThat(PredictionCsv.quoted("a,b")).isEqualTo("\"a,b\"");
        assertThat(PredictionCsv.quoted("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(PredictionCsv.quoted("line\r\nbreak")).isEqualTo("\"line\r\nbreak\"");
    }
}
