package io.modelcat.catalog.dataset.http;

import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.modelcat.catalog.dataset.DatasetTooLargeException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A request body whose reads report the server's body size limit as {@link DatasetTooLargeException} (413). */
final class SizeLimitedBody extends FilterInputStream {

    private final long limit;

    SizeLimitedBody(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (IOException e) {
            throw translate(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (IOException e) {
            throw translate(e);
        }
    }

    private IOException translate(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ContentLengthExceededException) {
                throw new DatasetTooLargeException(limit);
            }
        }
        return e;
    }
}
