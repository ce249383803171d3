package io.modelcat.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.modelcat.testsupport.hub.FakeHub;
import io.modelcat.testsupport.hub.FakeRepo;
import io.modelcat.testsupport.hub.FakeRepoOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSnapshotDownloaderTest {

    /** The tasks this test's caller supports. */
    private static final java.util.List<String> TASKS = java.util.List.of("text-classification", "text-generation");

    private static final String BERT = "hf-tiny/bert";

    @TempDir
    Path store;

    private FakeHub hub;
    private HubClient client;

    @BeforeEach
    void startHub() {
        hub = FakeHub.start();
        client = new HubClient(HubClientSettings.defaults()
                .withEndpoint(hub.endpoint())
                .withReadTimeout(Duration.ofSeconds(5))
                .withRetries(3, Duration.ofMillis(1), Duration.ofMillis(5)));
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    private ModelSnapshot importModel(String id) {
        ImportPlan plan = new ImportPlanner(client, TASKS).plan(ModelId.parse(id));
        return new ModelSnapshotDownloader(client).download(plan, store, DownloadProgress.NONE);
    }

    @Test
    void downloadsTheWholeBertFixtureByteIdentical() throws Exception {
        Path fixture = TinyModels.dir("bert");
        FakeRepo repo = hub.addRepo(BERT, fixture);

        ModelSnapshot snapshot = importModel(BERT);

        assertThat(snapshot.reused()).isFalse();
        assertThat(snapshot.directory()).isEqualTo(store.resolve("models--hf-tiny--bert").resolve(repo.sha()));
        assertThat(snapshot.plan().filenames()).containsExactly("config.json", "model.safetensors", "tokenizer.json");
        for (String name : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            assertThat(Files.readAllBytes(snapshot.file(name))).as(name).isEqualTo(Files.readAllBytes(fixture.resolve(name)));
        }
        assertThat(snapshot.downloaded()).filteredOn(DownloadedFile::verified).extracting(f -> f.path().getFileName().toString())
                .containsExactly("model.safetensors");
        assertThat(onlyEntries(store.resolve("models--hf-tiny--bert"))).containsExactly(repo.sha());
        assertThat(hub.requestsTo("/hf-tiny/bert/resolve/")).allSatisfy(r -> assertThat(r.path()).contains(repo.sha()));
    }

    @Test
    void gpt2PlanIncludesGenerationConfig() {
        hub.addRepo("hf-tiny/gpt2", TinyModels.dir("gpt2"));

        ModelSnapshot snapshot = importModel("hf-tiny/gpt2");

        assertThat(snapshot.plan().pipelineTag()).isEqualTo("text-generation");
        assertThat(snapshot.plan().filenames()).contains("generation_config.json");
        assertThat(snapshot.file("generation_config.json")).exists();
    }

    @Test
    void secondImportOfTheSameCommitIsANoOp() {
        hub.addRepo(BERT, TinyModels.dir("bert"));
        importModel(BERT);
        hub.clearRequests();

        ModelSnapshot again = importModel(BERT);

        assertThat(again.reused()).isTrue();
        assertThat(again.downloaded()).isEmpty();
        assertThat(hub.requestsTo("/hf-tiny/bert/resolve/")).isEmpty();
    }

    @Test
    void incompleteSnapshotIsReplaced() throws Exception {
        FakeRepo repo = hub.addRepo(BERT, TinyModels.dir("bert"));
        Path dir = store.resolve("models--hf-tiny--bert").resolve(repo.sha());
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), "{}");

        ModelSnapshot snapshot = importModel(BERT);

        assertThat(snapshot.reused()).isFalse();
        assertThat(Files.readAllBytes(dir.resolve("config.json"))).isEqualTo(repo.content("config.json"));
        assertThat(onlyEntries(dir.getParent())).containsExactly(repo.sha());
    }

    @Test
    void checksumMismatchLeavesNothingBehind() throws Exception {
        hub.addRepo(BERT, TinyModels.dir("bert"), FakeRepoOptions.defaults().withCorruptFile("model.safetensors"));

        HubException e = catchThrowableOfType(() -> importModel(BERT), HubException.class);

        assertThat(e.kind()).isEqualTo(HubException.Kind.CHECKSUM_MISMATCH);
        assertThat(onlyEntries(store.resolve("models--hf-tiny--bert"))).isEmpty();
    }

    @Test
    void resumedDownloadStillYieldsACompleteSnapshot() throws Exception {
        FakeRepo repo = hub.addRepo(BERT, TinyModels.dir("bert"),
                FakeRepoOptions.defaults().withConnectionBrokenOnce("model.safetensors", 1234));

        ModelSnapshot snapshot = importModel(BERT);

        assertThat(hub.requestsTo("/lfs-cdn/")).extracting(r -> r.header("Range").orElse(""))
                .containsExactly("", "bytes=1234-");
        assertThat(snapshot.downloaded()).filteredOn(f -> f.path().endsWith("model.safetensors")).singleElement()
                .satisfies(f -> assertThat(f.sha256()).isEqualTo(repo.sha256("model.safetensors")));
    }

    @Test
    void concurrentImportsOfTheSameModelBothEndWithOneCompleteSnapshot() throws Exception {
        FakeRepo repo = hub.addRepo(BERT, TinyModels.dir("bert"));
        ImportPlan plan = new ImportPlanner(client, TASKS).plan(ModelId.parse(BERT));
        ModelSnapshotDownloader downloader = new ModelSnapshotDownloader(client);
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<ModelSnapshot>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return downloader.download(plan, store, DownloadProgress.NONE);
                }));
            }
            ModelSnapshot a = results.get(0).get();
            ModelSnapshot b = results.get(1).get();

            assertThat(a.directory()).isEqualTo(b.directory());
            assertThat(List.of(a.reused(), b.reused())).as("at most one reused the other's work").contains(false);
            assertThat(ModelSnapshotDownloader.isComplete(plan, a.directory())).isTrue();
            assertThat(Files.readAllBytes(a.file("model.safetensors"))).isEqualTo(repo.content("model.safetensors"));
            assertThat(onlyEntries(a.directory().getParent())).containsExactly(repo.sha());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void downloadThatLosesTheRaceDiscardsItsCopyAndUsesTheWinners() throws Exception {
        FakeRepo repo = hub.addRepo(BERT, TinyModels.dir("bert"));
        ImportPlan plan = new ImportPlanner(client, TASKS).plan(ModelId.parse(BERT));
        ModelSnapshotDownloader downloader = new ModelSnapshotDownloader(client);
        CountDownLatch winnerDone = new CountDownLatch(1);
        // The slow download pauses in its first progress report until the fast one has published its snapshot.
        DownloadProgress waitForWinner = (name, done, total, rate) -> {
            try {
                winnerDone.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<ModelSnapshot> slow = pool.submit(() -> downloader.download(plan, store, waitForWinner));
            while (hub.requestsTo("/hf-tiny/bert/resolve/").isEmpty()) {
                Thread.sleep(5);
            }
            ModelSnapshot fast = downloader.download(plan, store, DownloadProgress.NONE);
            winnerDone.countDown();
            ModelSnapshot loser = slow.get();

            assertThat(fast.reused()).isFalse();
            assertThat(loser.reused()).isTrue();
            assertThat(loser.directory()).isEqualTo(fast.directory());
            assertThat(Files.readAllBytes(loser.file("model.safetensors"))).isEqualTo(repo.content("model.safetensors"));
            assertThat(onlyEntries(fast.directory().getParent())).containsExactly(repo.sha());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void pickleOnlyRepoIsRefusedBeforeAnyDownload() {
        hub.addRepo(BERT, TinyModels.dir("bert"), FakeRepoOptions.defaults().withPickleOnlyWeights());

        HubException e = catchThrowableOfType(() -> importModel(BERT), HubException.class);

        assertThat(e.kind()).isEqualTo(HubException.Kind.UNSUPPORTED);
        assertThat(e.getMessage()).contains("pytorch_model.bin", "pickle", "unsafe");
        assertThat(hub.requestsTo("/hf-tiny/bert/resolve/")).isEmpty();
        assertThat(store).isEmptyDirectory();
    }

    @Test
    void unsupportedTaskIsRefused() {
        hub.addRepo(BERT, TinyModels.dir("bert"), FakeRepoOptions.defaults().withPipelineTag("image-classification"));

        HubException e = catchThrowableOfType(() -> importModel(BERT), HubException.class);

        assertThat(e.kind()).isEqualTo(HubException.Kind.UNSUPPORTED);
        assertThat(e.getMessage()).contains("image-classification", "supported tasks: text-classification, text-generation");
    }

    @Test
    void gatedModelWithoutTokenFailsAtPlanning() {
        hub.addRepo(BERT, TinyModels.dir("bert"), FakeRepoOptions.defaults().withGate("hf_ok"));

        HubException e = catchThrowableOfType(() -> importModel(BERT), HubException.class);

        assertThat(e.kind()).isEqualTo(HubException.Kind.GATED_OR_PRIVATE);
        assertThat(e.getMessage()).contains("HF_TOKEN");
    }

    @Test
    void unknownModelIsNotFound() {
        HubException e = catchThrowableOfType(() -> importModel("nobody/nothing"), HubException.class);

        assertThat(e.kind()).isEqualTo(HubException.Kind.NOT_FOUND);
    }

    @Test
    void rateLimitedModelIsTransient() {
        hub.addRepo(BERT, TinyModels.dir("bert"), FakeRepoOptions.defaults().withRateLimit(5, 7));

        HubException e = catchThrowableOfType(() -> importModel(BERT), HubException.class);

        assertThat(e.kind()).isEqualTo(HubException.Kind.RATE_LIMITED);
        assertThat(e.isTransient()).isTrue();
    }

    @Test
    void shardedRepoDownloadsIndexAndShards(@TempDir Path repoDir) throws Exception {
        Files.copy(TinyModels.dir("bert").resolve("config.json"), repoDir.resolve("config.json"));
        Files.copy(TinyModels.dir("bert").resolve("tokenizer.json"), repoDir.resolve("tokenizer.json"));
        Files.writeString(repoDir.resolve("model-00001-of-00002.safetensors"), "shard one");
        Files.writeString(repoDir.resolve("model-00002-of-00002.safetensors"), "shard two");
        Files.writeString(repoDir.resolve("model.safetensors.index.json"), """
                {"metadata": {"total_size": 18}, "weight_map": {
                  "a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}}""");
        hub.addRepo("org/sharded", repoDir);

        ModelSnapshot snapshot = importModel("org/sharded");

        assertThat(snapshot.plan().filenames()).contains("model.safetensors.index.json",
                "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors");
        assertThat(Files.readString(snapshot.file("model-00002-of-00002.safetensors"), StandardCharsets.UTF_8))
                .isEqualTo("shard two");
    }

    private static List<String> onlyEntries(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
