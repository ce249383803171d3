package io.modelcat.hub;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * SHA-256 of a download, computed on a thread of its own from the very buffers the download was read into and written
 * from. Even with the CPU's SHA instructions (which the JDK uses) SHA-256 runs at about 1.2 GB/s on the 2-core VM,
 * 0.2 s per 256 MiB: on the reading thread that time adds to the download, on another core it overlaps with the next
 * network read (docs/performance.md, "Import throughput").
 *
 * <p>Buffers go round: {@link #emptyBuffer()} lends one, {@link #hash} takes it back filled, {@link #recycle} unused.
 * Only a fixed number exist, so a hasher that falls behind slows the download down instead of piling up memory.
 * Commands are carried out in order, so {@link #restart()} needs no waiting. Used by one download thread at a time.
 */
final class BackgroundSha256 implements AutoCloseable {

    private static final long POLL_MILLIS = 100;

    /** A filled buffer to hash, or (without one) an order to restart, finish or stop. */
    private record Command(Kind kind, byte[] buffer, int length) {
        enum Kind { HASH, RESTART, FINISH, STOP }

        static final Command RESTART = new Command(Kind.RESTART, null, 0);
        static final Command FINISH = new Command(Kind.FINISH, null, 0);
        static final Command STOP = new Command(Kind.STOP, null, 0);
    }

    private final BlockingQueue<byte[]> empty;
    private final BlockingQueue<Command> commands = new LinkedBlockingQueue<>();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final MessageDigest digest;
    private boolean ended;

    /**
     * @param executor   runs the hashing loop; it must run it on another thread (the loop waits for this object's calls)
     * @param buffers    how many buffers go round
     * @param bufferSize each buffer's size in bytes
     */
    BackgroundSha256(Executor executor, int buffers, int bufferSize) {
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        this.empty = new ArrayBlockingQueue<>(buffers);
        for (int i = 0; i < buffers; i++) {
            empty.add(new byte[bufferSize]);
        }
        executor.execute(this::hashUntilEnded);
    }

    /** A buffer to read into; waits while every buffer is still queued for hashing. */
    byte[] emptyBuffer() throws InterruptedException {
        while (true) {
            byte[] buffer = empty.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            if (buffer != null) {
                return buffer;
            }
            if (result.isDone()) {
                // the hashing loop ended without being told to, so no buffer will come back
                throw new IllegalStateException("SHA-256 hashing stopped", causeOf(result));
            }
        }
    }

    /** Hashes the first {@code length} bytes of a buffer from {@link #emptyBuffer()}, which goes back round afterwards. */
    void hash(byte[] buffer, int length) {
        commands.add(new Command(Command.Kind.HASH, buffer, length));
    }

    /** Returns a buffer from {@link #emptyBuffer()} that holds nothing to hash. */
    void recycle(byte[] buffer) {
        empty.add(buffer);
    }

    /** Forgets everything hashed so far (the download starts over). */
    void restart() {
        commands.add(Command.RESTART);
    }

    /** The SHA-256 of everything handed over since the start or the last {@link #restart()}; ends the hashing. */
    byte[] finish() throws InterruptedException {
        ended = true;
        commands.add(Command.FINISH);
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("SHA-256 hashing failed", e.getCause());
        }
    }

    /** Ends the hashing thread if {@link #finish()} did not. */
    @Override
    public void close() {
        if (!ended) {
            ended = true;
            commands.add(Command.STOP);
        }
    }

    private void hashUntilEnded() {
        try {
            while (true) {
                Command command = commands.take();
                switch (command.kind()) {
                    case HASH -> {
                        digest.update(command.buffer(), 0, command.length());
                        empty.add(command.buffer());
                    }
                    case RESTART -> digest.reset();
                    case FINISH -> {
                        result.complete(digest.digest());
                        return;
                    }
                    case STOP -> {
                        result.cancel(false);
                        return;
                    }
                }
            }
        } catch (Throwable t) {
            result.completeExceptionally(t);
        }
    }

    private static Throwable causeOf(CompletableFuture<?> done) {
        try {
            done.getNow(null);
            return null;
        } catch (RuntimeException e) {
            return e.getCause() == null ? e : e.getCause();
        }
    }
}
