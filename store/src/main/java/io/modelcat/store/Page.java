package io.modelcat.store;

import java.util.List;

/** One page of a list and the cursor after its last row; {@code next} is null on the last page. */
public record Page<T>(List<T> items, Cursor next) {

    public Page {
        items = List.copyOf(items);
    }
}
