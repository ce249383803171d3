package io.modelcat.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonReadersTest {

    @Test
    void jsonLinesKeepJsonTypes() throws Exception {
        List<Row> rows = DatasetFiles.readAll("""
                {"s": "a", "i": 3, "n": 1.5, "b": true, "l": ["x", "y"], "o": {"text": ["t"], "answer_start": [0]}, "z": null}

                {"s": "b"}
                """, DatasetFormat.JSONL);
        assertThat(rows).hasSize(2);
        Map<String, Object> first = rows.get(0).values();
        assertThat(first.keySet()).containsExactly("s", "i", "n", "b", "l", "o", "z");
        assertThat(first.get("i")).isEqualTo(3L);
        assertThat(first.get("n")).isEqualTo(1.5);
        assertThat(first.get("b")).isEqualTo(true);
        assertThat(first.get("l")).isEqualTo(List.of("x", "y"));
        assertThat(first.get("o")).isEqualTo(Map.of("text", List.of("t"), "answer_start", List.of(0L)));
        assertThat(rows.get(1).line()).isEqualTo(3);
    }

    @Test
    void aMalformedLineIsABadRowAndReadingGoesOn() throws Exception {
        List<Row> rows = DatasetFiles.readAll("{\"a\": 1}\n{\"a\": \n[1, 2]\n{\"a\": 2} {\"a\": 3}\n{\"a\": 4}\n", DatasetFormat.JSONL);
        assertThat(rows).extracting(Row::isBad).containsExactly(false, true, true, true, false);
        assertThat(rows.get(1).problem()).startsWith("is not valid JSON");
        assertThat(rows.get(1).line()).isEqualTo(2);
        assertThat(rows.get(2).problem()).isEqualTo("is an array, not a JSON object");
        assertThat(rows.get(3).problem()).contains("more than one JSON value");
    }

    @Test
    void jsonLinesRejectBadUtf8AndHugeLines() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"a\": \"ok\"}\n{\"a\": \"".getBytes(StandardCharsets.UTF_8));
        out.write(0xC3); // a lead byte with no continuation
        out.writeBytes("\"}\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> DatasetFiles.readAll(DatasetFiles.bytes(out.toByteArray()), DatasetFormat.JSONL, 1000))
                .isInstanceOf(DatasetFormatException.class).hasMessageStartingWith("line 2: is not valid UTF-8");
        String huge = "{\"a\": \"" + "x".repeat(2000) + "\"}\n";
        assertThatThrownBy(() -> DatasetFiles.readAll(DatasetFiles.text(huge), DatasetFormat.JSONL, 1000))
                .isInstanceOf(DatasetFormatException.class).hasMessageStartingWith("line 1: is longer than the limit");
    }

    @Test
    void aJsonArrayIsStreamedElementByElement() throws Exception {
        List<Row> rows = DatasetFiles.readAll("[\n {\"a\": 1},\n 2,\n {\"a\": [\"x\"]}\n]\n", DatasetFormat.JSON);
        assertThat(rows).extracting(Row::line).containsExactly(2L, 3L, 4L);
        assertThat(rows.get(1).problem()).isEqualTo("is a number, not a JSON object");
        assertThat(rows.get(2).values()).isEqualTo(Map.of("a", List.of("x")));
    }

    @Test
    void malformedJsonArraysAreErrorsNamingTheLine() {
        assertThatThrownBy(() -> DatasetFiles.readAll("{\"a\": 1}", DatasetFormat.JSON))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("one array of objects");
        assertThatThrownBy(() -> DatasetFiles.readAll("[\n{\"a\": 1},\n{\"a\" 2}\n]", DatasetFormat.JSON))
                .isInstanceOf(DatasetFormatException.class).hasMessageStartingWith("line 3: is not valid JSON");
        assertThatThrownBy(() -> DatasetFiles.readAll("[{\"a\": 1}", DatasetFormat.JSON))
                .isInstanceOf(DatasetFormatException.class);
        assertThatThrownBy(() -> DatasetFiles.readAll("", DatasetFormat.JSON))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("empty");
    }

    @Test
    void jsonArraysBoundTheElementSize() {
        String json = "[{\"a\": [" + "1,".repeat(3000) + "1]}]";
        assertThatThrownBy(() -> DatasetFiles.readAll(DatasetFiles.text(json), DatasetFormat.JSON, 1000))
                .isInstanceOf(DatasetFormatException.class).hasMessageStartingWith("line 1: the element starting here is longer");
        String longString = "[{\"a\": \"" + "x".repeat(3000) + "\"}]";
        assertThatThrownBy(() -> DatasetFiles.readAll(DatasetFiles.text(longString), DatasetFormat.JSON, 1000))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("longer than the limit");
    }

    @Test
    void jsonArraysRejectBadUtf8() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("[\n{\"a\": \"".getBytes(StandardCharsets.UTF_8));
        out.write(0xFF);
        out.writeBytes("\"}]".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> DatasetFiles.readAll(DatasetFiles.bytes(out.toByteArray()), DatasetFormat.JSON, 1000))
                .isInstanceOf(DatasetFormatException.class).hasMessageStartingWith("line 2: is not valid UTF-8");
        byte[] utf16 = "[{\"a\": 1}]".getBytes(StandardCharsets.UTF_16LE);
        assertThatThrownBy(() -> DatasetFiles.readAll(DatasetFiles.bytes(utf16), DatasetFormat.JSON, 1000))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("UTF-16");
    }
}
