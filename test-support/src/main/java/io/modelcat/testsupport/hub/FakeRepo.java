package io.modelcat.testsupport.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** A repository the fake Hub serves: its files (held in memory; fixtures are small), commit sha and options. */
public final class FakeRepo {

    /** Extensions the Hub's default {@code .gitattributes} stores in LFS. */
    static final List<String> LFS_EXTENSIONS = List.of(".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".h5", ".msgpack",
            ".onnx", ".model", ".pkl");

    static final String GITATTRIBUTES = String.join("\n",
            "*.bin filter=lfs diff=lfs merge=lfs -text",
            "*.ckpt filter=lfs diff=lfs merge=lfs -text",
            "*.h5 filter=lfs diff=lfs merge=lfs -text",
            "*.model filter=lfs diff=lfs merge=lfs -text",
            "*.msgpack filter=lfs diff=lfs merge=lfs -text",
            "*.onnx filter=lfs diff=lfs merge=lfs -text",
            "*.pt filter=lfs diff=lfs merge=lfs -text",
            "*.pth filter=lfs diff=lfs merge=lfs -text",
            "*.safetensors filter=lfs diff=lfs merge=lfs -text",
            "");

    private static final Pattern MODEL_TYPE = Pattern.compile("\"model_type\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern ARCHITECTURES = Pattern.compile("\"architectures\"\\s*:\\s*\\[([^\\]]*)\\]");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

    private final String id;
    private final FakeRepoOptions options;
    private final Map<String, byte[]> files;
    private final String sha;
    private final String pipelineTag;
    private final String modelType;
    private final List<String> architectures;
    private final AtomicInteger rateLimitLeft;
    private final AtomicInteger serverErrorsLeft;
    private final Set<String> brokenAlready = ConcurrentHashMap.newKeySet();
    private final Set<String> stalledAlready = ConcurrentHashMap.newKeySet();

    FakeRepo(String id, Path dir, FakeRepoOptions options) {
        this.id = id;
        this.options = options;
        this.files = Collections.unmodifiableMap(load(dir, options));
        String config = files.containsKey("config.json") ? new String(files.get("config.json"), StandardCharsets.UTF_8) : "";
        Matcher mt = MODEL_TYPE.matcher(config);
        this.modelType = mt.find() ? mt.group(1) : null;
        List<String> archs = new ArrayList<>();
        Matcher ma = ARCHITECTURES.matcher(config);
        if (ma.find()) {
            Matcher q = QUOTED.matcher(ma.group(1));
            while (q.find()) {
                archs.add(q.group(1));
            }
        }
        this.architectures = List.copyOf(archs);
        this.pipelineTag = options.pipelineTag() != null ? options.pipelineTag() : taskOf(architectures);
        this.rateLimitLeft = new AtomicInteger(options.rateLimitedResponses());
        this.serverErrorsLeft = new AtomicInteger(options.serverErrorResponses());
        this.sha = commitSha(id, files);
    }

    public String id() {
        return id;
    }

    /** The 40-hex commit sha, derived from the repo id and every file's content. */
    public String sha() {
        return sha;
    }

    public String pipelineTag() {
        return pipelineTag;
    }

    public FakeRepoOptions options() {
        return options;
    }

    /** File names, sorted, as the Hub lists them. */
    public List<String> filenames() {
        return List.copyOf(files.keySet());
    }

    /** The true content of a file (what the Hub advertises; a corrupted file is served differently). */
    public byte[] content(String filename) {
        byte[] b = files.get(filename);
        if (b == null) {
            throw new IllegalArgumentException("no file " + filename + " in " + id);
        }
        return b.clone();
    }

    public String sha256(String filename) {
        return hex("SHA-256", files.get(filename));
    }

    public boolean isLfs(String filename) {
        String lower = filename.toLowerCase(Locale.ROOT);
        return LFS_EXTENSIONS.stream().anyMatch(lower::endsWith);
    }

    boolean has(String filename) {
        return files.containsKey(filename);
    }

    /** Bytes to put on the wire for {@code filename}. */
    byte[] served(String filename) {
        byte[] b = files.get(filename);
        if (options.corruptFiles().contains(filename)) {
            b = b.clone();
            b[b.length / 2] ^= 0x5a;
        }
        return b;
    }

    String blobId(String filename) {
        return gitBlobId(files.get(filename));
    }

    /** Returns the byte count to cut the connection at, the first time only; -1 otherwise. */
    long takeBreakPoint(String filename) {
        Long at = options.breakOnceAfterBytes().get(filename);
        return at != null && brokenAlready.add(filename) ? at : -1;
    }

