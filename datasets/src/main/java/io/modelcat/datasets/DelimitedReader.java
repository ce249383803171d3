package io.modelcat.datasets;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CSV (RFC 4180) and TSV records: the first record is the header. A quoted field may hold the
 * delimiter, doubled quotes and line breaks; a quote inside an unquoted field is kept as it is.
 * Blank lines between records are skipped. A row with more or fewer fields than the header is a bad
 * row; a quoted field still open at the end of the file is an error.
 */
final class DelimitedReader implements DatasetReader {

    private final Utf8LineSource lines;
    private final char delimiter;
    private final int maxRecordChars;
    private List<String> header;

    DelimitedReader(Utf8LineSource lines, char delimiter, int maxRecordBytes) {
        this.lines = lines;
        this.delimiter = delimiter;
        this.maxRecordChars = maxRecordBytes;
    }

    /** The header's column names, read on first use. */
    List<String> header() throws IOException {
        if (header == null) {
            Parsed first = nextRecord();
            if (first == null) {
                throw new DatasetFormatException(0, "the file is empty: expected a header line naming the columns");
            }
            if (first.problem != null) {
                throw new DatasetFormatException(first.line, "the header cannot be read: " + first.problem);
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < first.fields.size(); i++) {
                String name = first.fields.get(i).strip();
                if (name.isEmpty()) {
                    throw new DatasetFormatException(first.line, "column " + (i + 1) + " of the header has no name");
                }
                if (!seen.add(name)) {
                    throw new DatasetFormatException(first.line, "the header names column '" + name + "' twice");
                }
                first.fields.set(i, name);
            }
            header = List.copyOf(first.fields);
        }
        return header;
    }

    @Override
    public Row next() throws IOException {
        List<String> columns = header();
        Parsed record = nextRecord();
        if (record == null) {
            return null;
        }
        if (record.problem != null) {
            return Row.bad(record.line, record.problem);
        }
        if (record.fields.size() != columns.size()) {
            return Row.bad(record.line, "has " + record.fields.size() + " field" + (record.fields.size() == 1 ? "" : "s")
                    + " but the header has " + columns.size() + " columns");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            values.put(columns.get(i), record.fields.get(i));
        }
        return Row.good(record.line, values);
    }

    private record Parsed(long line, List<String> fields, String problem) {
    }

    /** The next record's fields, possibly spanning lines; blank lines are skipped. */
    private Parsed nextRecord() throws IOException {
        String text = lines.nextLine();
        while (text != null && text.isEmpty()) {
            text = lines.nextLine();
        }
        if (text == null) {
            return null;
        }
        long startLine = lines.lineNumber();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean inQuotes = false;
        boolean quoted = false;       // the current field began with a quote
        boolean afterClosing = false; // the current field's closing quote was seen
        int recordChars = 0;
        while (true) {
            recordChars += text.length();
            if (recordChars > maxRecordChars) {
                throw new DatasetFormatException(startLine, "the record starting here is longer than the limit of "
                        + maxRecordChars + " bytes per line or record" + (inQuotes ? " (is a quote left open?)" : ""));
            }
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (inQuotes) {
                    if (c == '"') {
                        if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            inQuotes = false;
                            afterClosing = true;
                        }
                    } else {
                        field.append(c);
                    }
                } else if (c == delimiter) {
                    fields.add(field.toString());
                    field.setLength(0);
                    quoted = false;
                    afterClosing = false;
                } else if (afterClosing) {
                    return new Parsed(startLine, fields, "has '" + c + "' after the closing quote of field "
                            + (fields.size() + 1) + "; a quote inside a quoted field must be doubled (\"\")");
                } else if (c == '"' && field.length() == 0 && !quoted) {
                    inQuotes = true;
                    quoted = true;
                } else {
                    field.append(c);
                }
            }
            if (!inQuotes) {
                fields.add(field.toString());
                return new Parsed(startLine, fields, null);
            }
            field.append('\n');
            text = lines.nextLine();
            if (text == null) {
                throw new DatasetFormatException(startLine, "a quoted field of the record starting here is never closed");
            }
        }
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
