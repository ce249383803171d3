package io.modelcat.hub.bench;

import io.modelcat.hub.DownloadProgress;
import io.modelcat.hub.HubClient;
import io.modelcat.hub.HubClientSettings;
import io.modelcat.hub.ImportPlan;
import io.modelcat.hub.ImportPlanner;
import io.modelcat.hub.ModelId;
import io.modelcat.hub.ModelSnapshotDownloader;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Import throughput: the Hub client downloading a model (LFS redirect, streaming to disk, SHA-256
 * check, atomic rename) from a local Hub server running in another process, against plain
 * {@code curl -L -o file} of the same weights file from the same server into the same folder. Run by bench/import-throughput.sh;
 * prints MB/s for both and the ratio. Arguments: the server's endpoint, the file's size in MB (to
 * check), and the number of measured rounds.
 *
 * <p>The client also makes the file durable (fsync before the rename); curl does not, and its file is deleted before
 * the kernel would write it back, so curl never pays for the disk. For scale only, the benchmark also times an fsync
 * of curl's file after curl has finished and prints curl plus that fsync; the ratio is against plain curl.
 */
public final class ImportThroughputBenchmark {

    private ImportThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path work = Files.createTempDirectory("import-bench");
        try {
            HubClient client = new HubClient(HubClientSettings.defaults().withEndpoint(endpoint));
            ImportPlan plan = new ImportPlanner(client, java.util.List.of("text-classification")).plan(ModelId.parse("bench/model"));
            long bytes = plan.knownTotalBytes();
            String url = endpoint + "/bench/model/resolve/main/model.safetensors";
            List<Double> curl = new ArrayList<>();
            List<Double> ours = new ArrayList<>();
            List<Double> curlThenFsync = new ArrayList<>();
            for (int round = 0; round < rounds + 1; round++) {
                Path curlFile = work.resolve("curl-" + round);
                double curlSeconds = curl(url, curlFile);
                double fsyncSeconds = fsync(curlFile);
                Files.delete(curlFile);
                Path target = work.resolve("snapshot-" + round);
                long started = System.nanoTime();
                new ModelSnapshotDownloader(client).downloadTo(plan, target, DownloadProgress.NONE);
                double ourSeconds = (System.nanoTime() - started) / 1e9;
                deleteRecursively(target);
                if (round > 0) { // the first round warms up the JIT and the page cache
                    curl.add(curlSeconds);
                    ours.add(ourSeconds);
                    curlThenFsync.add(curlSeconds + fsyncSeconds);
                }
            }
            double curlRate = bytes / 1e6 / median(curl);
            double ourRate = bytes / 1e6 / median(ours);
            System.out.printf("RESULT model_mb=%.0f rounds=%d curl_mb_s=%.1f modelcat_mb_s=%.1f ratio=%.2f"
                    + " curl_then_fsync_mb_s=%.1f%n", bytes / 1e6, rounds, curlRate, ourRate, ourRate / curlRate,
                    bytes / 1e6 / median(curlThenFsync));
        } finally {
            deleteRecursively(work);
        }
    }

    private static double curl(String url, Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("curl", "-sSfL", "-o", file.toString(), "-w", "%{time_total}", url)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("curl failed: " + out);
        }
        return Double.parseDouble(out);
    }

    private static double fsync(Path file) throws IOException {
        long started = System.nanoTime();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        return (System.nanoTime() - started) / 1e9;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (Files.exists(root)) {
            try (var walk = Files.walk(root)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
