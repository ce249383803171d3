package io.modelcat.ml.infer;

import java.util.Arrays;
import java.util.Set;

/**
 * One input's beam search, step by step, as {@code transformers} 5.17's vectorised {@code _beam_search} does it: each
 * step keeps the best {@code 2 * numBeams} (more with several end tokens) continuations of all running beams by summed
 * log-probability; those that end (an end token, or the maximum length) may join the finished beams, scored
 * {@code sum / (new tokens ^ lengthPenalty)}, if they are among the first {@code numBeams}; the best {@code numBeams}
 * that did not end run on. Scores are float32 sums, masked candidates get -1e9 added, as there.
 */
final class BeamSearch {

    /** transformers' stand-in for minus infinity in beam scores. */
    private static final float MASKED = -1.0e9f;

    private final int numBeams;
    private final int keep;
    private final float lengthPenalty;
    private final GenerationSettings.EarlyStopping earlyStopping;
    private final int maxLength;
    private final Set<Long> eos;

    private long[][] running;
    private float[] runningScores;
    private long[][] finished;
    private float[] finishedScores;
    private boolean[] isFinished;
    private boolean improvementPossible = true;
    private int[] sourceBeams;
    private boolean allHitStop;

    BeamSearch(long decoderStart, int numBeams, GenerationSettings settings, int maxLength, Set<Long> eos) {
        this.numBeams = numBeams;
        this.keep = Math.max(2, 1 + eos.size()) * numBeams;
        this.lengthPenalty = (float) settings.lengthPenalty();
        this.earlyStopping = settings.earlyStopping();
        this.maxLength = maxLength;
        this.eos = eos;
        running = new long[numBeams][];
        runningScores = new float[numBeams];
        finished = new long[numBeams][];
        finishedScores = new float[numBeams];
        isFinished = new boolean[numBeams];
        for (int beam = 0; beam < numBeams; beam++) {
            running[beam] = new long[] {decoderStart};
            finished[beam] = running[beam];
            // Only the first beam starts live, so that the first step does not pick the same token numBeams times.
            runningScores[beam] = beam == 0 ? 0f : MASKED;
            finishedScores[beam] = MASKED;
        }
    }

    /** The running beams' sequences, decoder start token included. */
    long[][] running() {
        return running;
    }

    /** After {@link #step}: for each running beam, the beam of the previous step it extends. */
    int[] sourceBeams() {
        return sourceBeams;
    }

