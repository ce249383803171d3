package io.modelcat.ml.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.modelcat.ml.Fixtures;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TextGeneratorTest {

    private static final int VOCABULARY = 45;

    private static TransformerModel model;
    private static TextGenerator generator;

    @BeforeAll
    static void load() {
        model = ModelLoader.load(Fixtures.gpt2());
        generator = new TextGenerator(model);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void firstGreedyTokenIsTheArgmaxOfTransformersLastLogits() {
        float[] logits = Fixtures.referenceOutputs().model("gpt2").logits().row(0);
        long[] ids = Fixtures.referenceOutputs().model("gpt2").ids(0);
        float[] lastRow = new float[VOCABULARY];
        System.arraycopy(logits, (ids.length - 1) * VOCABULARY, lastRow, 0, VOCABULARY);

        Generation generation = generator.generate(Fixtures.REFERENCE_SENTENCE,
                GenerationConfig.greedy().withMaxNewTokens(5));

        assertThat(generation.promptIds()).containsExactly(ids);
        assertThat(generation.generatedIds()).hasSize(5);
        assertThat(generation.generatedIds()[0]).isEqualTo(TextGenerator.argmax(lastRow));
        assertThat(generation.finishReason()).isEqualTo(Generation.FinishReason.MAX_NEW_TOKENS);
        // The engine's own last-row logits match transformers'.
        float[] own = generator.nextTokenLogits(ids);
        for (int token = 0; token < VOCABULARY; token++) {
            assertThat((double) own[token]).isCloseTo(lastRow[token], within(1e-5));
        }
    }

    @Test
    void greedyIsDeterministicAndEachTokenIsTheArgmaxOfItsPrefix() {
        GenerationConfig greedy = GenerationConfig.greedy().withMaxNewTokens(6);
        Generation first = generator.generate("a dog", greedy);
        Generation second = generator.generate("a dog", greedy);
        assertThat(second.generatedIds()).containsExactly(first.generatedIds());
        assertThat(second.text()).isEqualTo(first.text());

        long[] prefix = first.promptIds();
        for (long token : first.generatedIds()) {
            assertThat((long) TextGenerator.argmax(generator.nextTokenLogits(prefix))).isEqualTo(token);
            prefix = append(prefix, token);
        }
        assertThat(first.text()).isEqualTo(model.tokenizer().decode(first.generatedIds(), true));
    }

    @Test
    void topKOfOneSamplesTheGreedyTokens() {
        Generation greedy = generator.generate("the cat", GenerationConfig.greedy().withMaxNewTokens(8));
        for (long seed : new long[] {1, 2, 3}) {
            Generation sampled = generator.generate("the cat",
                    GenerationConfig.sampling(seed).withTopK(1).withTemperature(1.7).withMaxNewTokens(8));
            assertThat(sampled.generatedIds()).containsExactly(greedy.generatedIds());
        }
        // A nucleus so small that only the best token fits is greedy too.
        Generation nucleus = generator.generate("the cat",
                GenerationConfig.sampling(9).withTopP(1e-6).withMaxNewTokens(8));
        assertThat(nucleus.generatedIds()).containsExactly(greedy.generatedIds());
    }

    @Test
    void samplingIsReproducibleWithASeed() {
        GenerationConfig config = GenerationConfig.sampling(42).withTemperature(1.5).withTopP(0.9).withMaxNewTokens(12);
        Generation first = generator.generate("the dog", config);
        Generation again = generator.generate("the dog", config);
        assertThat(again.generatedIds()).containsExactly(first.generatedIds());

        // Other seeds give other draws (45 near-uniform tokens, 12 steps: a collision is negligible).
        boolean differs = false;
        for (long seed = 43; seed < 46; seed++) {
            differs |= !java.util.Arrays.equals(first.generatedIds(),
                    generator.generate("the dog", config.withSeed(seed)).generatedIds());
        }
        assertThat(differs).isTrue();

        List<Generation> batch = generator.generate(List.of("the dog", "a cat"), config);
        List<Generation> batchAgain = generator.generate(List.of("the dog", "a cat"), config);
        assertThat(batch.get(0).generatedIds()).containsExactly(first.generatedIds());
        assertThat(batchAgain.get(1).generatedIds()).containsExactly(batch.get(1).generatedIds());
    }

    @Test
    void aListenerHearsTheTextTokenByTokenAndTheGenerationIsUnchanged() {
        for (GenerationConfig config : List.of(GenerationConfig.greedy().withMaxNewTokens(10),
                GenerationConfig.sampling(7).withTemperature(1.3).withMaxNewTokens(12))) {
            Generation plain = generator.generate("the dog", config);
            List<String> deltas = new java.util.ArrayList<>();
            Generation heard = generator.generate("the dog", config, (delta, logprobs) -> deltas.add(delta));
            assertThat(heard.generatedIds()).containsExactly(plain.generatedIds());
            assertThat(heard.text()).isEqualTo(plain.text());
            assertThat(heard.finishReason()).isEqualTo(plain.finishReason());
            assertThat(String.join("", deltas)).isEqualTo(plain.text());
            // One piece per token here (WordPiece pieces are whole words): the text arrives as it is made.
            assertThat(deltas).hasSize(plain.generatedIds().length).doesNotContain("");
        }
        // A generation that ends at EOS tells nothing for the EOS token.
        Generation greedy = generator.generate("a dog", GenerationConfig.greedy().withMaxNewTokens(6));
        List<String> deltas = new java.util.ArrayList<>();
        Generation stopped = generator.generate("a dog", GenerationConfig.greedy().withMaxNewTokens(6)
                .withEosTokenIds(List.of(greedy.generatedIds()[1])), (delta, logprobs) -> deltas.add(delta));
        assertThat(String.join("", deltas)).isEqualTo(stopped.text());
    }

    @Test
    void byteLevelTokensAreToldAsWholeCharacters() {
        // The chat fixture's byte-level BPE knows "Ünïcödé 猫": sampled from it, characters span several tokens
        // (and random bytes make invalid UTF-8, which decodes to U+FFFD for good).
        try (TransformerModel byteLevel = ModelLoader.load(Fixtures.model("gpt2-chat-chatml"))) {
            TextGenerator sampler = new TextGenerator(byteLevel);
            int split = 0;
            for (long seed = 1; seed <= 4; seed++) {
                GenerationConfig config = GenerationConfig.sampling(seed).withTemperature(1.5).withMaxNewTokens(40)
                        .withEosTokenIds(List.of());
                List<String> deltas = new java.util.ArrayList<>();
                Generation heard = sampler.generate("Ünïcödé 猫", config, (delta, logprobs) -> deltas.add(delta));
                assertThat(heard.generatedIds()).containsExactly(sampler.generate("Ünïcödé 猫", config).generatedIds());
                assertThat(String.join("", deltas)).isEqualTo(heard.text());
                // A piece never ends in a character still waiting for its bytes; only the end may be cut.
                assertThat(deltas.subList(0, deltas.size() - 1)).noneMatch(d -> d.endsWith("\uFFFD"));
                split += heard.generatedIds().length - deltas.size();
            }
            assertThat(split).as("tokens that completed no character by themselves").isPositive();
        }
    }

    @Test
    void aCharacterSplitOverTokensIsToldWhole() {
        List<String> deltas = new java.util.ArrayList<>();
        TextGenerator.Deltas told = new TextGenerator.Deltas((delta, logprobs) -> deltas.add(delta));
        told.decoded(" caf", false);
        told.decoded(" caf\uFFFD", false);   // the first byte of é
        told.decoded(" café", false);
        told.decoded(" café \uFFFD", false); // a cut character waits for its bytes...
        told.decoded(" café \uFFFD", true);  // ...unless the generation ends there
        assertThat(deltas).containsExactly(" caf", "é", " \uFFFD");
    }

    @Test
    void stopsAtEndOfSequenceAndKeepsTheEosIdOutOfTheText() {
        Generation greedy = generator.generate("a dog", GenerationConfig.greedy().withMaxNewTokens(6));
        long third = greedy.generatedIds()[2];
        int firstAt = indexOf(greedy.generatedIds(), third);

        Generation stopped = generator.generate("a dog",
                GenerationConfig.greedy().withMaxNewTokens(6).withEosTokenIds(List.of(third)));

        assertThat(stopped.finishReason()).isEqualTo(Generation.FinishReason.EOS);
        assertThat(stopped.generatedIds()).hasSize(firstAt + 1);
        assertThat(stopped.generatedIds()[firstAt]).isEqualTo(third);
        long[] before = java.util.Arrays.copyOf(greedy.generatedIds(), firstAt);
        assertThat(stopped.text()).isEqualTo(before.length == 0 ? "" : model.tokenizer().decode(before, true));
    }

    @Test
    void readsEosFromGenerationConfigAndRespectsLengthLimits() {
        // The fixture's generation_config.json says 50256 (GPT-2's <|endoftext|>), outside the tiny vocabulary.
        assertThat(generator.defaultEosTokenIds()).containsExactly(50256L);

        Generation none = generator.generate("a dog", GenerationConfig.greedy().withMaxNewTokens(0));
        assertThat(none.generatedIds()).isEmpty();
        assertThat(none.text()).isEmpty();

        // 64 positions: a 4-token prompt can grow by 60 at most.
        Generation full = generator.generate("a dog", GenerationConfig.greedy().withMaxNewTokens(100));
        assertThat(full.finishReason()).isEqualTo(Generation.FinishReason.CONTEXT_FULL);
        assertThat(full.promptIds().length + full.generatedIds().length).isEqualTo(model.maxSequenceLength());

        assertThatThrownBy(() -> generator.generateIds(new long[0], GenerationConfig.greedy()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GenerationConfig.greedy().withTemperature(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void filtersFollowTemperatureTopKTopP() {
        float[] logits = {2f, 1f, 0f, -1f, 3f};
        GenerationConfig base = GenerationConfig.sampling(0);
        double[] all = TextGenerator.filteredProbabilities(logits, base);
        assertThat(java.util.Arrays.stream(all).sum()).isCloseTo(1.0, within(1e-12));
        assertThat(all[4]).isGreaterThan(all[0]);

        double[] topTwo = TextGenerator.filteredProbabilities(logits, base.withTopK(2));
        assertThat(topTwo[1]).isZero();
        assertThat(topTwo[2]).isZero();
        assertThat(topTwo[3]).isZero();
        assertThat(topTwo[4]).isCloseTo(Math.exp(1) / (Math.exp(1) + 1), within(1e-12));

        // softmax of {3, 2, 1, 0, -1}: 0.636, 0.234, 0.086, ... — top_p 0.8 keeps the first two.
        double[] nucleus = TextGenerator.filteredProbabilities(logits, base.withTopP(0.8));
        assertThat(nucleus[4] + nucleus[0]).isCloseTo(1.0, within(1e-12));
        assertThat(nucleus[1]).isZero();

        // A high temperature flattens the distribution.
        double[] hot = TextGenerator.filteredProbabilities(logits, base.withTemperature(100));
        assertThat(hot[4] - hot[3]).isLessThan(0.01);

        // Draws follow the distribution.
        Random random = new Random(5);
        int[] counts = new int[5];
        for (int draw = 0; draw < 20_000; draw++) {
            counts[TextGenerator.sample(logits, base.withTopK(2), random)]++;
        }
        assertThat(counts[1] + counts[2] + counts[3]).isZero();
        assertThat(counts[4] / 20_000.0).isCloseTo(topTwo[4], within(0.02));
    }

    @Test
    void theCacheGivesTheIdsAndLogitsOfWholePassesOverALongGeneration() {
        // 40 greedy tokens (no early stop): every step through the cache picks the argmax of an uncached pass.
        GenerationConfig config = GenerationConfig.greedy().withMaxNewTokens(40).withEosTokenIds(List.of());
        Generation cached = generator.generate("the cat sat", config);
        assertThat(cached.generatedIds()).hasSize(40);
        long[] prefix = cached.promptIds();
        for (long token : cached.generatedIds()) {
            float[] whole = generator.nextTokenLogits(prefix);
            assertThat((long) TextGenerator.argmax(whole)).isEqualTo(token);
            prefix = append(prefix, token);
        }
    }

    @Test
    void aLeftPaddedBatchGeneratesWhatEachPromptGeneratesAlone() {
        GenerationConfig greedy = GenerationConfig.greedy().withMaxNewTokens(10).withEosTokenIds(List.of());
        List<String> prompts = List.of("the cat sat on the mat.", "a dog", "good");
        List<Generation> batch = generator.generate(prompts, greedy);
        for (int row = 0; row < prompts.size(); row++) {
            Generation alone = generator.generate(prompts.get(row), greedy);
            assertThat(batch.get(row).promptIds()).containsExactly(alone.promptIds());
            assertThat(batch.get(row).generatedIds()).as(prompts.get(row)).containsExactly(alone.generatedIds());
            assertThat(batch.get(row).text()).isEqualTo(alone.text());
        }
        // Rows that end early (at different EOS steps) leave the others as they were.
        long stopper = batch.get(1).generatedIds()[2];
        List<Generation> stopping = generator.generate(prompts, greedy.withEosTokenIds(List.of(stopper)));
        for (int row = 0; row < prompts.size(); row++) {
            Generation alone = generator.generate(prompts.get(row), greedy.withEosTokenIds(List.of(stopper)));
            assertThat(stopping.get(row).generatedIds()).containsExactly(alone.generatedIds());
            assertThat(stopping.get(row).finishReason()).isEqualTo(alone.finishReason());
        }
        assertThat(stopping.get(1).finishReason()).isEqualTo(Generation.FinishReason.EOS);
    }

    @Test
    void aStopStringEndsTheGenerationAndCutsTheTextBeforeIt() {
        GenerationConfig config = GenerationConfig.greedy().withMaxNewTokens(12).withEosTokenIds(List.of());
        Generation whole = generator.generate("a dog", config);
        // A stop string made of the text's middle: the generation ends at the token that completes it.
        String text = whole.text();
        String stop = text.substring(text.length() / 2, text.length() / 2 + 3);
        int at = text.indexOf(stop);
        List<String> deltas = new java.util.ArrayList<>();
        Generation stopped = generator.generate("a dog", config.withStopStrings(List.of("never said", stop)),
                (delta, logprobs) -> deltas.add(delta));
        assertThat(stopped.finishReason()).isEqualTo(Generation.FinishReason.STOP);
        assertThat(stopped.text()).isEqualTo(text.substring(0, at));
        assertThat(stopped.generatedIds().length).isLessThan(whole.generatedIds().length);
        assertThat(whole.generatedIds()).startsWith(stopped.generatedIds());
        // The listener never heard any part of the stop string.
        assertThat(String.join("", deltas)).isEqualTo(stopped.text());
    }

    @Test
    void aStopStringsBeginningWaitsUntilItIsClearItIsNotOne() {
        List<String> deltas = new java.util.ArrayList<>();
        TextGenerator.Deltas told = new TextGenerator.Deltas((delta, logprobs) -> deltas.add(delta), List.of("END"));
        told.decoded("the E", false);
        told.decoded("the EN", false);
        told.decoded("the ENd", false);
        told.decoded("the ENd E", true);
        assertThat(deltas).containsExactly("the ", "ENd", " E");
    }

    @Test
    void theRepetitionPenaltyFollowsTransformers() {
        // transformers: a seen token's logit is divided by the penalty when positive, multiplied when negative.
        Generation plain = generator.generate("a dog", GenerationConfig.greedy().withMaxNewTokens(1));
        long[] prompt = plain.promptIds();
        float[] logits = generator.nextTokenLogits(prompt);
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (long id : prompt) {
            seen.add(id);
        }
        float[] penalised = logits.clone();
        for (long id : seen) {
            int t = (int) id;
            penalised[t] = penalised[t] < 0 ? penalised[t] * 5f : penalised[t] / 5f;
        }
        Generation penalisedGeneration = generator.generate("a dog",
                GenerationConfig.greedy().withMaxNewTokens(1).withRepetitionPenalty(5));
        assertThat(penalisedGeneration.generatedIds()[0]).isEqualTo(TextGenerator.argmax(penalised));
        // A strong penalty never repeats a token while unseen ones remain (45 tokens, 20 steps).
        Generation varied = generator.generate("a dog", GenerationConfig.greedy().withMaxNewTokens(20)
                .withEosTokenIds(List.of()).withRepetitionPenalty(1e6));
        java.util.Set<Long> all = new java.util.HashSet<>(seen);
        for (long id : varied.generatedIds()) {
            assertThat(all.add(id)).as("token %d repeated", id).isTrue();
        }
        assertThatThrownBy(() -> GenerationConfig.greedy().withRepetitionPenalty(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void settingsComeFromTheModelsGenerationConfig(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Files.writeString(dir.resolve("generation_config.json"), """
                {"do_sample": true, "temperature": 0.7, "top_k": 20, "top_p": 0.8, "repetition_penalty": 1.05,
                 "max_new_tokens": 64, "eos_token_id": [7, 9]}""");
        GenerationConfig defaults = GenerationConfig.modelDefaults(dir);
        assertThat(defaults).isEqualTo(new GenerationConfig(64, true, 0.7, 20, 0.8, 0L, List.of(7L, 9L), 1.05,
                List.of(), GenerationConfig.NO_LOGPROBS));
        java.nio.file.Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": 3}");
        assertThat(GenerationConfig.modelDefaults(dir)).isEqualTo(GenerationConfig.greedy().withEosTokenIds(List.of(3L)));
        assertThat(GenerationConfig.modelDefaults(dir.resolve("missing"))).isEqualTo(GenerationConfig.greedy());
    }

    @Test
    void logprobsAreTheLogSoftmaxOfTheModelsOwnLogitsWhateverChangesTheDraw() {
        // Greedy, and sampling with a penalty and a temperature that change the drawn distribution but not the
        // reported one: each step is checked against an uncached pass over its prefix.
        for (GenerationConfig config : List.of(GenerationConfig.greedy().withMaxNewTokens(8),
                GenerationConfig.sampling(11).withTemperature(1.6).withRepetitionPenalty(1.8).withMaxNewTokens(8))) {
            Generation plain = generator.generate("the dog", config.withEosTokenIds(List.of()));
            Generation reported = generator.generate("the dog", config.withEosTokenIds(List.of()).withLogprobs(3));
            assertThat(reported.generatedIds()).containsExactly(plain.generatedIds());
            assertThat(reported.text()).isEqualTo(plain.text());
            assertThat(reported.logprobs()).hasSize(plain.generatedIds().length);

            long[] prefix = reported.promptIds();
            long[] generated = reported.generatedIds();
            for (int step = 0; step < generated.length; step++) {
                double[] expected = logSoftmax(generator.nextTokenLogits(prefix));
                Generation.TokenLogprob token = reported.logprobs().get(step);
                assertThat(token.id()).isEqualTo(generated[step]);
                assertThat(token.token()).isEqualTo(model.tokenizer().decode(new long[] {generated[step]}, false));
                assertThat(token.offset()).isEqualTo(
                        model.tokenizer().decode(java.util.Arrays.copyOf(generated, step), true).length());
                assertThat(token.logprob()).isCloseTo(expected[(int) generated[step]], within(1e-4));
                double[] sorted = java.util.Arrays.stream(expected).boxed()
                        .sorted(java.util.Comparator.reverseOrder()).mapToDouble(Double::doubleValue).toArray();
                assertThat(token.top()).hasSize(3);
                for (int rank = 0; rank < 3; rank++) {
                    Generation.Candidate candidate = token.top().get(rank);
                    assertThat(candidate.logprob()).isCloseTo(sorted[rank], within(1e-4))
                            .isCloseTo(expected[(int) candidate.id()], within(1e-4));
                    assertThat(candidate.token()).isEqualTo(model.tokenizer().decode(new long[] {candidate.id()}, false));
                }
                if (!config.sample()) {
                    assertThat(token.top().get(0).id()).isEqualTo(token.id());
                }
                prefix = append(prefix, generated[step]);
            }
        }
    }

    @Test
    void logprobsCoverTheTextOnlyAndNoneAreReportedUnlessAskedFor() {
        Generation greedy = generator.generate("a dog", GenerationConfig.greedy().withMaxNewTokens(6)
                .withEosTokenIds(List.of()));
        assertThat(greedy.logprobs()).isEmpty();
        // Ended by an end-of-sequence token: that token is not in the text, but is listed, at the text's end.
        long eos = greedy.generatedIds()[3];
        Generation ended = generator.generate("a dog", GenerationConfig.greedy().withMaxNewTokens(6)
                .withEosTokenIds(List.of(eos)).withLogprobs(0));
        assertThat(ended.finishReason()).isEqualTo(Generation.FinishReason.EOS);
        assertThat(ended.logprobs()).hasSize(ended.generatedIds().length)
                .allSatisfy(token -> assertThat(token.top()).isEmpty());
        assertThat(ended.logprobs().get(ended.logprobs().size() - 1).id()).isEqualTo(eos);
        assertThat(ended.logprobs().get(ended.logprobs().size() - 1).offset()).isEqualTo(ended.text().length());
        // Cut by a stop string: the tokens from the stop string on are not reported. The stop string is the text of
        // the first sampled token (after the first) that the text before it does not hold.
        GenerationConfig sampling = GenerationConfig.sampling(5).withTemperature(1.5).withMaxNewTokens(10)
                .withEosTokenIds(List.of());
        long[] sampled = generator.generate("a dog", sampling).generatedIds();
        String stop = null;
        for (int step = 1; step < sampled.length && stop == null; step++) {
            String before = model.tokenizer().decode(java.util.Arrays.copyOf(sampled, step), true);
            String piece = model.tokenizer().decode(java.util.Arrays.copyOf(sampled, step + 1), true)
                    .substring(before.length());
            stop = piece.isBlank() || before.contains(piece) ? null : piece;
        }
        assertThat(stop).as("a token new to the text in " + java.util.Arrays.toString(sampled)).isNotNull();
        Generation stopped = generator.generate("a dog", sampling.withStopStrings(List.of(stop)).withLogprobs(1));
        assertThat(stopped.finishReason()).isEqualTo(Generation.FinishReason.STOP);
        // The token that brought the stop string begins where it does: it is the first one left out.
        assertThat(stopped.logprobs()).hasSize(stopped.generatedIds().length - 1).isNotEmpty()
                .allSatisfy(token -> assertThat(token.offset()).isLessThan(stopped.text().length()));
    }

    @Test
    void aListenerHearsEachTokensLogprobWithTheTextItBeginsIn() {
        // Byte-level tokens, sampled: characters span tokens, and the deltas wait for them.
        try (TransformerModel byteLevel = ModelLoader.load(Fixtures.model("gpt2-chat-chatml"))) {
            TextGenerator sampler = new TextGenerator(byteLevel);
            for (long seed = 1; seed <= 3; seed++) {
                GenerationConfig config = GenerationConfig.sampling(seed).withTemperature(1.5).withMaxNewTokens(30)
                        .withEosTokenIds(List.of()).withLogprobs(2);
                List<Generation.TokenLogprob> heard = new java.util.ArrayList<>();
                StringBuilder text = new StringBuilder();
                Generation generation = sampler.generate("Ünïcödé 猫", config, (delta, logprobs) -> {
                    // Each token told begins in this delta.
                    for (Generation.TokenLogprob token : logprobs) {
                        assertThat(token.offset()).isBetween(text.length(), text.length() + delta.length() - 1);
                    }
                    text.append(delta);
                    heard.addAll(logprobs);
                });
                assertThat(text.toString()).isEqualTo(generation.text());
                assertThat(heard).isEqualTo(generation.logprobs());
                assertThat(generation.logprobs()).hasSize(generation.generatedIds().length);
            }
        }
    }

    @Test
    void aPromptsLogprobsAreTransformersLogSoftmaxAtEachPosition() {
        long[] ids = Fixtures.referenceOutputs().model("gpt2").ids(0);
        float[] logits = Fixtures.referenceOutputs().model("gpt2").logits().row(0);

        List<Generation.TokenLogprob> tokens = generator.promptLogprobs(ids, 2);

        assertThat(tokens).hasSize(ids.length);
        assertThat(tokens.get(0).logprob()).as("nothing conditions the first token").isNull();
        assertThat(tokens.get(0).top()).isEmpty();
        assertThat(tokens.get(0).offset()).isZero();
        for (int position = 1; position < ids.length; position++) {
            double[] expected = logSoftmax(java.util.Arrays.copyOfRange(logits, (position - 1) * VOCABULARY,
                    position * VOCABULARY));
            Generation.TokenLogprob token = tokens.get(position);
            assertThat(token.id()).isEqualTo(ids[position]);
            assertThat(token.logprob()).isCloseTo(expected[(int) ids[position]], within(1e-4));
            double[] sorted = java.util.Arrays.stream(expected).boxed().sorted(java.util.Comparator.reverseOrder())
                    .mapToDouble(Double::doubleValue).toArray();
            assertThat(token.top()).hasSize(2);
            assertThat(token.top().get(0).logprob()).isCloseTo(sorted[0], within(1e-4));
            assertThat(token.top().get(1).logprob()).isCloseTo(sorted[1], within(1e-4));
            assertThat(token.offset()).isEqualTo(
                    model.tokenizer().decode(java.util.Arrays.copyOf(ids, position), true).length());
        }
        assertThatThrownBy(() -> generator.promptLogprobs(new long[0], 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLikeliestAreInOrderWithLowerIdsFirstOnTies() {
        float[] logits = {0.5f, 2f, -1f, 2f, 3f, 0.5f};
        assertThat(TextGenerator.likeliest(logits, 4)).containsExactly(4, 1, 3, 0);
        assertThat(TextGenerator.likeliest(logits, 0)).isEmpty();
        assertThat(TextGenerator.likeliest(logits, 10)).containsExactly(4, 1, 3, 0, 5, 2);
        assertThat(TextGenerator.logSumExp(new float[] {0f, 0f})).isCloseTo(Math.log(2), within(1e-12));
        // A large logit does not overflow.
        assertThat(TextGenerator.logSumExp(new float[] {1000f, 1000f})).isCloseTo(1000 + Math.log(2), within(1e-9));
    }

    private static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float logit : logits) {
            max = Math.max(max, logit);
        }
        double sum = 0;
        for (float logit : logits) {
            sum += Math.exp(logit - max);
        }
        double[] result = new double[logits.length];
        for (int index = 0; index < logits.length; index++) {
            result[index] = logits[index] - max - Math.log(sum);
        }
        return result;
    }

    private static long[] append(long[] ids, long token) {
        long[] longer = java.util.Arrays.copyOf(ids, ids.length + 1);
        longer[ids.length] = token;
        return longer;
    }

    private static int indexOf(long[] ids, long token) {
        for (int index = 0; index < ids.length; index++) {
            if (ids[index] == token) {
                return index;
            }
        }
        return -1;
    }
}
