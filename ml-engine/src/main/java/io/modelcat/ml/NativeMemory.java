package io.modelcat.ml;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How glibc's malloc serves the engine's tensors. libtorch takes every tensor's memory from malloc, and a training
 * step or a generation frees most of what it allocated only when it ends (DJL closes a step's arrays with its
 * manager). By default glibc maps each block over a threshold (128 KiB, raised as such blocks are freed, to 32 MiB
 * at most) straight from the kernel and gives it back when it is freed, and it gives back the top of its heap
 * once more than twice that lies free there: so every step's tensors landed on fresh pages, which the kernel
 * zeroes one page fault at a time (about 50,000 faults, 200 MB, per LoRA step of a 135M-parameter model).
 * {@link #keepFreedMemory} has malloc serve blocks up to {@value #MMAP_THRESHOLD_BYTES} bytes from its heap and
 * keep up to {@value #TRIM_THRESHOLD_BYTES} bytes free there, so the next step reuses the pages the last one
 * freed. The process holds that much more memory between steps; its peak is unchanged.
 *
 * <p>Nothing is changed where the process is not on glibc (macOS, musl) or where the user has chosen malloc's
 * settings through the environment ({@code MALLOC_MMAP_THRESHOLD_}, {@code MALLOC_TRIM_THRESHOLD_} or
 * {@code GLIBC_TUNABLES} naming {@code glibc.malloc}): setting {@code MALLOC_TRIM_THRESHOLD_=131072} restores
 * glibc's defaults.
 */
public final class NativeMemory {

    /** Blocks smaller than this come from malloc's heap, not from a mapping of their own. */
    public static final int MMAP_THRESHOLD_BYTES = 64 << 20;
    /** Free memory malloc keeps at the top of its heap before giving it back to the kernel. */
    public static final int TRIM_THRESHOLD_BYTES = 1 << 30;

    private static final Logger LOG = LoggerFactory.getLogger(NativeMemory.class);
    // mallopt's parameter numbers (malloc.h).
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;
    private static Boolean applied;

    private NativeMemory() {}

    /** glibc's malloc.h, the one function used. */
    interface CLibrary extends Library {
        int mallopt(int parameter, int value);
    }

    /**
     * Sets malloc's thresholds as above, once per process; answers whether they are in force (false where the
     * platform or the user's environment rules them out).
     */
    public static synchronized boolean keepFreedMemory() {
        if (applied == null) {
            applied = Platform.isLinux() && !chosenByUser(System.getenv()) && setThresholds();
        }
        return applied;
    }

    private static boolean setThresholds() {
        try {
            CLibrary c = Native.load("c", CLibrary.class);
            return c.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1
                    && c.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES) == 1;
        } catch (LinkageError e) {
            // Not glibc (no mallopt), or JNA cannot load its native part here: malloc keeps its defaults.
            LOG.debug("malloc's thresholds left as they are: {}", e.toString());
            return false;
        }
    }

    /** Whether {@code environment} sets malloc's thresholds itself. */
    static boolean chosenByUser(Map<String, String> environment) {
        return environment.containsKey("MALLOC_MMAP_THRESHOLD_") || environment.containsKey("MALLOC_TRIM_THRESHOLD_")
                || environment.getOrDefault("GLIBC_TUNABLES", "").contains("glibc.malloc.");
    }
}
