package io.modelcat.ml.bench;

import io.modelcat.ml.DjlEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** What the one-shot benchmark processes share: their {@code --name value} options, their threads, their memory. */
final class BenchProcess {

    private BenchProcess() {}

    /** {@code --name value} pairs by name. */
    static Map<String, String> options(String[] arguments) {
        Map<String, String> options = new HashMap<>();
        for (int index = 0; index + 1 < arguments.length; index += 2) {
            options.put(arguments[index].replaceFirst("^--", ""), arguments[index + 1]);
        }
        return options;
    }

    /** Starts DJL's PyTorch engine with {@code threads} intra-op threads (one inter-op thread), as the peers run. */
    static void startEngine(String threads) {
        // Read once by the engine when it starts: set before the first DJL call.
        System.setProperty("ai.djl.pytorch.num_threads", threads);
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        DjlEnvironment.configure();
    }

    /** VmHWM of this process (Linux), in MiB; -1 where /proc does not say. */
    static long peakResidentMebibytes() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }
}
