package io.modelcat.ml.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.modelcat.ml.DjlEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** A Hugging Face {@code tokenizer.json} loaded from a local file, with batching and padding. */
public final class TextTokenizer implements Seq2SeqTokenizer {

    private final HuggingFaceTokenizer tokenizer;
    private final Path tokenizerFile;
    private final long padTokenId;
    private Map<Long, String> piecesById;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, Path tokenizerFile, long padTokenId) {
        this.tokenizer = tokenizer;
        this.tokenizerFile = tokenizerFile;
        this.padTokenId = padTokenId;
    }

    /**
     * Loads {@code tokenizer.json}. Only local files: given a hub id the native tokenizer would
     * go to the network even in offline mode.
     */
    public static TextTokenizer load(Path tokenizerFile, long padTokenId) {
        if (!Files.isRegularFile(tokenizerFile)) {
            throw new IllegalArgumentException("no tokenizer file at " + tokenizerFile);
        }
        DjlEnvironment.configure();
        try {
            // Truncation and padding are done here, per batch, so the tokenizer must do neither.
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerFile,
                    Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "true"));
            return new TextTokenizer(tokenizer, tokenizerFile, padTokenId);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + tokenizerFile, e);
        }
    }

    public Path tokenizerFile() {
        return tokenizerFile;
    }

    /** Token ids with the tokenizer's special tokens (e.g. {@code [CLS] ... [SEP]}). */
    public long[] encode(String text) {
        return tokenizer.encode(text).getIds();
    }

    /** As {@link #encode(String)}: a {@code tokenizer.json} encodes an encoder-decoder's sources and targets alike. */
    @Override
    public long[] encodeSource(String text) {
        return encode(text);
    }

    @Override
    public TokenizedBatch encodeSources(List<String> texts, int maxLength) {
        return encodeBatch(texts, maxLength);
    }

    /** As sources: transformers' {@code text_target} goes through the same {@code tokenizer.json}. */
    @Override
    public TokenizedBatch encodeTargets(List<String> texts, int maxLength) {
        return encodeBatch(texts, maxLength);
    }

    /**
     * Token ids, with the tokenizer's special tokens or without: a prompt rendered by a chat template holds
     * its special tokens already, and {@code transformers} encodes it without adding more.
     */
    public long[] encode(String text, boolean addSpecialTokens) {
        return tokenizer.encode(text, addSpecialTokens, false).getIds();
    }

    /**
     * The token strings (pieces) of {@code text} with the special tokens, as {@code convert_ids_to_tokens} shows
     * them: {@code ▁the} for a SentencePiece Unigram, {@code Ġthe} for a byte-level BPE.
     */
    public List<String> pieces(String text) {
        // The vocabulary's strings, not the encoding's: an unknown character's token is the unknown token's string.
        if (piecesById == null) {
            piecesById = TokenVocabulary.read(tokenizerFile).tokensById();
        }
        long[] ids = encode(text);
        List<String> pieces = new ArrayList<>(ids.length);
        for (long id : ids) {
            pieces.add(piecesById.get(id));
        }
        return pieces;
    }

    /** Text for token ids, optionally without the tokenizer's special tokens. */
    @Override
    public String decode(long[] ids, boolean skipSpecialTokens) {
        return tokenizer.decode(ids, skipSpecialTokens);
    }

    /**
     * Encodes texts already split into words, as for token classification, keeping for each token
     * the index of the word it came from (-1 for special tokens and padding).
     */
    public WordAlignedBatch encodeWordsBatch(List<List<String>> sentences, int maxLength) {
        List<Encoding> encodings = new ArrayList<>(sentences.size());
        List<int[]> kept = new ArrayList<>(sentences.size());
        for (List<String> words : sentences) {
            Encoding encoding = tokenizer.encode(words.toArray(String[]::new), true, false);
            encodings.add(encoding);
            kept.add(keptForSingle(encoding, maxLength));
        }
        TokenizedBatch tokens = pad(encodings, kept);
        long[][] wordIds = new long[encodings.size()][tokens.sequenceLength()];
        for (int row = 0; row < encodings.size(); row++) {
            Arrays.fill(wordIds[row], -1L);
            long[] words = select(encodings.get(row).getWordIds(), kept.get(row));
            System.arraycopy(words, 0, wordIds[row], 0, words.length);
        }
        return new WordAlignedBatch(tokens, wordIds);
    }

    /**
     * Encodes, truncates each text to {@code maxLength} tokens (keeping a trailing special token
     * such as {@code [SEP]}) and right-pads to the longest text in the batch.
     */
    public TokenizedBatch encodeBatch(List<String> texts, int maxLength) {
        List<Encoding> encodings = new ArrayList<>(texts.size());
        List<int[]> kept = new ArrayList<>(texts.size());
        for (String text : texts) {
            Encoding encoding = tokenizer.encode(text);
            encodings.add(encoding);
            kept.add(keptForSingle(encoding, maxLength));
        }
        return pad(encodings, kept);
    }

    /**
     * Encodes text pairs with the tokenizer's pair template (for BERT {@code [CLS] A [SEP] B [SEP]},
     * token types 0 then 1), truncating the longer text first until the pair fits {@code maxLength}.
     */
    public TokenizedBatch encodePairBatch(List<String> firstTexts, List<String> secondTexts, int maxLength) {
        if (firstTexts.size() != secondTexts.size()) {
            throw new IllegalArgumentException(firstTexts.size() + " first texts but " + secondTexts.size() + " second");
        }
        List<Encoding> encodings = new ArrayList<>(firstTexts.size());
        List<int[]> kept = new ArrayList<>(firstTexts.size());
        for (int index = 0; index < firstTexts.size(); index++) {
            Encoding encoding = tokenizer.encode(firstTexts.get(index), secondTexts.get(index), true, false);
            encodings.add(encoding);
            kept.add(keptForPair(encoding, maxLength));
        }
        return pad(encodings, kept);
    }

    /**
     * Encodes a question and its context with the pair template, as a question-answering model
     * expects; when the pair is longer than {@code maxLength} only the context is cut, from its end
     * ({@code truncation="only_second"}). Character offsets are given in the context string.
     */
    public QuestionContextEncoding encodeQuestionContext(String question, String context, int maxLength) {
        Encoding encoding = tokenizer.encode(question, context, true, false);
        long[] sequence = encoding.getSequenceIds();
        long[] special = encoding.getSpecialTokenMask();
        ai.djl.huggingface.tokenizers.jni.CharSpan[] spans = encoding.getCharTokenSpans();
        int contextTokens = 0;
        for (int index = 0; index < sequence.length; index++) {
            if (special[index] == 0 && sequence[index] == 1) {
                contextTokens++;
            }
        }
        int excess = Math.max(0, sequence.length - maxLength);
        if (excess >= contextTokens) {
            throw new IllegalArgumentException("max length " + maxLength + " leaves no room for the context after a "
                    + (sequence.length - contextTokens) + "-token question");
        }
        int keepContext = contextTokens - excess;
        List<Integer> kept = new ArrayList<>();
        int contextSeen = 0;
        for (int index = 0; index < sequence.length; index++) {
            boolean isContext = special[index] == 0 && sequence[index] == 1;
            if (!isContext || contextSeen++ < keepContext) {
                kept.add(index);
            }
        }
        int[] indices = kept.stream().mapToInt(Integer::intValue).toArray();
        boolean[] contextToken = new boolean[indices.length];
        int[] starts = new int[indices.length];
        int[] ends = new int[indices.length];
        for (int position = 0; position < indices.length; position++) {
            int index = indices[position];
            contextToken[position] = special[index] == 0 && sequence[index] == 1;
            ai.djl.huggingface.tokenizers.jni.CharSpan span = spans[index];
            starts[position] = contextToken[position] && span != null ? span.getStart() : -1;
            ends[position] = contextToken[position] && span != null ? span.getEnd() : -1;
        }
        TokenizedBatch tokens = pad(List.of(encoding), List.of(indices));
        return new QuestionContextEncoding(tokens, contextToken, starts, ends, excess > 0);
    }

    /** Rows of token ids right-padded with the pad id to the longest, with their attention mask and zero token types. */
    public TokenizedBatch padIds(List<long[]> rows) {
        int longest = rows.stream().mapToInt(ids -> ids.length).max().orElse(0);
        long[][] inputIds = new long[rows.size()][longest];
        long[][] attentionMask = new long[rows.size()][longest];
        for (int row = 0; row < rows.size(); row++) {
            long[] ids = rows.get(row);
            Arrays.fill(inputIds[row], padTokenId);
            System.arraycopy(ids, 0, inputIds[row], 0, ids.length);
            Arrays.fill(attentionMask[row], 0, ids.length, 1L);
        }
        return new TokenizedBatch(inputIds, attentionMask, new long[rows.size()][longest]);
    }

    private TokenizedBatch pad(List<Encoding> encodings, List<int[]> kept) {
        int longest = kept.stream().mapToInt(indices -> indices.length).max().orElse(0);
        long[][] inputIds = new long[encodings.size()][longest];
        long[][] attentionMask = new long[encodings.size()][longest];
        long[][] tokenTypeIds = new long[encodings.size()][longest];
        for (int row = 0; row < encodings.size(); row++) {
            long[] ids = select(encodings.get(row).getIds(), kept.get(row));
            Arrays.fill(inputIds[row], padTokenId);
            System.arraycopy(ids, 0, inputIds[row], 0, ids.length);
            Arrays.fill(attentionMask[row], 0, ids.length, 1L);
            long[] types = select(encodings.get(row).getTypeIds(), kept.get(row));
            System.arraycopy(types, 0, tokenTypeIds[row], 0, types.length);
        }
        return new TokenizedBatch(inputIds, attentionMask, tokenTypeIds);
    }

    /** The first {@code maxLength} tokens, with the last one replaced by a closing special token if there is one. */
    private static int[] keptForSingle(Encoding encoding, int maxLength) {
        int length = encoding.getIds().length;
        if (length <= maxLength) {
            return IntStream.range(0, length).toArray();
        }
        int[] kept = IntStream.range(0, maxLength).toArray();
        if (encoding.getSpecialTokenMask()[length - 1] == 1) {
            kept[maxLength - 1] = length - 1;
        }
        return kept;
    }

    /**
     * Keeps every special token and drops tokens from the end of the longer text until the pair
     * fits, like the tokenizers library's {@code longest_first} strategy.
     */
    private static int[] keptForPair(Encoding encoding, int maxLength) {
        long[] sequence = encoding.getSequenceIds();
        long[] special = encoding.getSpecialTokenMask();
        int first = 0;
        int second = 0;
        for (int index = 0; index < sequence.length; index++) {
            if (special[index] == 0) {
                first += sequence[index] == 0 ? 1 : 0;
                second += sequence[index] == 1 ? 1 : 0;
            }
        }
        int budget = maxLength - (sequence.length - first - second);
        if (budget < 0) {
            throw new IllegalArgumentException("max length " + maxLength + " cannot hold the special tokens");
        }
        while (first + second > budget) {
            if (first > second) {
                first--;
            } else {
                second--;
            }
        }
        List<Integer> kept = new ArrayList<>();
        int firstSeen = 0;
        int secondSeen = 0;
        for (int index = 0; index < sequence.length; index++) {
            boolean keep;
            if (special[index] == 1) {
                keep = true;
            } else if (sequence[index] == 0) {
                keep = firstSeen++ < first;
            } else {
                keep = secondSeen++ < second;
            }
            if (keep) {
                kept.add(index);
            }
        }
        return kept.stream().mapToInt(Integer::intValue).toArray();
    }

    private static long[] select(long[] values, int[] indices) {
        long[] selected = new long[indices.length];
        for (int index = 0; index < indices.length; index++) {
            selected[index] = values[indices[index]];
        }
        return selected;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
