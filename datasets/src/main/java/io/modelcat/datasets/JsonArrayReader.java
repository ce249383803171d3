package io.modelcat.datasets;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * A JSON file holding one top-level array of objects, streamed element by element. An element that is
 * not an object is a bad row; malformed JSON ends the read with an error naming the line, since the
 * rest of the file cannot be trusted.
 */
final class JsonArrayReader implements DatasetReader {

    private final InputStream in;
    private final int maxRecordBytes;
    private JsonParser parser;
    private boolean done;

    JsonArrayReader(InputStream in, int maxRecordBytes) {
        this.in = in;
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Row next() throws IOException {
        if (done) {
            return null;
        }
        try {
            if (parser == null) {
                rejectUtf16();
                parser = JsonValues.factory(maxRecordBytes).createParser(in);
                JsonToken first = parser.nextToken();
                if (first == null) {
                    throw new DatasetFormatException(0, "the file is empty: expected a JSON array of objects");
                }
                if (first != JsonToken.START_ARRAY) {
                    throw new DatasetFormatException(parser.currentTokenLocation().getLineNr(),
                            "a JSON dataset must be one array of objects, but the file starts with " + first.asString()
                                    + "; for one object per line use the jsonl format");
                }
            }
            JsonToken token = parser.nextToken();
            if (token == JsonToken.END_ARRAY) {
                done = true;
                if (parser.nextToken() != null) {
                    throw new DatasetFormatException(parser.currentTokenLocation().getLineNr(),
                            "unexpected content after the closing ] of the array");
                }
                return null;
            }
            if (token == null) {
                throw new DatasetFormatException(parser.currentLocation().getLineNr(), "the array is never closed");
            }
            long line = parser.currentTokenLocation().getLineNr();
            long start = parser.currentTokenLocation().getByteOffset();
            Object value;
            try {
                value = JsonValues.read(parser, start, maxRecordBytes);
            } catch (JsonValues.RecordTooLongException e) {
                throw new DatasetFormatException(line, "the element starting here is longer than the limit of "
                        + maxRecordBytes + " bytes per line or record");
            }
            if (parser.currentLocation().getByteOffset() - start > maxRecordBytes) {
                throw new DatasetFormatException(line, "the element starting here is longer than the limit of "
                        + maxRecordBytes + " bytes per line or record");
            }
            if (!(value instanceof Map)) {
                return Row.bad(line, "is " + JsonValues.kind(value) + ", not a JSON object");
            }
            return Row.good(line, (Map<String, Object>) value);
        } catch (JsonProcessingException e) {
            long line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            String message = JsonValues.message(e);
            if (message.contains("UTF-8") || message.contains("UTF8")) {
                throw new DatasetFormatException(line, "is not valid UTF-8 (" + message + "); save the file as UTF-8");
            }
            if (message.contains("exceeds the maximum")) {
                throw new DatasetFormatException(line, "holds a value longer than the limit of " + maxRecordBytes
                        + " bytes per line or record");
            }
            throw new DatasetFormatException(line, "is not valid JSON: " + message);
        }
    }

    /** Jackson would guess UTF-16 or UTF-32 from zero bytes; datasets are UTF-8 only. */
    private void rejectUtf16() throws IOException {
        in.mark(4);
        byte[] head = in.readNBytes(4);
        in.reset();
        for (byte b : head) {
            if (b == 0) {
                throw new DatasetFormatException(1, "contains a NUL byte; datasets must be UTF-8 text (is this file UTF-16?)");
            }
        }
        if (head.length >= 2 && ((head[0] & 0xFF) == 0xFE || (head[0] & 0xFF) == 0xFF)) {
            throw new DatasetFormatException(1, "starts with a UTF-16 byte order mark; datasets must be UTF-8 text");
        }
    }

    @Override
    public void close() throws IOException {
        if (parser != null) {
            parser.close();
        }
        in.close();
    }
}
