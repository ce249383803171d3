package io.modelcat.datasets;

/** A file cannot be read as a dataset at all: bad encoding, a record over the size limit, an empty file. */
public final class DatasetFormatException extends RuntimeException {

    private final long line;

    /** {@code line} is 1-based; 0 when the problem concerns the whole file. */
    public DatasetFormatException(long line, String message) {
        super(line > 0 ? "line " + line + ": " + message : message);
        this.line = line;
    }

    public long line() {
        return line;
    }
}