    /** Whether this request must be answered with 429 (counts down). */
    boolean takeRateLimit() {
        return rateLimitLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    /** Whether this request must be answered with 503 (counts down). */
    boolean takeServerError() {
        return serverErrorsLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    /** The stall to apply to this content response, the first time only; {@code null} otherwise. */
    FakeRepoOptions.Stall takeStall(String filename) {
        FakeRepoOptions.Stall stall = options.stallOnce().get(filename);
        return stall != null && stalledAlready.add(filename) ? stall : null;
    }

    boolean acceptsRevision(String revision) {
        return "main".equals(revision) || sha.equals(revision);
    }

    Map<String, Object> modelInfo(boolean blobs) {
        String owner = id.contains("/") ? id.substring(0, id.indexOf('/')) : null;
        List<Object> tags = new ArrayList<>(List.of("transformers", "safetensors"));
        if (options.pickleOnly()) {
            tags.set(1, "pytorch");
        }
        if (modelType != null) {
            tags.add(modelType);
        }
        if (pipelineTag != null) {
            tags.add(pipelineTag);
        }
        if (options.license() != null) {
            tags.add("license:" + options.license());
        }
        tags.addAll(List.of("autotrain_compatible", "endpoints_compatible", "region:us"));
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("license", options.license());
        card.put("library_name", "transformers");
        card.put("pipeline_tag", pipelineTag);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("architectures", new ArrayList<Object>(architectures));
        config.put("model_type", modelType);
        long storage = 0;
        List<Object> siblings = new ArrayList<>();
        for (String name : files.keySet()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("rfilename", name);
            if (blobs) {
                long size = files.get(name).length;
                storage += size;
                s.put("blobId", blobId(name));
                s.put("size", size);
                if (isLfs(name)) {
                    Map<String, Object> lfs = new LinkedHashMap<>();
                    lfs.put("sha256", sha256(name));
                    lfs.put("size", size);
                    lfs.put("pointerSize", 134);
                    s.put("lfs", lfs);
                }
            }
            siblings.add(s);
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("_id", sha.substring(0, 24));
        info.put("id", id);
        info.put("modelId", id);
        info.put("author", owner);
        info.put("sha", sha);
        info.put("lastModified", "2026-01-01T00:00:00.000Z");
        info.put("private", false);
        info.put("disabled", false);
        info.put("gated", options.gatedTokens() == null ? Boolean.FALSE : "manual");
        info.put("downloads", 0);
        info.put("likes", 0);
        info.put("library_name", "transformers");
        info.put("tags", tags);
        info.put("pipeline_tag", pipelineTag);
        info.put("createdAt", "2026-01-01T00:00:00.000Z");
        info.put("config", config);
        info.put("cardData", card);
        info.put("siblings", siblings);
        info.put("spaces", List.of());
        if (blobs) {
            info.put("usedStorage", storage);
        }
        return info;
    }

    private TreeMap<String, byte[]> load(Path dir, FakeRepoOptions opts) {
        TreeMap<String, byte[]> result = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                String name = dir.relativize(p).toString().replace('\\', '/');
                if (opts.pickleOnly() && name.endsWith(".safetensors")) {
                    name = name.replace("model", "pytorch_model").replace(".safetensors", ".bin");
                }
                result.put(name, Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fake repo files from " + dir, e);
        }
        result.putIfAbsent(".gitattributes", GITATTRIBUTES.getBytes(StandardCharsets.UTF_8));
        result.putIfAbsent("README.md", modelCard(opts).getBytes(StandardCharsets.UTF_8));
        return result;
    }

    private String modelCard(FakeRepoOptions opts) {
        String tag = opts.pipelineTag();
        return "---\nlicense: " + opts.license() + "\nlibrary_name: transformers\n"
                + (tag == null ? "" : "pipeline_tag: " + tag + "\n") + "---\n\n# " + id
                + "\n\nA tiny fixture model served by ModelCat's fake Hugging Face Hub.\n";
    }

    static String taskOf(List<String> architectures) {
        for (String a : architectures) {
            if (a.endsWith("ForSequenceClassification")) {
                return "text-classification";
            }
            if (a.endsWith("ForTokenClassification")) {
                return "token-classification";
            }
            if (a.endsWith("ForQuestionAnswering")) {
                return "question-answering";
            }
            if (a.endsWith("ForMaskedLM")) {
                return "fill-mask";
            }
            if (a.endsWith("LMHeadModel") || a.endsWith("ForCausalLM")) {
                return "text-generation";
            }
            if (a.endsWith("ForConditionalGeneration")) {
                return "text2text-generation";
            }
        }
        return null;
    }

    private static String commitSha(String id, Map<String, byte[]> files) {
        StringBuilder sb = new StringBuilder(id).append('\n');
        files.forEach((name, bytes) -> sb.append(name).append('\0').append(gitBlobId(bytes)).append('\n'));
        return hex("SHA-1", sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    static String gitBlobId(byte[] content) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(("blob " + content.length + "\0").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(String algorithm, byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
