package io.modelcat.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.modelcat.testsupport.hub.FakeHub;
import io.modelcat.testsupport.hub.FakeRepo;
import io.modelcat.testsupport.hub.FakeRepoOptions;
import io.modelcat.testsupport.hub.RecordedRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubClientTest {

    private static final String BERT = "hf-tiny/bert";

    @TempDir
    Path tmp;

    private FakeHub hub;

    @BeforeEach
    void startHub() {
        hub = FakeHub.start();
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    private HubClient client(String token) {
        return new HubClient(HubClientSettings.defaults()
                .withEndpoint(hub.endpoint())
                .withToken(token)
                .withReadTimeout(Duration.ofSeconds(5))
                .withRetries(3, Duration.ofMillis(1), Duration.ofMillis(5)));
    }

    @Test
    void modelInfoHasShaTaskLicenceAndLfsHashes() {
        FakeRepo repo = hub.addRepo(BERT, TinyModels.dir("bert"));

        ModelInfo info = client(null).modelInfo(ModelId.parse(BERT));

        assertThat(info.id()).isEqualTo(BERT);
        assertThat(info.sha()).isEqualTo(repo.sha()).matches("[0-9a-f]{40}");
        assertThat(info.pipelineTag()).isEqualTo("text-classification");
        assertThat(info.libraryName()).isEqualTo("transformers");
        assertThat(info.license()).isEqualTo("apache-2.0");
        assertThat(info.gated()).isFalse();
        assertThat(info.tags()).contains("license:apache-2.0");
        assertThat(info.modelType()).isEqualTo("bert");
        assertThat(info.architectures()).containsExactly("BertForSequenceClassification");
        RepoFile weights = info.file("model.safetensors").orElseThrow();
        assertThat(weights.lfs().sha256()).isEqualTo(repo.sha256("model.safetensors"));
        assertThat(weights.knownSize()).hasValue(repo.content("model.safetensors").length);
        assertThat(info.file("config.json").orElseThrow().lfs()).isNull();
        assertThat(hub.requestsTo("/api/models/")).singleElement()
                .satisfies(r -> assertThat(r.query()).isEqualTo("blobs=true"));
    }

    @Test
    void modelInfoAtRevisionUsesTheRevisionEndpoint() {
        FakeRepo repo = hub.addRepo(BERT, TinyModels.dir("bert"));

        ModelInfo info = client(null).modelInfo(ModelId.parse(BERT, repo.sha()));

        assertThat(info.sha()).isEqualTo(repo.sha());
        assertThat(hub.requests().get(0).path()).isEqualTo("/api/models/hf-tiny/bert/revision/" + repo.sha());
    }

    @Test
    void unknownRevisionIsNotFound() {
        hub.addRepo(BERT, TinyModels.dir("bert"));

        HubException e = catchThrowableOfType(() -> client(null).modelInfo(ModelId.parse(BERT, "v9.9")), HubException.class);

        assertThat(e.kind()).isEqualTo(HubException.Kind.NOT_FOUND);
        assertThat(e.getMessage()).contains("revision 'v9.9'");
    }

    @Test
    void downloadsLfsFileThroughRedirectByteIdenticalAndVerified() throws Exception {
        FakeRepo repo = hub.addRepo(BERT, TinyModels.dir("bert"));
        List<long[]> updates = new ArrayList<>();

        DownloadedFile file = client(null).download(ModelId.parse(BERT), RepoFile.named("model.safetensors"),
                tmp.resolve("model.safetensors"), (name, done, total, rate) -> updates.add(new long[] {done, total}));

        assertThat(Files.readAllBytes(file.path())).isEqualTo(repo.content("model.safetensors"));
        assertThat(file.sha256()).isEqualTo(repo.sha256("model.safetensors"));
        assertThat(file.verified()).as("sha256 taken from X-Linked-Etag").isTrue();
        assertThat(file.commit()).isEqualTo(repo.sha());
        assertThat(hub.requestsTo("/lfs-cdn/")).hasSize(1);
        long size = repo.content("model.safetensors").length;
        assertThat(updates).isNotEmpty().last().satisfies(u -> assertThat(u).containsExactly(size, size));
        assertThat(tmp).isDirectoryNotContaining("glob:**.part");
    }

    @Test
    void progressListenerThatThrowsStopsTheDownloadAndLeavesNothing() {
        hub.addRepo(BERT, TinyModels.dir("bert"));
        RuntimeException cancelled = new IllegalStateException("cancelled on request");

        assertThatThrownBy(() -> client(null).download(ModelId.parse(BERT), RepoFile.named("model.safetensors"),
                tmp.resolve("model.safetensors"), (name, done, total, rate) -> {
                    throw cancelled;
                })).isSameAs(cancelled);

        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void interruptedDownloadStopsLeavesNothingAndKeepsTheInterrupt() {
        hub.addRepo(BERT, TinyModels.dir("bert"));
        Thread.currentThread().interrupt();

        HubException e = catchThrowableOfType(() -> client(null).download(ModelId.parse(BERT),
                RepoFile.named("model.safetensors"), tmp.resolve("model.safetensors"), DownloadProgress.NONE),
                HubException.class);

        assertThat(Thread.interrupted()).isTrue();
        assertThat(e.kind()).isEqualTo(HubException.Kind.NETWORK);
        assertThat(e.getMessage()).contains("interrupted", "model.safetensors");
        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void resumesWithRangeAfterBrokenConnection() throws Exception {
        FakeRepo repo = hub.addRepo(BERT, TinyModels.dir("bert"),
                FakeRepoOptions.defaults().withConnectionBrokenOnce("model.safetensors", 40_000));

        DownloadedFile file = client(null).download(ModelId.parse(BERT), RepoFile.named("model.safetensors"),
                tmp.resolve("model.safetensors"), DownloadProgress.NONE);

        List<RecordedRequest> cdn = hub.requestsTo("/lfs-cdn/");
        assertThat(cdn).hasSize(2);
        assertThat(cdn.get(0).header("Range")).isEmpty();
        assertThat(cdn.get(1).header("Range")).hasValue("bytes=40000-");
        assertThat(file.sha256()).isEqualTo(repo.sha256("model.safetensors"));
        assertThat(Files.readAllBytes(file.path())).isEqualTo(repo.content("model.safetensors"));
    }

    @Test
    void resumesNonLfsFileToo() throws Exception {
        FakeRepo repo = hub.addRepo(BERT, TinyModels.dir("bert"),
                FakeRepoOptions.defaults().withConnectionBrokenOnce("tokenizer.json", 100));

        DownloadedFile file = client(null).download(ModelId.parse(BERT), RepoFile.named("tokenizer.json"),
                tmp.resolve("tokenizer.json"), DownloadProgress.NONE);

        assertThat(hub.requestsTo("/hf-tiny/bert/resolve/main/tokenizer.json")).extracting(r -> r.header("Range").orElse(""))
                .containsExactly("", "bytes=100-");
        assertThat(Files.readAllBytes(file.path())).isEqualTo(repo.content("tokenizer.json"));
    }

    @Test
    void stalledTransferIsDroppedAfterTheReadTimeoutAndResumed() throws Exception {
        FakeRepo repo = hub.addRepo(BERT, TinyModels.dir("bert"),
                FakeRepoOptions.defaults().withStallOnce("model.safetensors", 5_000, Duration.ofSeconds(20)));
        HubClient client = new HubClient(HubClientSettings.defaults()
                .withEndpoint(hub.endpoint())
                .withReadTimeout(Duration.ofMillis(300))
                .withRetries(3, Duration.ofMillis(1), Duration.ofMillis(5)));
        long start = System.nanoTime();

        DownloadedFile file = client.download(ModelId.parse(BERT), RepoFile.named("model.safetensors"),
                tmp.resolve("model.safetensors"), DownloadProgress.NONE);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(hub.requestsTo("/lfs-cdn/")).extracting(r -> r.header("Range").orElse(""))
                .containsExactly("", "bytes=5000-");
        assertThat(file.sha256()).isEqualTo(repo.sha256("model.safetensors"));
    }

    @Test
    void serverErrorsAreRetried() throws Exception {
        FakeRepo repo = hub.addRepo(BERT, TinyModels.dir("bert"), FakeRepoOptions.defaults().withServerErrors(2));
        HubClient client = client(null);

        ModelInfo info = client.modelInfo(ModelId.parse(BERT));

        assertThat(info.sha()).isEqualTo(repo.sha());
        assertThat(hub.requestsTo("/api/models/")).hasSize(3);
    }

    @Test
    void persistentServerErrorsEndAsTransientNetworkError() {
        hub.addRepo(BERT, TinyModels.dir("bert"), FakeRepoOptions.defaults().withServerErrors(100));

        HubException e = catchThrowableOfType(() -> client(null).download(ModelId.parse(BERT),
                RepoFile.named("config.json"), tmp.resolve("config.json"), DownloadProgress.NONE), HubException.class);

        assertThat(e.kind()).isEqualTo(HubException.Kind.NETWORK);
        assertThat(e.httpStatus()).isEqualTo(503);
        assertThat(e.isTransient()).isTrue();
        assertThat(hub.requests()).hasSize(3);
        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void checksumMismatchIsRejectedAndLeavesNothing() {
        hub.addRepo(BERT, TinyModels.dir("bert"), FakeRepoOptions.defaults().withCorruptFile("model.safetensors"));
        Path target = tmp.resolve("model.safetensors");

        HubException e = catchThrowableOfType(() -> client(null).download(ModelId.parse(BERT),
                RepoFile.named("model.safetensors"), target, DownloadProgress.NONE), HubException.class);

        assertThat(e.kind()).isEqualTo(HubException.Kind.CHECKSUM_MISMATCH);
        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).contains("model.safetensors", "SHA-256");
        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void unknownModelIsNotFound() {
        HubException e = catchThrowableOfType(() -> client(null).modelInfo(ModelId.parse("nobody/nothing")), HubException.class);

        assertThat(e.kind()).isEqualTo(HubException.Kind.NOT_FOUND);
        assertThat(e.httpStatus()).isEqualTo(404);
        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).contains("nobody/nothing", "not found");
    }

    @Test
    void missingFileIsNotFound() {
        hub.addRepo(BERT, TinyModels.dir("bert"));

        HubException e = catchThrowableOfType(() -> client(null).download(ModelId.parse(BERT), RepoFile.named("vocab.txt"),
                tmp.resolve("vocab.txt"), DownloadProgress.NONE), HubException.class);

        assertThat(e.kind()).isEqualTo(HubException.Kind.NOT_FOUND);
        assertThat(e.getMessage()).contains("vocab.txt");
        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void gatedWithoutTokenSaysToSetHfToken() {
        hub.addRepo(BERT, TinyModels.dir("bert"), FakeRepoOptions.defaults().withGate("hf_accepted"));

        HubException e = catchThrowableOfType(() -> client(null).download(ModelId.parse(BERT), RepoFile.named("config.json"),
                tmp.resolve("config.json"), DownloadProgress.NONE), HubException.class);

        assertThat(e.kind()).isEqualTo(HubException.Kind.GATED_OR_PRIVATE);
        assertThat(e.httpStatus()).isEqualTo(401);
        assertThat(e.getMessage()).contains("HF_TOKEN", "licence");
    }

    @Test
    void gatedWithTokenOfAnotherAccountIsForbiddenAndTokenNeverShown() {
        hub.addRepo(BERT, TinyModels.dir("bert"), FakeRepoOptions.defaults().withGate("hf_accepted"));
        HubClient client = client("hf_secret_other");

        HubException e = catchThrowableOfType(() -> client.download(ModelId.parse(BERT), RepoFile.named("config.json"),
                tmp.resolve("config.json"), DownloadProgress.NONE), HubException.class);

        assertThat(e.kind()).isEqualTo(HubException.Kind.GATED_OR_PRIVATE);
        assertThat(e.httpStatus()).isEqualTo(403);
        assertThat(e.getMessage()).doesNotContain("hf_secret_other");
        assertThat(client.toString()).doesNotContain("hf_secret_other");
        assertThat(client.settings().toString()).doesNotContain("hf_secret_other");
    }

    @Test
    void gatedWithAcceptedTokenDownloads() throws Exception {
        FakeRepo repo = hub.addRepo(BERT, TinyModels.dir("bert"), FakeRepoOptions.defaults().withGate("hf_accepted"));

        DownloadedFile file = client("hf_accepted").download(ModelId.parse(BERT), RepoFile.named("config.json"),
                tmp.resolve("config.json"), DownloadProgress.NONE);

        assertThat(Files.readAllBytes(file.path())).isEqualTo(repo.content("config.json"));
    }

    @Test
    void rateLimitIsReportedWithRetryAfterAndNotRetriedHere() {
        hub.addRepo(BERT, TinyModels.dir("bert"), FakeRepoOptions.defaults().withRateLimit(1, 42));

        HubException e = catchThrowableOfType(() -> client(null).modelInfo(ModelId.parse(BERT)), HubException.class);

        assertThat(e.kind()).isEqualTo(HubException.Kind.RATE_LIMITED);
        assertThat(e.isTransient()).isTrue();
        assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(42));
        assertThat(e.getMessage()).contains("42 s");
        assertThat(hub.requests()).hasSize(1);
    }

    @Test
    void tokenIsSentToTheHubAndToASameHostRedirect() {
        hub.addRepo(BERT, TinyModels.dir("bert"));
        HubClient client = client("hf_token_1");

        client.modelInfo(ModelId.parse(BERT));
        client.download(ModelId.parse(BERT), RepoFile.named("model.safetensors"), tmp.resolve("m"), DownloadProgress.NONE);

        assertThat(hub.requests()).hasSize(3).allSatisfy(r ->
                assertThat(r.header("Authorization")).hasValue("Bearer hf_token_1"));
    }

    @Test
    void tokenIsNotForwardedToAnotherHost() {
        hub.addRepo(BERT, TinyModels.dir("bert"));
        hub.lfsRedirectHost("localhost");

        client("hf_token_1").download(ModelId.parse(BERT), RepoFile.named("model.safetensors"), tmp.resolve("m"),
                DownloadProgress.NONE);

        assertThat(hub.requestsTo("/hf-tiny/bert/resolve/")).singleElement()
                .satisfies(r -> assertThat(r.header("Authorization")).hasValue("Bearer hf_token_1"));
        assertThat(hub.requestsTo("/lfs-cdn/")).singleElement()
                .satisfies(r -> assertThat(r.header("Authorization")).isEmpty());
    }

    @Test
    void noTokenNoAuthorizationHeader() {
        hub.addRepo(BERT, TinyModels.dir("bert"));

        client(null).modelInfo(ModelId.parse(BERT));

        assertThat(hub.requests()).allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
    }

    @Test
    void unreachableHubIsATransientNetworkError() {
        HubClient client = new HubClient(HubClientSettings.defaults()
                .withEndpoint(URI.create("http://127.0.0.1:1"))
                .withRetries(2, Duration.ofMillis(1), Duration.ofMillis(1)));

        assertThatThrownBy(() -> client.modelInfo(ModelId.parse(BERT)))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.kind()).isEqualTo(HubException.Kind.NETWORK);
                    assertThat(e.isTransient()).isTrue();
                });
    }

    @Test
    void fetchesTheModelCardIntoMemory() {
        hub.addRepo(BERT, TinyModels.dir("bert"));

        byte[] card = client(null).fetchSmallFile(ModelId.parse(BERT), "README.md", 64 * 1024);

        assertThat(new String(card, StandardCharsets.UTF_8)).startsWith("---").contains("license: apache-2.0");
    }

    @Test
    void smallFileLargerThanTheLimitIsRefused() {
        hub.addRepo(BERT, TinyModels.dir("bert"));

        HubException e = catchThrowableOfType(() -> client(null).fetchSmallFile(ModelId.parse(BERT), "model.safetensors", 1000),
                HubException.class);

        assertThat(e.kind()).isEqualTo(HubException.Kind.INVALID_RESPONSE);
        assertThat(e.getMessage()).contains("larger than 1000 bytes");
    }

    @Test
    void refusesFileNamesThatEscapeTheTarget() {
        assertThatThrownBy(() -> client(null).download(ModelId.parse(BERT), RepoFile.named("../evil"), tmp.resolve("x"),
                DownloadProgress.NONE)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'..'");
    }
}
