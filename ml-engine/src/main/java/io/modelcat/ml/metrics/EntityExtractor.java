package io.modelcat.ml.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads entities out of IOB2/IOBES tag sequences with the lenient chunking of conlleval, which is
 * seqeval's default mode: an {@code I-} without a preceding {@code B-} still opens an entity, and
 * a change of type closes one.
 */
public final class EntityExtractor {

    private EntityExtractor() {}

    public static List<Entity> entities(int sentence, List<String> tags) {
        List<Entity> entities = new ArrayList<>();
        char previousTag = 'O';
        String previousType = "";
        int begin = 0;
        for (int index = 0; index <= tags.size(); index++) {
            String chunk = index < tags.size() ? tags.get(index) : "O";
            char tag = chunk.isEmpty() ? 'O' : chunk.charAt(0);
            String type = typeOf(chunk);
            if (endsChunk(previousTag, tag, previousType, type)) {
                entities.add(new Entity(sentence, previousType, begin, index - 1));
            }
            if (startsChunk(previousTag, tag, previousType, type)) {
                begin = index;
            }
            previousTag = tag;
            previousType = type;
        }
        return entities;
    }

    /** "B-PER" gives "PER"; a tag without a type ("O", "B") gives "_", as seqeval names it. */
    private static String typeOf(String chunk) {
        String rest = chunk.length() <= 1 ? "" : chunk.substring(1);
        int separator = rest.indexOf('-');
        String type = separator >= 0 ? rest.substring(separator + 1) : rest;
        return type.isEmpty() ? "_" : type;
    }

    private static boolean endsChunk(char previousTag, char tag, String previousType, String type) {
        if (previousTag == 'E' || previousTag == 'S') {
            return true;
        }
        if ((previousTag == 'B' || previousTag == 'I') && (tag == 'B' || tag == 'S' || tag == 'O')) {
            return true;
        }
        return previousTag != 'O' && previousTag != '.' && !previousType.equals(type);
    }

    private static boolean startsChunk(char previousTag, char tag, String previousType, String type) {
        if (tag == 'B' || tag == 'S') {
            return true;
        }
        if ((previousTag == 'E' || previousTag == 'S' || previousTag == 'O') && (tag == 'E' || tag == 'I')) {
            return true;
        }
        return tag != 'O' && tag != '.' && !previousType.equals(type);
    }
}
