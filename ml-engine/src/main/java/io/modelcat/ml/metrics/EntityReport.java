package io.modelcat.ml.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Entity-level precision, recall and F1 for sequence labelling, as seqeval computes them: an
 * entity counts only when type and both boundaries match. Also the token-level tag accuracy.
 */
public record EntityReport(PrecisionRecallF1 overall, Map<String, ClassScores> perType, double tokenAccuracy) {

    public EntityReport {
        perType = Map.copyOf(perType);
    }

    /** @param actual and predicted: one tag list per sentence, same lengths */
    public static EntityReport of(List<List<String>> actual, List<List<String>> predicted) {
        if (actual.size() != predicted.size()) {
            throw new IllegalArgumentException(actual.size() + " true sentences but " + predicted.size() + " predicted");
        }
        // seqeval joins the sentences into one sequence with an "O" after each and chunks that, so
        // entities are compared by their offsets in it; this matters only for broken tags (a tag that
        // is not "O" and opens nothing can extend an entity start from the sentence before).
        List<String> joinedTruth = new ArrayList<>();
        List<String> joinedGuess = new ArrayList<>();
        long tokens = 0;
        long correctTokens = 0;
        for (int sentence = 0; sentence < actual.size(); sentence++) {
            List<String> truth = actual.get(sentence);
            List<String> guess = predicted.get(sentence);
            if (truth.size() != guess.size()) {
                throw new IllegalArgumentException("sentence " + sentence + ": " + truth.size() + " true tags but "
                        + guess.size() + " predicted");
            }
            joinedTruth.addAll(truth);
            joinedTruth.add("O");
            joinedGuess.addAll(guess);
            joinedGuess.add("O");
            for (int index = 0; index < truth.size(); index++) {
                tokens++;
                correctTokens += truth.get(index).equals(guess.get(index)) ? 1 : 0;
            }
        }
        Set<Entity> trueEntities = new HashSet<>(EntityExtractor.entities(0, joinedTruth));
        Set<Entity> predictedEntities = new HashSet<>(EntityExtractor.entities(0, joinedGuess));
        Set<Entity> correct = new HashSet<>(trueEntities);
        correct.retainAll(predictedEntities);
        Set<String> types = new TreeSet<>();
        trueEntities.forEach(entity -> types.add(entity.type()));
        predictedEntities.forEach(entity -> types.add(entity.type()));
        Map<String, ClassScores> perType = new TreeMap<>();
        for (String type : types) {
            long truePositives = count(correct, type);
            long support = count(trueEntities, type);
            perType.put(type, new ClassScores(type,
                    PrecisionRecallF1.fromCounts(truePositives, count(predictedEntities, type), support), support));
        }
        return new EntityReport(
                PrecisionRecallF1.fromCounts(correct.size(), predictedEntities.size(), trueEntities.size()),
                perType, PrecisionRecallF1.ratio(correctTokens, tokens));
    }

    private static long count(Set<Entity> entities, String type) {
        return entities.stream().filter(entity -> entity.type().equals(type)).count();
    }
}
