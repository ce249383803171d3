package io.modelcat.ml.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Token strings and ids read from a {@code tokenizer.json}: the model vocabulary (WordPiece, BPE,
 * WordLevel objects; Unigram lists), the added tokens, and which ids are special (added tokens
 * marked special and the post-processor's template tokens).
 */
public final class TokenVocabulary {

    private final Map<String, Long> ids;
    private final Set<Long> specialIds;

    private TokenVocabulary(Map<String, Long> ids, Set<Long> specialIds) {
        this.ids = ids;
        this.specialIds = specialIds;
    }

    public static TokenVocabulary read(Path tokenizerFile) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(tokenizerFile.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tokenizerFile, e);
        }
        Map<String, Long> ids = new HashMap<>();
        Set<Long> special = new HashSet<>();
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            vocab.fields().forEachRemaining(entry -> ids.put(entry.getKey(), entry.getValue().asLong()));
        } else if (vocab.isArray()) {
            for (int id = 0; id < vocab.size(); id++) {
                ids.put(vocab.get(id).path(0).asText(), (long) id);
            }
        }
        for (JsonNode added : root.path("added_tokens")) {
            ids.put(added.path("content").asText(), added.path("id").asLong());
            if (added.path("special").asBoolean(false)) {
                special.add(added.path("id").asLong());
            }
        }
        collectTemplateIds(root.path("post_processor"), special);
        return new TokenVocabulary(ids, special);
    }

    private static void collectTemplateIds(JsonNode processor, Set<Long> special) {
        for (JsonNode token : processor.path("special_tokens")) {
            token.path("ids").forEach(id -> special.add(id.asLong()));
        }
        for (String field : new String[] {"cls", "sep"}) {
            JsonNode pair = processor.path(field);
            if (pair.isArray() && pair.size() == 2) {
                special.add(pair.get(1).asLong());
            }
        }
        for (JsonNode inner : processor.path("processors")) {
            collectTemplateIds(inner, special);
        }
    }

    public OptionalLong idOf(String token) {
        Long id = ids.get(token);
        return id == null ? OptionalLong.empty() : OptionalLong.of(id);
    }

    /** The id of the first of {@code candidates} that the vocabulary holds. */
    public OptionalLong firstIdOf(String... candidates) {
        for (String candidate : candidates) {
            OptionalLong id = idOf(candidate);
            if (id.isPresent()) {
                return id;
            }
        }
        return OptionalLong.empty();
    }

    /** The token string of {@code id}, if the vocabulary or an added token holds it. */
    public Optional<String> tokenOf(long id) {
        return ids.entrySet().stream().filter(entry -> entry.getValue() == id).map(Map.Entry::getKey).findFirst();
    }

    /** Every token string by its id (an added token over a vocabulary entry of the same id). */
    public Map<Long, String> tokensById() {
        Map<Long, String> tokens = new HashMap<>();
        ids.forEach((token, id) -> tokens.merge(id, token, (first, second) -> first));
        return tokens;
    }

    public Set<Long> specialIds() {
        return Set.copyOf(specialIds);
    }

    public int size() {
        return ids.size();
    }
}
