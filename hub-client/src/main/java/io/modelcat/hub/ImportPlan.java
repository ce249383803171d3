package io.modelcat.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Which files of a Hub repository to fetch for an import, pinned to one commit; {@link #decide} refuses repositories
 * we cannot load safely (pickle-only weights) or whose task we do not support.
 *
 * @param id          the repository, its revision pinned to {@code commitSha}
 * @param commitSha   the commit every file is fetched from
 * @param pipelineTag the task, one of those the caller supports
 * @param license     licence from the model card or tags, or {@code null}
 * @param gated       whether the repository is gated (files need a token of an account that accepted its terms)
 * @param files       the files to fetch, with sizes and LFS hashes when the Hub reported them
 */
public record ImportPlan(ModelId id, String commitSha, String pipelineTag, String license, boolean gated, List<RepoFile> files) {

    /** Files fetched whenever the repository has them: tokenizer settings, vocabularies, generation defaults, chat template. */
    public static final List<String> OPTIONAL_FILES = List.of("tokenizer_config.json", "special_tokens_map.json",
            "generation_config.json", "added_tokens.json", "vocab.txt", "vocab.json", "merges.txt", "spiece.model",
            "sentencepiece.bpe.model", "tokenizer.model", "chat_template.jinja", "source.spm", "target.spm");

    /**
     * Marian's (opus-mt's) tokenizer, which stands in for {@code tokenizer.json}: SentencePiece models of the source
     * and target languages and the vocabulary that maps their pieces to the model's ids.
     */
    public static final List<String> MARIAN_TOKENIZER = List.of("source.spm", "target.spm", "vocab.json");

    public static final String CONFIG = "config.json";
    public static final String TOKENIZER = "tokenizer.json";
    public static final String SAFETENSORS = "model.safetensors";
    public static final String SAFETENSORS_INDEX = "model.safetensors.index.json";

    private static final List<String> PICKLE_SUFFIXES = List.of(".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle");

    public ImportPlan {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(commitSha, "commitSha");
        files = List.copyOf(files);
    }

    /** Sum of the known file sizes in bytes. */
    public long knownTotalBytes() {
        return files.stream().mapToLong(f -> f.knownSize().orElse(0)).sum();
    }

    public List<String> filenames() {
        return files.stream().map(RepoFile::rfilename).toList();
    }

    /**
     * Decides what to fetch from {@code info}.
     *
     * @param requested  the id the user asked for (its revision may be a branch or tag)
     * @param info       the Hub's answer for it
     * @param supportedTasks the {@code pipeline_tag}s the caller supports (ModelCat's task registry)
     * @param readSmallFile reads a repository file at {@code info.sha()} into memory; used for the shard index only
     * @throws HubException UNSUPPORTED with a message saying why, or INVALID_RESPONSE when the Hub's answer is unusable
     */
    public static ImportPlan decide(ModelId requested, ModelInfo info, Collection<String> supportedTasks,
                                    Function<String, byte[]> readSmallFile) {
        String what = "model " + requested.repoId();
        if (!ModelId.isCommitSha(info.sha())) {
            throw new HubException(HubException.Kind.INVALID_RESPONSE, "the Hub's info for " + what + " has no commit sha");
        }
        String task = info.pipelineTag();
        if (task == null || !supportedTasks.contains(task)) {
            throw unsupported(what + (task == null ? " has no pipeline_tag (task)" : " is for task '" + task + "'")
                    + ", which ModelCat does not support; supported tasks: " + String.join(", ", supportedTasks));
        }
        List<RepoFile> files = new ArrayList<>();
        files.add(info.file(CONFIG).orElseThrow(() -> unsupported(what + " has no " + CONFIG
                + "; only Hugging Face transformers repositories can be imported")));
        files.addAll(weights(what, info, readSmallFile));
        Optional<RepoFile> tokenizer = info.file(TOKENIZER);
        if (tokenizer.isPresent()) {
            files.add(tokenizer.get());
        } else if (MARIAN_TOKENIZER.stream().anyMatch(name -> info.file(name).isEmpty())) {
            // Marian's files come with the optional ones below.
            throw unsupported(what + " has no " + TOKENIZER + " (a fast tokenizer) nor Marian's "
                    + String.join(", ", MARIAN_TOKENIZER) + "; repositories with only other slow-tokenizer vocabulary "
                    + "files cannot be imported yet");
        }
        for (String optional : OPTIONAL_FILES) {
            info.file(optional).ifPresent(files::add);
        }
        return new ImportPlan(requested.withRevision(info.sha()), info.sha(), task, info.license(), info.gated(), files);
    }

    private static List<RepoFile> weights(String what, ModelInfo info, Function<String, byte[]> readSmallFile) {
        Optional<RepoFile> single = info.file(SAFETENSORS);
        if (single.isPresent()) {
            return List.of(single.get());
        }
        Optional<RepoFile> index = info.file(SAFETENSORS_INDEX);
        if (index.isPresent()) {
            List<RepoFile> result = new ArrayList<>();
            result.add(index.get());
            for (String shard : shardNames(what, readSmallFile.apply(SAFETENSORS_INDEX))) {
                result.add(info.file(shard).orElseThrow(() -> new HubException(HubException.Kind.INVALID_RESPONSE,
                        what + ": " + SAFETENSORS_INDEX + " names shard '" + shard + "', which the repository does not have")));
            }
            return result;
        }
        List<String> pickles = info.siblings().stream().map(RepoFile::rfilename)
                .filter(n -> PICKLE_SUFFIXES.stream().anyMatch(s -> n.toLowerCase(Locale.ROOT).endsWith(s))).toList();
        if (!pickles.isEmpty()) {
            throw unsupported(what + " only has pickle weights (" + String.join(", ", pickles.subList(0, Math.min(3, pickles.size())))
                    + (pickles.size() > 3 ? ", ..." : "") + "); loading pickles is unsafe because they can run arbitrary code."
                    + " Choose a revision or a copy of the model with " + SAFETENSORS + " weights");
        }
        throw unsupported(what + " has no " + SAFETENSORS + " or " + SAFETENSORS_INDEX
                + "; only safetensors weights can be imported");
    }

    /** The distinct files named by the index's {@code weight_map}, sorted. */
    static List<String> shardNames(String what, byte[] indexJson) {
        JsonNode map;
        try {
            map = new ObjectMapper().readTree(indexJson).path("weight_map");
        } catch (IOException e) {
            throw new HubException(HubException.Kind.INVALID_RESPONSE, what + ": " + SAFETENSORS_INDEX + " is not valid JSON", e);
        }
        TreeSet<String> names = new TreeSet<>();
        map.forEach(v -> {
            if (v.isTextual()) {
                names.add(v.asText());
            }
        });
        if (names.isEmpty()) {
            throw new HubException(HubException.Kind.INVALID_RESPONSE, what + ": " + SAFETENSORS_INDEX + " has an empty weight_map");
        }
        for (String name : names) {
            try {
                HubPaths.checkFilename(name);
            } catch (IllegalArgumentException e) {
                throw new HubException(HubException.Kind.INVALID_RESPONSE, what + ": " + SAFETENSORS_INDEX + " names an unsafe path: "
                        + e.getMessage(), e);
            }
        }
        return List.copyOf(names);
    }

    private static HubException unsupported(String message) {
        return new HubException(HubException.Kind.UNSUPPORTED, message);
    }
}
