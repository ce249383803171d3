package io.modelcat.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BackgroundSha256Test {

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void hashesLikeMessageDigestWhateverTheChunking() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(data);
        Random sizes = new Random(11);

        byte[] actual;
        try (BackgroundSha256 sha = new BackgroundSha256(threads, 2, 64 * 1024)) {
            int offset = 0;
            while (offset < data.length) {
                byte[] buffer = sha.emptyBuffer();
                int n = Math.min(1 + sizes.nextInt(buffer.length), data.length - offset);
                System.arraycopy(data, offset, buffer, 0, n);
                sha.hash(buffer, n);
                offset += n;
            }
            actual = sha.finish();
        }

        assertThat(actual).isEqualTo(sha256(data));
    }

    @Test
    void restartForgetsWhatWasHashedBefore() throws Exception {
        byte[] data = "the file as served the second time".getBytes();

        byte[] actual;
        try (BackgroundSha256 sha = new BackgroundSha256(threads, 2, 1024)) {
            hand(sha, "a first attempt that the server would not resume".getBytes());
            sha.restart();
            hand(sha, data);
            actual = sha.finish();
        }

        assertThat(actual).isEqualTo(sha256(data));
    }

    @Test
    void recycledBufferIsNotHashed() throws Exception {
        byte[] actual;
        try (BackgroundSha256 sha = new BackgroundSha256(threads, 1, 1024)) {
            byte[] buffer = sha.emptyBuffer();
            buffer[0] = 42;
            sha.recycle(buffer);
            hand(sha, "data".getBytes());
            actual = sha.finish();
        }

        assertThat(actual).isEqualTo(sha256("data".getBytes()));
    }

    @Test
    void readerWaitsForABufferWhileAllAreQueuedForHashing() throws Exception {
        List<Runnable> held = new ArrayList<>();
        try (BackgroundSha256 sha = new BackgroundSha256(held::add, 1, 1024)) {
            sha.hash(sha.emptyBuffer(), 10);
            CompletableFuture<byte[]> next = CompletableFuture.supplyAsync(() -> {
                try {
                    return sha.emptyBuffer();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, threads);

            Thread.sleep(300);
            assertThat(next).isNotDone();
            threads.execute(held.get(0)); // the hashing loop starts and hands the buffer back
            assertThat(next.get(5, TimeUnit.SECONDS)).hasSize(1024);
        }
    }

    @Test
    void closeWithoutFinishEndsTheHashingThread() throws Exception {
        List<Thread> started = new ArrayList<>();
        BackgroundSha256 sha = new BackgroundSha256(task -> {
            Thread t = new Thread(task);
            started.add(t);
            t.start();
        }, 2, 1024);
        hand(sha, "half a download".getBytes());

        sha.close();

        started.get(0).join(5_000);
        assertThat(started.get(0).isAlive()).isFalse();
    }

    private static void hand(BackgroundSha256 sha, byte[] bytes) throws InterruptedException {
        byte[] buffer = sha.emptyBuffer();
        System.arraycopy(bytes, 0, buffer, 0, bytes.length);
        sha.hash(buffer, bytes.length);
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