    /**
     * One step from each running beam's processed log-probabilities over the vocabulary.
     */
    void step(float[][] logProbabilities) {
        int vocabulary = logProbabilities[0].length;
        int length = running[0].length;
        // Top-k of all beams' continuations by accumulated score; ties to the lower flat index.
        int[] best = new int[keep];
        float[] bestScores = new float[keep];
        int filled = 0;
        for (int beam = 0; beam < numBeams; beam++) {
            float base = runningScores[beam];
            for (int token = 0; token < vocabulary; token++) {
                float score = logProbabilities[beam][token] + base;
                if (filled == keep && !(score > bestScores[keep - 1])) {
                    continue;
                }
                int at = filled < keep ? filled++ : keep - 1;
                while (at > 0 && score > bestScores[at - 1]) {
                    best[at] = best[at - 1];
                    bestScores[at] = bestScores[at - 1];
                    at--;
                }
                best[at] = beam * vocabulary + token;
                bestScores[at] = score;
            }
        }
        long[][] candidates = new long[keep][];
        int[] candidateBeams = new int[keep];
        boolean[] hits = new boolean[keep];
        boolean all = true;
        for (int k = 0; k < keep; k++) {
            int beam = best[k] / vocabulary;
            long token = best[k] % vocabulary;
            candidates[k] = Arrays.copyOf(running[beam], length + 1);
            candidates[k][length] = token;
            candidateBeams[k] = beam;
            hits[k] = eos.contains(token) || length + 1 >= maxLength;
            all &= hits[k];
        }
        allHitStop = all;

        // The next running beams: the best candidates that did not stop.
        float[] runningCandidates = new float[keep];
        for (int k = 0; k < keep; k++) {
            runningCandidates[k] = hits[k] ? bestScores[k] + MASKED : bestScores[k];
        }
        int[] next = topIndices(runningCandidates, numBeams);
        long[][] nextRunning = new long[numBeams][];
        float[] nextScores = new float[numBeams];
        sourceBeams = new int[numBeams];
        for (int beam = 0; beam < numBeams; beam++) {
            nextRunning[beam] = candidates[next[beam]];
            nextScores[beam] = runningCandidates[next[beam]];
            sourceBeams[beam] = candidateBeams[next[beam]];
        }

        // The finished beams: the old ones and the first numBeams candidates that stopped, best numBeams kept.
        boolean full = earlyStopping == GenerationSettings.EarlyStopping.TRUE && allTrue(isFinished);
        float divisor = (float) Math.pow(length, lengthPenalty);
        long[][] mergedSequences = new long[numBeams + keep][];
        float[] mergedScores = new float[numBeams + keep];
        boolean[] mergedFinished = new boolean[numBeams + keep];
        for (int beam = 0; beam < numBeams; beam++) {
            mergedSequences[beam] = finished[beam];
            mergedScores[beam] = finishedScores[beam];
            mergedFinished[beam] = isFinished[beam];
        }
        for (int k = 0; k < keep; k++) {
            boolean justFinished = hits[k] && k < numBeams;
            float score = bestScores[k] / divisor;
            score += full ? MASKED : 0f;
            score += improvementPossible ? 0f : MASKED;
            score += justFinished ? 0f : MASKED;
            mergedSequences[numBeams + k] = candidates[k];
            mergedScores[numBeams + k] = score;
            mergedFinished[numBeams + k] = justFinished;
        }
        int[] kept = topIndices(mergedScores, numBeams);
        long[][] nextFinished = new long[numBeams][];
        float[] nextFinishedScores = new float[numBeams];
        boolean[] nextIsFinished = new boolean[numBeams];
        for (int beam = 0; beam < numBeams; beam++) {
            nextFinished[beam] = mergedSequences[kept[beam]];
            nextFinishedScores[beam] = mergedScores[kept[beam]];
            nextIsFinished[beam] = mergedFinished[kept[beam]];
        }
        running = nextRunning;
        runningScores = nextScores;
        finished = nextFinished;
        finishedScores = nextFinishedScores;
        isFinished = nextIsFinished;

        // Can a running beam still beat the worst finished one? Estimated at the length now (or the maximum length).
        int newLength = length + 1;
        int hypothetical = earlyStopping == GenerationSettings.EarlyStopping.NEVER && lengthPenalty > 0
                ? maxLength - 1 : newLength - 1;
        float bestRunning = runningScores[0] / (float) Math.pow(hypothetical, lengthPenalty);
        float worstFinished = Float.POSITIVE_INFINITY;
        for (float score : finishedScores) {
            worstFinished = Math.min(worstFinished, score);
        }
        boolean any = false;
        for (int beam = 0; beam < numBeams; beam++) {
            any |= bestRunning > (isFinished[beam] ? worstFinished : MASKED);
        }
        improvementPossible &= any;
    }

    /** Whether this input alone would keep the loop going (transformers stops when no input does). */
    boolean improvementPossible() {
        return improvementPossible;
    }

    /** Whether all finished slots hold finished beams (what {@code early_stopping=True} waits for). */
    boolean allFinished() {
        return allTrue(isFinished);
    }

    /** Whether every candidate of the last step stopped (the maximum length): no beam can run on. */
    boolean allCandidatesStopped() {
        return allHitStop;
    }

    /** The best finished sequence without the decoder start token. */
    long[] best() {
        return Arrays.copyOfRange(finished[0], 1, finished[0].length);
    }

    private static boolean allTrue(boolean[] values) {
        for (boolean value : values) {
            if (!value) {
                return false;
            }
        }
        return true;
    }

    /** The indices of the {@code count} largest values, largest first; ties to the lower index. */
    private static int[] topIndices(float[] values, int count) {
        Integer[] order = new Integer[values.length];
        for (int index = 0; index < order.length; index++) {
            order[index] = index;
        }
        // Stable: equal values keep index order.
        Arrays.sort(order, (a, b) -> Float.compare(values[b], values[a]));
        int[] top = new int[count];
        for (int index = 0; index < count; index++) {
            top[index] = order[index];
        }
        return top;
    }
}
