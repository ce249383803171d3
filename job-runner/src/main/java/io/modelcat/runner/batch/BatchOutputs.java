package io.modelcat.runner.batch;

import io.modelcat.jobs.spec.BatchScoreResult;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a job's outputs from its finished mini-batches: {@code predictions.csv} (or the name the invocation gave) as
 * Azure ML's batch endpoints write it (no header; row number in the file, prediction, input file name; bad rows left
 * out) and {@code predictions.jsonl} beside it (every row: its number, file, natural value and full prediction, or its
 * error). Each is written under a temporary name and moved into place whole.
 */
final class BatchOutputs {

    private BatchOutputs() {
    }

    /** Writes the outputs into {@code folder}; answers the names of the CSV and the JSON lines, in that order. */
    static List<String> write(Path folder, String inputFileName, String csvFile, MiniBatches batches, int count) {
        String jsonlFile = BatchScoreResult.jsonlFor(csvFile);
        try {
            Files.createDirectories(folder);
            Path csv = folder.resolve(csvFile + ".partial");
            Path jsonl = folder.resolve(jsonlFile + ".partial");
            try (BufferedWriter c = Files.newBufferedWriter(csv, StandardCharsets.UTF_8);
                 BufferedWriter j = Files.newBufferedWriter(jsonl, StandardCharsets.UTF_8)) {
                for (int i = 0; i < count; i++) {
                    for (ScoredRow row : batches.read(i)) {
                        if (!row.isBad()) {
                            c.write(row.row() + "," + csvField(row.value()) + "," + csvField(inputFileName) + "\n");
                        }
                        j.write(PredictionValues.json(jsonLine(row, inputFileName)));
                        j.write('\n');
                    }
                }
            }
            Files.move(csv, folder.resolve(csvFile), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            Files.move(jsonl, folder.resolve(jsonlFile), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            return List.of(csvFile, jsonlFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the predictions to " + folder + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> jsonLine(ScoredRow row, String inputFileName) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("row_number_per_file", row.row());
        line.put("batch_input_file_name", inputFileName);
        if (row.isBad()) {
            line.put("error", row.error());
        } else {
            line.put("prediction", row.value());
            line.put("detail", row.prediction());
        }
        return line;
    }

    /** A CSV field, quoted (RFC 4180, as pandas writes it) when it holds a comma, a quote or a line break. */
    static String csvField(String value) {
        if (value == null) {
            return "";
        }
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
