package io.modelcat.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatasetSnifferTest {

    private final DatasetSniffer sniffer = new DatasetSniffer(1000);

    @Test
    void sniffsJsonTypesMissingValuesAndCounts() throws Exception {
        DatasetProfile profile = sniffer.sniff(DatasetFiles.text("""
                {"s": "a", "i": 1, "n": 1, "b": true, "sl": ["a"], "il": [1, 2], "l": [1, "a"], "o": {}, "m": 1, "z": null, "e": []}
                {"s": "b", "i": 2, "n": 2.5, "b": false, "sl": [], "il": [3], "l": [], "o": {"x": 1}, "m": "one", "z": null, "e": []}
                {"i": 3, "extra": "late column"}
                """), DatasetFormat.JSONL);

        assertThat(profile.rowCount()).isEqualTo(3);
        assertThat(profile.badRowCount()).isZero();
        assertThat(profile.columns()).containsExactly(
                new Column("s", ColumnType.STRING, 1),
                new Column("i", ColumnType.INTEGER, 0),
                new Column("n", ColumnType.NUMBER, 1),
                new Column("b", ColumnType.BOOLEAN, 1),
                new Column("sl", ColumnType.STRING_LIST, 1),
                new Column("il", ColumnType.INTEGER_LIST, 1),
                new Column("l", ColumnType.LIST, 1),
                new Column("o", ColumnType.OBJECT, 1),
                new Column("m", ColumnType.MIXED, 1),
                new Column("z", ColumnType.NULL, 3),
                new Column("e", ColumnType.LIST, 1),
                new Column("extra", ColumnType.STRING, 2));
        assertThat(profile.preview()).hasSize(3);
    }

    @Test
    void csvColumnsAreStringsAndThePreviewHoldsFiftyRows() throws Exception {
        StringBuilder csv = new StringBuilder("text,label\n");
        for (int i = 0; i < 120; i++) {
            csv.append("row ").append(i).append(',').append(i % 2).append('\n');
        }
        DatasetProfile profile = sniffer.sniff(DatasetFiles.text(csv.toString()), DatasetFormat.CSV);
        assertThat(profile.rowCount()).isEqualTo(120);
        assertThat(profile.columns()).extracting(Column::describe).containsExactly("text (string)", "label (string)");
        assertThat(profile.preview()).hasSize(DatasetSniffer.PREVIEW_ROWS);
        assertThat(profile.preview().get(49)).isEqualTo(Map.of("text", "row 49", "label", "1"));
    }

    @Test
    void badRowsAreCountedAndReportedNeverDropped() throws Exception {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            jsonl.append("{\"a\": ").append(i).append("}\n").append("not json\n");
        }
        DatasetProfile profile = sniffer.sniff(DatasetFiles.text(jsonl.toString()), DatasetFormat.JSONL);
        assertThat(profile.rowCount()).isEqualTo(30);
        assertThat(profile.badRowCount()).isEqualTo(30);
        assertThat(profile.badRows()).hasSize(DatasetSniffer.REPORTED_BAD_ROWS);
        assertThat(profile.badRows().get(0).line()).isEqualTo(2);
        assertThat(profile.badRows().get(0).reason()).startsWith("is not valid JSON");
    }

    @Test
    void filesWithoutRowsOrColumnsAreErrors() {
        assertThatThrownBy(() -> sniffer.sniff(DatasetFiles.text(""), DatasetFormat.JSONL))
                .isInstanceOf(DatasetFormatException.class).hasMessage("the file is empty: it holds no rows");
        assertThatThrownBy(() -> sniffer.sniff(DatasetFiles.text("a,b\n"), DatasetFormat.CSV))
                .isInstanceOf(DatasetFormatException.class).hasMessage("the file has a header but no rows");
        assertThatThrownBy(() -> sniffer.sniff(DatasetFiles.text("{}\n{}\n"), DatasetFormat.JSONL))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("no columns");
        assertThatThrownBy(() -> sniffer.sniff(DatasetFiles.text("[]"), DatasetFormat.JSON))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> sniffer.sniff(DatasetFiles.text("nope\n[1]\n"), DatasetFormat.JSONL))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageStartingWith("the file has no readable rows: all 2 records are bad, the first at line 1");
    }

    @Test
    void formatsAreFoundByNameMediaTypeAndExtension() {
        assertThat(DatasetFormat.fromWireName("CSV")).contains(DatasetFormat.CSV);
        assertThat(DatasetFormat.fromMediaType("application/x-ndjson; charset=utf-8")).contains(DatasetFormat.JSONL);
        assertThat(DatasetFormat.fromMediaType("text/tab-separated-values")).contains(DatasetFormat.TSV);
        assertThat(DatasetFormat.fromFileName("train.jsonl")).contains(DatasetFormat.JSONL);
        assertThat(DatasetFormat.fromFileName("README")).isEmpty();
        assertThat(DatasetFormat.wireNames()).isEqualTo(List.of("jsonl", "json", "csv", "tsv"));
    }
}
