package io.modelcat.catalog.hub.http;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One byte range of a {@code Range} header ({@code bytes=a-b}, {@code bytes=a-}, {@code bytes=-n}), inclusive. */
record ByteRange(long first, long last) {

    private static final Pattern SINGLE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    /** A range that lies outside the file (416). */
    static final class Unsatisfiable extends Exception {
        Unsatisfiable() {
            super(null, null, false, false);
        }
    }

    long length() {
        return last - first + 1;
    }

    /**
     * The range asked for in a file of {@code size} bytes; null for the whole file (no header, or one this server
     * ignores as RFC 9110 allows: several ranges, another unit, a malformed value).
     */
    static ByteRange parse(String header, long size) throws Unsatisfiable {
        if (header == null) {
            return null;
        }
        Matcher m = SINGLE.matcher(header.strip());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return null;
        }
        try {
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                if (suffix == 0 || size == 0) {
                    throw new Unsatisfiable();
                }
                return new ByteRange(Math.max(0, size - suffix), size - 1);
            }
            long first = Long.parseLong(m.group(1));
            long last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
            if (first >= size || last < first) {
                throw new Unsatisfiable();
            }
            return first == 0 && last == size - 1 ? new ByteRange(0, size - 1) : new ByteRange(first, last);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
