package io.modelcat.datasets;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Map;

/** JSON Lines: one JSON object per line; blank lines are skipped; a line that is not an object is a bad row. */
final class JsonLinesReader implements DatasetReader {

    private final Utf8LineSource lines;
    private final JsonFactory json;

    JsonLinesReader(Utf8LineSource lines, int maxRecordBytes) {
        this.lines = lines;
        this.json = JsonValues.factory(maxRecordBytes);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Row next() throws IOException {
        String text = lines.nextLine();
        while (text != null && text.isBlank()) {
            text = lines.nextLine();
        }
        if (text == null) {
            return null;
        }
        long line = lines.lineNumber();
        try (JsonParser parser = json.createParser(text)) {
            JsonToken first = parser.nextToken();
            Object value = JsonValues.read(parser, 0, 0);
            if (parser.nextToken() != null) {
                return Row.bad(line, "has more than one JSON value; each line must hold exactly one object");
            }
            if (first != JsonToken.START_OBJECT) {
                return Row.bad(line, "is " + JsonValues.kind(value) + ", not a JSON object");
            }
            return Row.good(line, (Map<String, Object>) value);
        } catch (JsonProcessingException e) {
            return Row.bad(line, "is not valid JSON: " + JsonValues.message(e));
        }
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
