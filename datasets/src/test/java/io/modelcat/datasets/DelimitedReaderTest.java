package io.modelcat.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DelimitedReaderTest {

    @Test
    void readsQuotedFieldsWithDelimitersQuotesAndLineBreaks() throws Exception {
        String csv = "text,label\r\n"
                + "\"hello, world\",pos\r\n"
                + "\"she said \"\"hi\"\"\",neg\r\n"
                + "\"two\nlines\",pos\r\n"
                + "plain,\r\n";
        List<Row> rows = DatasetFiles.readAll(csv, DatasetFormat.CSV);

        assertThat(rows).extracting(Row::values).containsExactly(
                Map.of("text", "hello, world", "label", "pos"),
                Map.of("text", "she said \"hi\"", "label", "neg"),
                Map.of("text", "two\nlines", "label", "pos"),
                Map.of("text", "plain", "label", ""));
        assertThat(rows).extracting(Row::line).containsExactly(2L, 3L, 4L, 6L);
    }

    @Test
    void keepsColumnOrderAndSkipsBlankLinesAndBom() throws Exception {
        List<Row> rows = DatasetFiles.readAll("\uFEFFb,a\n\n1,2\n\n", DatasetFormat.CSV);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).values().keySet()).containsExactly("b", "a");
    }

    @Test
    void keepsAQuoteInsideAnUnquotedField() throws Exception {
        assertThat(DatasetFiles.readAll("t\n5\" screen\n", DatasetFormat.CSV).get(0).values()).containsEntry("t", "5\" screen");
    }

    @Test
    void readsTabSeparatedValues() throws Exception {
        List<Row> rows = DatasetFiles.readAll("sentence1\tlabel\nit was, fine\t1\n", DatasetFormat.TSV);
        assertThat(rows.get(0).values()).isEqualTo(Map.of("sentence1", "it was, fine", "label", "1"));
    }

    @Test
    void raggedRowsAreBadRowsNamingTheLine() throws Exception {
        List<Row> rows = DatasetFiles.readAll("a,b\n1,2\n1,2,3\n4\n5,6\n", DatasetFormat.CSV);
        assertThat(rows).filteredOn(Row::isBad).extracting(Row::line).containsExactly(3L, 4L);
        assertThat(rows.get(1).problem()).isEqualTo("has 3 fields but the header has 2 columns");
        assertThat(rows).filteredOn(r -> !r.isBad()).hasSize(2);
    }

    @Test
    void textAfterAClosingQuoteIsABadRow() throws Exception {
        List<Row> rows = DatasetFiles.readAll("a,b\n\"x\"y,1\n2,3\n", DatasetFormat.CSV);
        assertThat(rows.get(0).isBad()).isTrue();
        assertThat(rows.get(0).problem()).contains("after the closing quote");
        assertThat(rows.get(1).values()).containsEntry("a", "2");
    }

    @Test
    void anUnclosedQuoteIsAnErrorNamingWhereTheRecordStarts() {
        assertThatThrownBy(() -> DatasetFiles.readAll("a,b\n1,2\n\"open,3\nmore\n", DatasetFormat.CSV))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage("line 3: a quoted field of the record starting here is never closed");
    }

    @Test
    void anEmptyFileIsAnError() {
        assertThatThrownBy(() -> DatasetFiles.readAll("", DatasetFormat.CSV))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("the file is empty");
        assertThatThrownBy(() -> DatasetFiles.readAll("\n\n", DatasetFormat.TSV))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("the file is empty");
    }

    @Test
    void headerNamesMustBePresentAndUnique() {
        assertThatThrownBy(() -> DatasetFiles.readAll("a,,c\n1,2,3\n", DatasetFormat.CSV))
                .hasMessage("line 1: column 2 of the header has no name");
        assertThatThrownBy(() -> DatasetFiles.readAll("a,b,a\n1,2,3\n", DatasetFormat.CSV))
                .hasMessage("line 1: the header names column 'a' twice");
    }

    @Test
    void malformedUtf8IsAnErrorNamingTheLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("text,label\nok,1\ncaf".getBytes(StandardCharsets.UTF_8));
        out.write(0xE9); // Latin-1 é
        out.writeBytes(",2\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> DatasetFiles.readAll(DatasetFiles.bytes(out.toByteArray()), DatasetFormat.CSV, 1000))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageStartingWith("line 3: is not valid UTF-8: byte 4 of the line (0xE9)")
                .satisfies(e -> assertThat(((DatasetFormatException) e).line()).isEqualTo(3));
    }

    @Test
    void utf16IsRejected() {
        byte[] utf16 = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_16LE);
        assertThatThrownBy(() -> DatasetFiles.readAll(DatasetFiles.bytes(utf16), DatasetFormat.CSV, 1000))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("NUL byte");
    }

    @Test
    void aHugeLineIsAnErrorNotAnOutOfMemory() {
        String csv = "a\n" + "x".repeat(5000) + "\n";
        assertThatThrownBy(() -> DatasetFiles.readAll(DatasetFiles.text(csv), DatasetFormat.CSV, 1000))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage("line 2: is longer than the limit of 1000 bytes per line or record");
    }

    @Test
    void aHugeMultiLineRecordIsAnError() {
        String csv = "a\n\"" + "x\n".repeat(2000) + "\"\n";
        assertThatThrownBy(() -> DatasetFiles.readAll(DatasetFiles.text(csv), DatasetFormat.CSV, 1000))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageStartingWith("line 2: the record starting here is longer than the limit of 1000");
    }

    @Test
    void aLineJustAtTheLimitIsRead() throws Exception {
        String csv = "a\r\n" + "x".repeat(1000) + "\r\n";
        assertThat(DatasetFiles.readAll(DatasetFiles.text(csv), DatasetFormat.CSV, 1000)).hasSize(1);
    }

    @Test
    void multiByteCharactersAcrossBufferBoundariesDecode() throws Exception {
        String text = "é".repeat(40_000); // 80,000 bytes: crosses the 64 KiB read chunk
        List<Row> rows = DatasetFiles.readAll(DatasetFiles.text("t\n" + text + "\n"), DatasetFormat.CSV, 100_000);
        assertThat(rows.get(0).values().get("t")).isEqualTo(text);
    }
}
