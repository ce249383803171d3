package io.modelcat.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A thread count given to one thread is that thread's alone: the engine reports it there, before and after an
 * operation, while a thread already running and one started afterwards keep the process's default.
 */
class IntraOpThreadsTest {

    @Test
    void aThreadsCountReachesNoOtherThread() throws Exception {
        DjlEnvironment.configure();
        int usual = IntraOpThreads.processDefault();
        assertThat(usual).isPositive();
        int other = usual == 1 ? 2 : 1;
        CountDownLatch set = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        CompletableFuture<int[]> counted = new CompletableFuture<>();
        Thread reserved = new Thread(() -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                IntraOpThreads.useOnThisThread(other);
                int before = IntraOpThreads.ofThisThread();
                NDArray a = manager.randomNormal(new Shape(256, 256));
                float sum = a.matMul(a).sum().getFloat();
                set.countDown();
                checked.await(1, TimeUnit.MINUTES);
                counted.complete(new int[] {before, IntraOpThreads.ofThisThread(), Float.isFinite(sum) ? 1 : 0});
            } catch (Throwable t) {
                counted.completeExceptionally(t);
            }
        }, "reserved");
        reserved.start();
        assertThat(set.await(1, TimeUnit.MINUTES)).isTrue();
        CompletableFuture<Integer> later = new CompletableFuture<>();
        new Thread(() -> later.complete(IntraOpThreads.ofThisThread()), "started-after").start();
        assertThat(later.get(1, TimeUnit.MINUTES)).as("a thread started afterwards").isEqualTo(usual);
        assertThat(IntraOpThreads.ofThisThread()).as("the test's own thread").isEqualTo(usual);
        checked.countDown();
        assertThat(counted.get(1, TimeUnit.MINUTES)).as("the thread given %d, before and after an operation", other)
                .containsExactly(other, other, 1);
    }

    @Test
    void aCountUnderOneIsRefused() {
        assertThatThrownBy(() -> IntraOpThreads.useOnThisThread(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }
}
