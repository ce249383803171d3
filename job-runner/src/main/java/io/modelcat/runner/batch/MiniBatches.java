package io.modelcat.runner.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The finished mini-batches of a job, one JSON-lines file each in the job's work folder (which a retry, a
 * runner taking over the job, and the job's helpers on other runners all find). A file appears whole or not at
 * all (written aside, then moved into place), so a mini-batch with a file is never scored again.
 */
final class MiniBatches {

    private static final Pattern FILE = Pattern.compile("(\\d{6})\\.jsonl");
    // Maps' keys in order, as PredictionValues writes them: the same file whichever runner's JVM scored it.
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    private final Path folder;

    MiniBatches(Path workDirectory) {
        this.folder = workDirectory.resolve("mini-batches");
    }

    /** The indexes of the mini-batches finished by this or an earlier attempt. */
    Set<Integer> finished() {
        Set<Integer> done = new TreeSet<>();
        if (!Files.isDirectory(folder)) {
            return done;
        }
        try (Stream<Path> files = Files.list(folder)) {
            files.forEach(f -> {
                Matcher m = FILE.matcher(f.getFileName().toString());
                if (m.matches()) {
                    done.add(Integer.parseInt(m.group(1)));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the finished mini-batches in " + folder, e);
        }
        return done;
    }

    boolean exists(int index) {
        return Files.isRegularFile(file(index));
    }

    void write(int index, List<ScoredRow> rows) {
        Path target = file(index);
        // Staged under a name of this writer's own: two participants never share a half-written file.
        Path staged = folder.resolve(target.getFileName() + "." + UUID.randomUUID() + ".partial");
        try {
            Files.createDirectories(folder);
            try (BufferedWriter out = Files.newBufferedWriter(staged, StandardCharsets.UTF_8)) {
                for (ScoredRow row : rows) {
                    out.write(JSON.writeValueAsString(row));
                    out.write('\n');
                }
            }
            Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write mini-batch " + index + " to " + target + ": " + e.getMessage(), e);
        }
    }

    List<ScoredRow> read(int index) {
        List<ScoredRow> rows = new ArrayList<>();
        try (Stream<String> lines = Files.lines(file(index), StandardCharsets.UTF_8)) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (!line.isBlank()) {
                    rows.add(JSON.readValue(line, ScoredRow.class));
                }
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("mini-batch " + index + " in " + folder + " is damaged: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read mini-batch " + index + " in " + folder, e);
        }
        return rows;
    }

    private Path file(int index) {
        return folder.resolve(String.format("%06d.jsonl", index));
    }
}
