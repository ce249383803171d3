package io.modelcat.ml.tokenize;

import ai.djl.sentencepiece.SpTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcat.ml.DjlEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Marian's (opus-mt's) tokenizer, read as transformers' {@code MarianTokenizer} reads it: sources segmented by
 * {@code source.spm}, targets by {@code target.spm} (both with DJL's binding of the SentencePiece library), pieces
 * mapped to ids through {@code vocab.json} (a piece it lacks is {@code <unk>}), {@code </s>} appended; a language code
 * {@code >>xx<<} opening a text is one token, and the special tokens written in a text are tokens of their own. Ids
 * decode through the vocabulary and SentencePiece's detokenizer ({@code ▁} to spaces), special tokens kept or
 * skipped.
 */
public final class MarianTokenizer implements Seq2SeqTokenizer {

    public static final String SOURCE_MODEL = "source.spm";
    public static final String TARGET_MODEL = "target.spm";
    public static final String VOCABULARY = "vocab.json";
    /** The files a Marian folder has in place of {@code tokenizer.json}. */
    public static final List<String> FILES = List.of(SOURCE_MODEL, TARGET_MODEL, VOCABULARY);

    private static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    private static final String SPECIAL_TOKENS_MAP = "special_tokens_map.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SpTokenizer source;
    private final SpTokenizer target;
    private final Map<String, Long> ids;
    private final Map<Long, String> tokens;
    private final long unkId;
    private final long eosId;
    private final long padId;
    /** Longest first, so that a text is split at the longest special token starting at a position. */
    private final List<String> specialTokens;
    private final Set<Long> specialIds;
    private final boolean cleanUpSpaces;

    private MarianTokenizer(SpTokenizer source, SpTokenizer target, Map<String, Long> ids, SpecialTokens special,
            boolean cleanUpSpaces) {
        this.source = source;
        this.target = target;
        this.ids = ids;
        this.tokens = new HashMap<>();
        ids.forEach((token, id) -> tokens.putIfAbsent(id, token));
        this.unkId = special.id(ids, special.unk());
        this.eosId = special.id(ids, special.eos());
        this.padId = special.id(ids, special.pad());
        this.specialTokens = special.all().stream().sorted(Comparator.comparingInt(String::length).reversed()
                .thenComparing(Comparator.naturalOrder())).toList();
        this.specialIds = new HashSet<>();
        for (String token : special.all()) {
            specialIds.add(special.id(ids, token));
        }
        this.cleanUpSpaces = cleanUpSpaces;
    }

    /** Whether {@code modelDirectory} has Marian's tokenizer files. */
    public static boolean isPresent(Path modelDirectory) {
        return FILES.stream().allMatch(name -> Files.isRegularFile(modelDirectory.resolve(name)));
    }

    /**
     * Loads the tokenizer of a Marian folder: its {@code .spm} files, {@code vocab.json}, and the special tokens and
     * {@code separate_vocabs} of {@code tokenizer_config.json} / {@code special_tokens_map.json} where it has them.
     *
     * @throws IllegalArgumentException naming the file that is missing or unreadable, or for separate source and
     *     target vocabularies (which the engine's Marian does not run)
     */
    public static MarianTokenizer load(Path modelDirectory) {
        for (String name : FILES) {
            if (!Files.isRegularFile(modelDirectory.resolve(name))) {
                throw new IllegalArgumentException("the Marian tokenizer needs " + name + ", which " + modelDirectory
                        + " does not have");
            }
        }
        JsonNode config = readJson(modelDirectory.resolve(TOKENIZER_CONFIG));
        if (config.path("separate_vocabs").asBoolean(false)) {
            throw new IllegalArgumentException(TOKENIZER_CONFIG + " asks for separate_vocabs (a target_vocab.json of "
                    + "its own), which the engine's Marian does not run: it shares one vocabulary");
        }
        JsonNode specialMap = readJson(modelDirectory.resolve(SPECIAL_TOKENS_MAP));
        SpecialTokens special = new SpecialTokens(
                token(config, specialMap, "unk_token", "<unk>"), token(config, specialMap, "eos_token", "</s>"),
                token(config, specialMap, "pad_token", "<pad>"), additional(config, specialMap));
        Map<String, Long> ids = vocabulary(modelDirectory.resolve(VOCABULARY));
        special = special.within(ids);
        boolean cleanUp = config.path("clean_up_tokenization_spaces").asBoolean(false);
        DjlEnvironment.configure();
        SpTokenizer source = sentencePiece(modelDirectory.resolve(SOURCE_MODEL));
        try {
            SpTokenizer target = sentencePiece(modelDirectory.resolve(TARGET_MODEL));
            try {
                return new MarianTokenizer(source, target, ids, special, cleanUp);
            } catch (RuntimeException e) {
                target.close();
                throw e;
            }
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** The pieces of a source as {@code tokenize} gives them (language code first, no {@code </s>}). */
    public List<String> sourcePieces(String text) {
        return pieces(text, source);
    }

    /** The pieces of a target (segmented by {@code target.spm}). */
    public List<String> targetPieces(String text) {
        return pieces(text, target);
    }

    @Override
    public long[] encodeSource(String text) {
        return encode(text, source);
    }

    /** Target ids with the closing {@code </s>}, as {@code tokenizer(text_target=text)} gives them. */
    public long[] encodeTarget(String text) {
        return encode(text, target);
    }

    @Override
    public TokenizedBatch encodeSources(List<String> texts, int maxLength) {
        return batch(texts, maxLength, source);
    }

    @Override
    public TokenizedBatch encodeTargets(List<String> texts, int maxLength) {
        return batch(texts, maxLength, target);
    }

    /**
     * As transformers decodes (with a shared vocabulary, through the source model): runs of pieces detokenized by
     * SentencePiece, each special token kept as written and followed by a space unless skipped, {@code ▁} made a space
     * and the ends trimmed. An id the vocabulary lacks reads as {@code <unk>}.
     */
    @Override
    public String decode(long[] generated, boolean skipSpecialTokens) {
        StringBuilder out = new StringBuilder();
        List<String> run = new ArrayList<>();
        for (long id : generated) {
            if (skipSpecialTokens && specialIds.contains(id)) {
                continue;
            }
            String token = tokens.getOrDefault(id, tokens.get(unkId));
            if (specialTokens.contains(token)) {
                out.append(source.buildSentence(run)).append(token).append(' ');
                run.clear();
            } else {
                run.add(token);
            }
        }
        out.append(source.buildSentence(run));
        String text = out.toString().replace('\u2581', ' ').strip();
        return cleanUpSpaces ? cleanUpTokenization(text) : text;
    }

    public long padTokenId() {
        return padId;
    }

    public long eosTokenId() {
        return eosId;
    }

    public int vocabularySize() {
        return ids.size();
    }

    private long[] encode(String text, SpTokenizer model) {
        List<String> pieces = pieces(text, model);
        long[] encoded = new long[pieces.size() + 1];
        for (int index = 0; index < pieces.size(); index++) {
            encoded[index] = ids.getOrDefault(pieces.get(index), unkId);
        }
        encoded[pieces.size()] = eosId;
        return encoded;
    }

    private TokenizedBatch batch(List<String> texts, int maxLength, SpTokenizer model) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("max length " + maxLength + " cannot hold the closing " + tokens.get(eosId));
        }
        List<long[]> rows = new ArrayList<>(texts.size());
        for (String text : texts) {
            long[] encoded = encode(text, model);
            if (encoded.length > maxLength) {
                encoded = Arrays.copyOf(encoded, maxLength);
                encoded[maxLength - 1] = eosId;
            }
            rows.add(encoded);
        }
        int longest = rows.stream().mapToInt(row -> row.length).max().orElse(0);
        long[][] inputIds = new long[rows.size()][longest];
        long[][] attentionMask = new long[rows.size()][longest];
        for (int row = 0; row < rows.size(); row++) {
            long[] encoded = rows.get(row);
            Arrays.fill(inputIds[row], padId);
            System.arraycopy(encoded, 0, inputIds[row], 0, encoded.length);
            Arrays.fill(attentionMask[row], 0, encoded.length, 1L);
        }
        return new TokenizedBatch(inputIds, attentionMask, new long[rows.size()][longest]);
    }

    /** Special tokens split the text first; each other part loses an opening language code, then is segmented. */
    private List<String> pieces(String text, SpTokenizer model) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        int position = 0;
        while (position < text.length()) {
            String special = specialAt(text, position);
            if (special == null) {
                position++;
                continue;
            }
            segment(text.substring(start, position), model, pieces);
            pieces.add(special);
            position += special.length();
            start = position;
        }
        segment(text.substring(start), model, pieces);
        return pieces;
    }

    private String specialAt(String text, int position) {
        for (String special : specialTokens) {
            if (text.startsWith(special, position)) {
                return special;
            }
        }
        return null;
    }

    private static void segment(String part, SpTokenizer model, List<String> pieces) {
        if (part.isEmpty()) {
            return;
        }
        String rest = part;
        int codeEnd = part.startsWith(">>") ? part.indexOf("<<") : -1;
        if (codeEnd >= 0) {
            pieces.add(part.substring(0, codeEnd + 2));
            rest = part.substring(codeEnd + 2);
        }
        pieces.addAll(model.tokenize(rest));
    }

    /** transformers' {@code clean_up_tokenization}, for a {@code tokenizer_config.json} that asks for it. */
    private static String cleanUpTokenization(String text) {
        return text.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
                .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m").replace(" 's", "'s")
                .replace(" 've", "'ve").replace(" 're", "'re");
    }

    private static SpTokenizer sentencePiece(Path file) {
        try {
            return new SpTokenizer(file);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read the SentencePiece model " + file.getFileName() + ": "
                    + e.getMessage(), e);
        }
    }

    private static Map<String, Long> vocabulary(Path file) {
        JsonNode root = readJson(file);
        if (!root.isObject() || root.isEmpty()) {
            throw new IllegalArgumentException(VOCABULARY + " is not an object of pieces and their ids");
        }
        Map<String, Long> ids = new LinkedHashMap<>();
        root.fields().forEachRemaining(entry -> {
            if (!entry.getValue().canConvertToLong()) {
                throw new IllegalArgumentException(VOCABULARY + " gives " + entry.getKey() + " the id "
                        + entry.getValue() + ", not a whole number");
            }
            ids.put(entry.getKey(), entry.getValue().asLong());
        });
        return ids;
    }

    /** The file's JSON, or an empty object when the file is absent. */
    private static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file.getFileName() + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** A special token as tokenizer_config.json or special_tokens_map.json writes it: a string or {"content": ...}. */
    private static String token(JsonNode config, JsonNode specialMap, String key, String fallback) {
        for (JsonNode node : List.of(config.path(key), specialMap.path(key))) {
            String value = node.isTextual() ? node.asText() : node.path("content").asText(null);
            if (value != null && !value.isEmpty()) {
                return value;
            }
        }
        return fallback;
    }

    private static List<String> additional(JsonNode config, JsonNode specialMap) {
        List<String> extra = new ArrayList<>();
        for (JsonNode node : List.of(config.path("additional_special_tokens"), specialMap.path("additional_special_tokens"),
                config.path("extra_special_tokens"))) {
            if (node.isArray()) {
                node.forEach(entry -> {
                    String value = entry.isTextual() ? entry.asText() : entry.path("content").asText(null);
                    if (value != null && !value.isEmpty() && !extra.contains(value)) {
                        extra.add(value);
                    }
                });
            }
        }
        return extra;
    }

    @Override
    public void close() {
        try {
            source.close();
        } finally {
            target.close();
        }
    }

    private record SpecialTokens(String unk, String eos, String pad, List<String> additional) {

        List<String> all() {
            List<String> all = new ArrayList<>(List.of(eos, unk, pad));
            additional.stream().filter(token -> !all.contains(token)).forEach(all::add);
            return all;
        }

        /** Without the additional special tokens the vocabulary lacks (transformers would give them new ids). */
        SpecialTokens within(Map<String, Long> ids) {
            return new SpecialTokens(unk, eos, pad, additional.stream().filter(ids::containsKey).toList());
        }

        long id(Map<String, Long> ids, String token) {
            Long id = ids.get(token);
            if (id == null) {
                throw new IllegalArgumentException(VOCABULARY + " has no id for the special token " + token);
            }
            return id;
        }
    }
}
