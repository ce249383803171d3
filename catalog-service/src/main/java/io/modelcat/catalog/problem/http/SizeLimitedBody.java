package io.modelcat.catalog.problem.http;

import io.micronaut.http.exceptions.ContentLengthExceededException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Function;

/**
 * A streamed request body whose reads report the server's request size limit as the caller's own 413 exception
 * (a dataset too large, an archive too large), instead of the framework's exception deep in an I/O error.
 */
public final class SizeLimitedBody extends FilterInputStream {

    private final Function<ContentLengthExceededException, RuntimeException> tooLarge;

    public SizeLimitedBody(InputStream in, Function<ContentLengthExceededException, RuntimeException> tooLarge) {
        super(in);
        this.tooLarge = tooLarge;
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
            if (t instanceof ContentLengthExceededException exceeded) {
                throw tooLarge.apply(exceeded);
            }
        }
        return e;
    }
}
