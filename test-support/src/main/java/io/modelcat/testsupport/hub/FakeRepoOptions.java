package io.modelcat.testsupport.hub;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * How the fake Hub serves one repository, including the faults to inject. Immutable: each {@code with...} returns a
 * copy. Start from {@link #defaults()}.
 */
public final class FakeRepoOptions {

    /** Where and for how long a file's first content response stalls. */
    public record Stall(long afterBytes, Duration duration) {
    }

    private String pipelineTag;
    private String license = "apache-2.0";
    private Set<String> gatedTokens;
    private int rateLimitedResponses;
    private int retryAfterSeconds;
    private int serverErrorResponses;
    private boolean pickleOnly;
    private Set<String> corruptFiles = Set.of();
    private Map<String, Long> breakOnceAfterBytes = Map.of();
    private Map<String, Stall> stallOnce = Map.of();

    private FakeRepoOptions() {
    }

    public static FakeRepoOptions defaults() {
        return new FakeRepoOptions();
    }

    /** Task to advertise; {@code null} (the default) derives it from {@code config.json}'s architecture. */
    public FakeRepoOptions withPipelineTag(String tag) {
        FakeRepoOptions o = copy();
        o.pipelineTag = tag;
        return o;
    }

    /** Licence for the card data and the {@code license:} tag; default {@code apache-2.0}. */
    public FakeRepoOptions withLicense(String newLicense) {
        FakeRepoOptions o = copy();
        o.license = newLicense;
        return o;
    }

    /** Gated: info says {@code gated: "manual"}; files answer 401 without a token, 403 with one not in {@code acceptedTokens}. */
    public FakeRepoOptions withGate(String... acceptedTokens) {
        FakeRepoOptions o = copy();
        o.gatedTokens = Set.of(acceptedTokens);
        return o;
    }

    /** The next {@code responses} requests for this repo get 429 with {@code Retry-After: retryAfter}. */
    public FakeRepoOptions withRateLimit(int responses, int retryAfter) {
        FakeRepoOptions o = copy();
        o.rateLimitedResponses = responses;
        o.retryAfterSeconds = retryAfter;
        return o;
    }

    /** The next {@code responses} requests for this repo get 503, as the Hub does when overloaded. */
    public FakeRepoOptions withServerErrors(int responses) {
        FakeRepoOptions o = copy();
        o.serverErrorResponses = responses;
        return o;
    }

    /** Serves {@code *.safetensors} as pickle files ({@code model.safetensors} becomes {@code pytorch_model.bin}). */
    public FakeRepoOptions withPickleOnlyWeights() {
        FakeRepoOptions o = copy();
        o.pickleOnly = true;
        return o;
    }

    /** Serves {@code filename} with one byte flipped, under the original size and SHA-256. */
    public FakeRepoOptions withCorruptFile(String filename) {
        FakeRepoOptions o = copy();
        Set<String> files = new HashSet<>(corruptFiles);
        files.add(filename);
        o.corruptFiles = Set.copyOf(files);
        return o;
    }

    /** The first content response for {@code filename} closes the connection after {@code afterBytes} bytes. */
    public FakeRepoOptions withConnectionBrokenOnce(String filename, long afterBytes) {
        FakeRepoOptions o = copy();
        Map<String, Long> breaks = new HashMap<>(breakOnceAfterBytes);
        breaks.put(filename, afterBytes);
        o.breakOnceAfterBytes = Map.copyOf(breaks);
        return o;
    }

    /** The first content response for {@code filename} stops sending after {@code afterBytes} bytes for {@code duration}, then drops. */
    public FakeRepoOptions withStallOnce(String filename, long afterBytes, Duration duration) {
        FakeRepoOptions o = copy();
        Map<String, Stall> stalls = new HashMap<>(stallOnce);
        stalls.put(filename, new Stall(afterBytes, duration));
        o.stallOnce = Map.copyOf(stalls);
        return o;
    }

    public String pipelineTag() {
        return pipelineTag;
    }

    public String license() {
        return license;
    }

    /** Tokens of accounts that accepted the terms; {@code null} when the repo is not gated. */
    public Set<String> gatedTokens() {
        return gatedTokens;
    }

    public int rateLimitedResponses() {
        return rateLimitedResponses;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public int serverErrorResponses() {
        return serverErrorResponses;
    }

    public boolean pickleOnly() {
        return pickleOnly;
    }

    public Set<String> corruptFiles() {
        return corruptFiles;
    }

    public Map<String, Long> breakOnceAfterBytes() {
        return breakOnceAfterBytes;
    }

    public Map<String, Stall> stallOnce() {
        return stallOnce;
    }

    private FakeRepoOptions copy() {
        FakeRepoOptions o = new FakeRepoOptions();
        o.pipelineTag = pipelineTag;
        o.license = license;
        o.gatedTokens = gatedTokens;
        o.rateLimitedResponses = rateLimitedResponses;
        o.retryAfterSeconds = retryAfterSeconds;
        o.serverErrorResponses = serverErrorResponses;
        o.pickleOnly = pickleOnly;
        o.corruptFiles = corruptFiles;
        o.breakOnceAfterBytes = breakOnceAfterBytes;
        o.stallOnce = stallOnce;
        return o;
    }
}
