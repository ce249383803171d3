package io.modelcat.launcher;

import java.time.Duration;
import java.util.OptionalLong;

/** Something the launcher starts and keeps running: a service's process or the embedded PostgreSQL. */
interface Supervised {

    /** Its name in messages and in {@code MODELCAT_HOME/run/<name>.pid}. */
    String name();

    /** Starts it; throws if it could not be started. */
    void start() throws Exception;

    /** Whether it runs now. */
    boolean alive();

    /** How it ended, for the message that says it stopped (an exit code, or a reason). */
    String exitDescription();

    /** The operating-system process that is it, while it runs. */
    OptionalLong pid();

    /** Stops it: asks it to stop, waits up to {@code grace}, then kills it and waits for it to be gone. */
    void stop(Duration grace);

    /** Where its output goes, for the message given when it keeps crashing; null when it has none of its own. */
    default java.nio.file.Path log() {
        return null;
    }
}
