package io.modelcat.catalog.upload.http;

import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.modelcat.catalog.problem.PayloadTooLargeException;

/** The 413 of an upload (a model archive, a catalog archive) that went past the server's request size limit. */
public final class UploadLimits {

    private UploadLimits() {
    }

    public static PayloadTooLargeException tooLarge(ContentLengthExceededException exceeded) {
        return new PayloadTooLargeException("the upload is larger than the server accepts "
                + "(micronaut.server.max-request-size, set by modelcat.datasets.max-size): " + exceeded.getMessage());
    }
}
