package io.modelcat.launcher;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps what the launcher started running: a child that dies is started again after a back-off (1 s, doubling up
 * to 30 s) and the restart is logged; one that dies more than {@code restartLimit} times within
 * {@code restartWindow} is given up on, and then everything stops with a message saying which and where its log
 * is. {@link #stopAll} stops every child, newest first, each within a bound, whatever state they are in.
 */
final class Supervisor {

    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration CHECK_EVERY = Duration.ofMillis(250);
    private static final int TAIL_BYTES = 8192;

    private final List<Supervised> children = new CopyOnWriteArrayList<>();
    private final Map<Supervised, Deque<Instant>> crashes = new HashMap<>();
    private final Map<Supervised, Instant> restartAt = new HashMap<>();
    private final int restartLimit;
    private final Duration restartWindow;
    private final Duration stopGrace;
    private final Path runDirectory;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile String failure;

    Supervisor(int restartLimit, Duration restartWindow, Duration stopGrace, Path runDirectory) {
        this.restartLimit = restartLimit;
        this.restartWindow = restartWindow;
        this.stopGrace = stopGrace;
        this.runDirectory = runDirectory;
    }

    /** Starts {@code child} and watches it from now on. */
    void start(Supervised child) throws Exception {
        Console.say("Starting " + child.name() + (child.log() == null ? "" : " (log: " + child.log() + ")"));
        synchronized (child) {
            if (stopping) {
                throw new IllegalStateException("ModelCat is stopping");
            }
            children.add(child);
            child.start();
        }
        writePid(child);
    }

    /**
     * Watches the children until {@link #stopAll} is called or one of them keeps crashing; answers why it
     * returned: null after a stop that was asked for, else the message about the child that was given up on.
     */
    String watch() throws InterruptedException {
        while (!stopped.await(CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS)) {
            String gaveUp = checkOnce(Instant.now());
            if (gaveUp != null) {
                failure = gaveUp;
                Console.warn(gaveUp);
                stopAll();
                return gaveUp;
            }
        }
        return failure;
    }

    /**
     * One look at every child: restarts those whose back-off is over; answers a message if one is given up. Only
     * the watching thread calls it; a child is started and stopped under its own lock, so that a stop that comes
     * during a restart stops what the restart started.
     */
    String checkOnce(Instant now) {
        for (Supervised child : children) {
            if (stopping || child.alive()) {
                continue;
            }
            Instant due = restartAt.get(child);
            if (due == null) {
                Deque<Instant> recent = crashes.computeIfAbsent(child, c -> new ArrayDeque<>());
                recent.addLast(now);
                while (recent.peekFirst().isBefore(now.minus(restartWindow))) {
                    recent.removeFirst();
                }
                if (recent.size() > restartLimit) {
                    return child.name() + " stopped (" + child.exitDescription() + ") " + recent.size()
                            + " times within " + restartWindow.toMinutes() + " min; ModelCat gives up and stops."
                            + lastLines(child.log());
                }
                Duration backoff = backoff(recent.size());
                restartAt.put(child, now.plus(backoff));
                Console.warn(child.name() + " stopped (" + child.exitDescription() + "); starting it again in "
                        + backoff.toMillis() / 1000.0 + " s (restart " + recent.size() + " of at most "
                        + restartLimit + " within " + restartWindow.toMinutes() + " min)");
            } else if (!now.isBefore(due)) {
                restartAt.remove(child);
                try {
                    synchronized (child) {
                        if (stopping) {
                            return null;
                        }
                        child.start();
                    }
                    writePid(child);
                    Console.say("Started " + child.name() + " again");
                } catch (Exception e) {
                    Console.warn("Could not start " + child.name() + " again: " + e.getMessage());
                }
            }
        }
        return null;
    }

    static Duration backoff(int crashesInWindow) {
        Duration d = FIRST_BACKOFF.multipliedBy(1L << Math.min(10, Math.max(0, crashesInWindow - 1)));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    /**
     * Stops every child, the last started first (the services before the database they write to as they stop),
     * each given {@code stopGrace} before it is killed. Safe to call more than once and from a signal handler.
     */
    void stopAll() {
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
        }
        List<Supervised> toStop = List.copyOf(children);
        Console.say("Stopping ModelCat...");
        for (int i = toStop.size() - 1; i >= 0; i--) {
            Supervised child = toStop.get(i);
            try {
                synchronized (child) {
                    child.stop(stopGrace);
                }
                Console.say("Stopped " + child.name());
            } catch (RuntimeException e) {
                Console.warn("While stopping " + child.name() + ": " + e.getMessage());
            }
            try {
                Files.deleteIfExists(pidFile(child));
            } catch (IOException e) {
                // only a stale pid file
            }
        }
        Console.say("ModelCat stopped.");
        stopped.countDown();
    }

    private void writePid(Supervised child) {
        child.pid().ifPresent(pid -> {
            try {
                Files.createDirectories(runDirectory);
                Files.writeString(pidFile(child), pid + "\n");
            } catch (IOException e) {
                Console.warn("Cannot write " + pidFile(child) + ": " + e.getMessage());
            }
        });
    }

    private Path pidFile(Supervised child) {
        return runDirectory.resolve(child.name() + ".pid");
    }

    private static String lastLines(Path log) {
        if (log == null || !Files.isRegularFile(log)) {
            return "";
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long from = Math.max(0, file.length() - TAIL_BYTES);
            byte[] tail = new byte[(int) (file.length() - from)];
            file.seek(from);
            file.readFully(tail);
            List<String> lines = new String(tail, StandardCharsets.UTF_8).lines().toList();
            return " Its log is " + log + "; its last lines:\n  "
                    + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException | RuntimeException e) {
            return " Its log is " + log + ".";
        }
    }
}
