package io.modelcat.catalog.deploy;

import io.modelcat.jobs.serve.ServeEvent;
import io.modelcat.jobs.spec.JobSpecs;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A runner's streamed answer ({@link Gateway#stream}), read one event at a time: each read blocks until the
 * runner sends the next line. Closing it (at the end, or when the caller goes away) closes the connection,
 * which stops the generation on the runner, and frees the instance for the next request.
 */
public final class RunnerStream implements Iterator<ServeEvent>, AutoCloseable {

    private final Stream<String> lines;
    private final Iterator<String> iterator;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();
    private ServeEvent pushedBack;

    RunnerStream(Stream<String> lines, Runnable onClose) {
        this.lines = lines;
        this.iterator = lines.iterator();
        this.onClose = onClose;
    }

    @Override
    public boolean hasNext() {
        return pushedBack != null || iterator.hasNext();
    }

    @Override
    public ServeEvent next() {
        if (pushedBack != null) {
            ServeEvent event = pushedBack;
            pushedBack = null;
            return event;
        }
        return JobSpecs.read(iterator.next(), ServeEvent.class);
    }

    /** Puts back an event already read, to be read again first. */
    void pushBack(ServeEvent event) {
        pushedBack = event;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                lines.close();
            } finally {
                onClose.run();
            }
        }
    }
}
