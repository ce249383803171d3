package io.modelcat.ml;

import java.nio.file.Path;

/**
 * Puts DJL into offline, no-tracking, CPU-tokenizer mode before any DJL class does work, has malloc keep the
 * memory of freed tensors for the next ones ({@link NativeMemory}), and has the engine's idle OpenMP threads sleep
 * soon instead of spinning ({@link OpenMpSpin}).
 */
public final class DjlEnvironment {

    /** Environment variable or system property that overrides where DJL unpacks its native libraries. */
    public static final String CACHE_DIR_KEY = "DJL_CACHE_DIR";

    private DjlEnvironment() {}

    /**
     * Sets the DJL switches as system properties unless the environment or the command line already
     * did. Idempotent; call it at process start-up before the first DJL call, because DJL reads them once.
     */
    public static synchronized void configure() {
        // Without these DJL tries the network (model zoo, tracking, CUDA tokenizer builds) even for local files.
        setDefault("ai.djl.offline", "DJL_OFFLINE", "true");
        setDefault("OPT_OUT_TRACKING", "OPT_OUT_TRACKING", "true");
        setDefault("RUST_FLAVOR", "RUST_FLAVOR", "cpu");
        setDefault(CACHE_DIR_KEY, CACHE_DIR_KEY,
                Path.of(System.getProperty("user.home"), ".modelcat", "djl-cache").toString());
        NativeMemory.keepFreedMemory();
        OpenMpSpin.shorten();
    }

    private static void setDefault(String property, String environmentVariable, String value) {
        if (System.getProperty(property) != null) {
            return;
        }
        String fromEnvironment = System.getenv(environmentVariable);
        System.setProperty(property, fromEnvironment != null ? fromEnvironment : value);
    }
}
