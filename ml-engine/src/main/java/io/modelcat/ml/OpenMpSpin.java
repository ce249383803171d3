package io.modelcat.ml;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long the engine's OpenMP threads spin after a parallel operation before they sleep. libtorch's CPU operations
 * run on GNU OpenMP (libgomp), whose idle threads spin about 300,000 times (some 3 ms, more on slow cores) waiting
 * for the next operation. Within one forward pass the next operation comes in microseconds; between calls it does
 * not, and a server answering a call every few milliseconds kept both cores of a 2-core machine spinning: the
 * catalog service, PostgreSQL and the callers on the same machine waited for their turn (the gateway's p99 beside a
 * small model with one connection: 47-52 ms; docs/performance.md, "Online serving"). {@link #shorten} has libgomp
 * spin {@value #SPIN_COUNT} times (some 0.1 ms) instead: long enough to bridge the operations of a forward pass or
 * a generated token's step, short enough that idle threads sleep between calls. (A tenth of that, 1,000, let the
 * threads fall asleep between a step's operations: generation 11-23% slower.)
 *
 * <p>libgomp reads its settings once, when libtorch is loaded: {@link DjlEnvironment#configure} calls this before
 * the first DJL call. Nothing is changed where the process is not on Linux or where the user has chosen how OpenMP
 * waits ({@code GOMP_SPINCOUNT} or {@code OMP_WAIT_POLICY} in the environment); {@code GOMP_SPINCOUNT=300000}
 * restores libgomp's default.
 */
public final class OpenMpSpin {

    /** The spins libgomp's idle threads make before they sleep, unless the environment says otherwise. */
    public static final String SPIN_COUNT = "10000";

    private static final Logger LOG = LoggerFactory.getLogger(OpenMpSpin.class);
    private static Boolean applied;

    private OpenMpSpin() {}

    /** The C library's {@code setenv}, the one function used. */
    interface CLibrary extends Library {
        int setenv(String name, String value, int overwrite);
    }

    /**
     * Sets {@code GOMP_SPINCOUNT} in the process's environment as above, once per process; answers whether it was set
     * (false where the platform or the user's environment rules it out).
     */
    public static synchronized boolean shorten() {
        if (applied == null) {
            applied = Platform.isLinux() && !chosenByUser(System.getenv()) && setSpinCount();
        }
        return applied;
    }

    private static boolean setSpinCount() {
        try {
            // Not overwriting: a value set since the JVM started (which System.getenv does not show) stays.
            return Native.load("c", CLibrary.class).setenv("GOMP_SPINCOUNT", SPIN_COUNT, 0) == 0;
        } catch (LinkageError e) {
            LOG.debug("OpenMP's spin count left as it is: {}", e.toString());
            return false;
        }
    }

    /** Whether {@code environment} says how OpenMP's threads wait. */
    static boolean chosenByUser(Map<String, String> environment) {
        return environment.containsKey("GOMP_SPINCOUNT") || environment.containsKey("OMP_WAIT_POLICY");
    }
}
