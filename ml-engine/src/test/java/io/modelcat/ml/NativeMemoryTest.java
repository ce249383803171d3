package io.modelcat.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Structure;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A tensor larger than the most glibc would ever serve from its heap by itself (32 MiB) comes from malloc's heap
 * once the engine has started, not from a mapping of its own that freeing it would give back to the kernel.
 */
class NativeMemoryTest {

    /** glibc's {@code struct mallinfo2} (glibc 2.33 and later): {@code hblkhd} is the bytes of mapped blocks. */
    @Structure.FieldOrder({"arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
            "fordblks", "keepcost"})
    public static class MallInfo2 extends Structure implements Structure.ByValue {
        public long arena;
        public long ordblks;
        public long smblks;
        public long hblks;
        public long hblkhd;
        public long usmblks;
        public long fsmblks;
        public long uordblks;
        public long fordblks;
        public long keepcost;
    }

    interface Glibc extends Library {
        MallInfo2 mallinfo2();
    }

    @Test
    void aTensorOfFortyEightMebibytesComesFromMallocsHeapAndStaysWithTheProcess() {
        assumeTrue(Platform.isLinux(), "glibc's malloc only: this is not Linux");
        assumeTrue(!NativeMemory.chosenByUser(System.getenv()), "the environment sets malloc's thresholds itself");
        DjlEnvironment.configure();
        assertThat(NativeMemory.keepFreedMemory()).as("mallopt took the thresholds").isTrue();
        Glibc glibc = Native.load("c", Glibc.class);
        try (NDManager manager = NDManager.newBaseManager()) {
            long mappedBefore = glibc.mallinfo2().hblkhd;
            NDArray tensor = manager.zeros(new Shape(12L << 20)); // 48 MiB of float32
            long mapped = glibc.mallinfo2().hblkhd - mappedBefore;
            assertThat(tensor.getShape().size()).isEqualTo(12L << 20);
            // glibc's default would have mapped it (every block over 32 MiB is): 48 MiB more of mapped blocks.
            assertThat(mapped).as("bytes newly mapped for the tensor").isLessThan(48L << 20);
        }
    }

    @Test
    void theUsersOwnMallocSettingsAreLeftAlone() {
        assertThat(NativeMemory.chosenByUser(Map.of("MALLOC_TRIM_THRESHOLD_", "131072"))).isTrue();
        assertThat(NativeMemory.chosenByUser(Map.of("MALLOC_MMAP_THRESHOLD_", "131072"))).isTrue();
        assertThat(NativeMemory.chosenByUser(Map.of("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=131072"))).isTrue();
        assertThat(NativeMemory.chosenByUser(Map.of("GLIBC_TUNABLES", "glibc.pthread.rseq=0", "PATH", "/bin")))
                .isFalse();
    }
}
