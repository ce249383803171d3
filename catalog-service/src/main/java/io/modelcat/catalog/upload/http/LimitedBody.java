package io.modelcat.catalog.upload.http;

import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.modelcat.catalog.problem.PayloadTooLargeException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A body whose reads report the server's request size limit as a 413. */
final class LimitedBody extends FilterInputStream {

    LimitedBody(InputStream in) {
        super(in);
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

    private static IOException translate(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ContentLengthExceededException exceeded) {
                throw new PayloadTooLargeException("the upload is larger than the server accepts "
                        + "(micronaut.server.max-request-size, set by modelcat.datasets.max-size): " + exceeded.getMessage());
            }
        }
        return e;
    }
}
