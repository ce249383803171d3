package io.modelcat.store;

import java.io.IOException;
import java.util.List;

/**
 * The one recognition of a full disk (or an exhausted quota) under MODELCAT_HOME: the operating system says so only
 * in the message of an {@link IOException}. The API answers it with 507, a job fails with a message saying so.
 */
public final class DiskFull {

    /** How Linux, macOS and Windows say it. */
    private static final List<String> MESSAGES = List.of("No space left on device", "Disk quota exceeded",
            "There is not enough space on the disk");

    private DiskFull() {
    }

    /** Whether {@code failure}, or one of its causes, is a write that found the disk full. */
    public static boolean is(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException && t.getMessage() != null
                    && MESSAGES.stream().anyMatch(t.getMessage()::contains)) {
                return true;
            }
        }
        return false;
    }
}
