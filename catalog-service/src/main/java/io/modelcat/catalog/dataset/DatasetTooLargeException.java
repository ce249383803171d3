package io.modelcat.catalog.dataset;

import io.modelcat.catalog.problem.CatalogException;

/** An upload is larger than {@code modelcat.datasets.max-size}. */
public final class DatasetTooLargeException extends CatalogException {

    public DatasetTooLargeException(long limit) {
        super("the dataset is larger than the limit of " + limit + " bytes (modelcat.datasets.max-size)");
    }
}
