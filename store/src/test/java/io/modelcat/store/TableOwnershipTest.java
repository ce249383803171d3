package io.modelcat.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.testsupport.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A table's SQL lives in the one module that owns it: no main source of any other module names one of the store's
 * tables in a SQL statement (in a string literal: {@code FROM job}, {@code INSERT INTO metric}, {@code UPDATE model},
 * {@code JOIN model_version}, ...). Comments and prose do not count; {@code job_dataset} is not {@code job}.
 */
class TableOwnershipTest {

    /** The tables each owning module's main sources may name, and the module. */
    static final Map<String, List<String>> OWNERS = Map.of("store", List.of(
            "job", "job_log", "job_dataset", "model", "model_version", "metric", "prediction_sample", "worker",
            "endpoint", "deployment", "deployment_instance", "deployment_traffic", "batch_endpoint", "batch_deployment",
            "batch_job", "batch_mini_batch"));

    @Test
    void onlyTheOwnerOfATableRunsSqlOnIt() throws IOException {
        Path root = Fixtures.repository();
        List<String> strays = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(TableOwnershipTest::isMainSource).toList()) {
                String module = root.relativize(file).getName(0).toString();
                for (Map.Entry<String, List<String>> owner : OWNERS.entrySet()) {
                    if (!owner.getKey().equals(module)) {
                        for (SqlMention m : SqlMention.find(Files.readString(file), owner.getValue())) {
                            strays.add(root.relativize(file) + ":" + m.line() + ": \"" + m.text() + "\" (table "
                                    + m.table() + " belongs to module " + owner.getKey() + ")");
                        }
                    }
                }
            }
        }
        assertThat(strays).as("SQL on a table outside the module that owns it; move it there and call it").isEmpty();
    }

    @Test
    void theRuleSeesEveryModulesSources() throws IOException {
        Path root = Fixtures.repository();
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.filter(TableOwnershipTest::isMainSource).map(f -> root.relativize(f).getName(0).toString())
                    .distinct()).contains("catalog-service", "job-runner", "credentials", "store");
        }
        assertThat(SqlMention.find(Files.readString(root.resolve(
                "store/src/main/java/io/modelcat/store/job/Jobs.java")), OWNERS.get("store"))).isNotEmpty();
    }

    @Test
    void sqlIsFoundInLiteralsAndTextBlocksButNotInCommentsOrOtherTables() {
        List<String> tables = OWNERS.get("store");
        String source = """
                class Example {
                    // SELECT * FROM job in a comment
                    /* UPDATE model SET x = 1 */
                    String a = "SELECT id FROM job WHERE id = ?";
                    String b = "INSERT INTO job_dataset (job_id) VALUES (?)";
                    String c = \"\"\"
                            SELECT m.id
                            FROM metric m JOIN
                                 model_version v ON v.id = m.model_version_id\"\"\";
                    String d = "delete from worker where id = ?";
                    String e = "the job's model";
                    String f = "SELECT * FROM jobs_archive";
                    char g = '"';
                    String h = "update Model set name = ?";
                }
                """;
        assertThat(SqlMention.find(source, tables)).extracting(SqlMention::table, SqlMention::line)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("job", 4),
                        org.assertj.core.groups.Tuple.tuple("job_dataset", 5),
                        org.assertj.core.groups.Tuple.tuple("metric", 8),
                        org.assertj.core.groups.Tuple.tuple("model_version", 9),
                        org.assertj.core.groups.Tuple.tuple("worker", 10),
                        org.assertj.core.groups.Tuple.tuple("model", 14));
    }

    private static boolean isMainSource(Path file) {
        String path = file.toString().replace('\\', '/');
        return path.endsWith(".java") && path.contains("/src/main/java/") && !path.contains("/node_modules/")
                && !path.contains("/target/");
    }

    /** A SQL statement's mention of a table in a Java source's string literal, at a line. */
    record SqlMention(String table, int line, String text) {

        private static final String KEYWORDS = "FROM|JOIN|INTO|UPDATE|TABLE|TRUNCATE";

        static List<SqlMention> find(String source, List<String> tables) {
            // Longer names first, so that job_log is never read as job.
            List<String> names = tables.stream().sorted((a, b) -> b.length() - a.length()).toList();
            Pattern sql = Pattern.compile("(?i)\\b(?:" + KEYWORDS + ")\\s+(?:ONLY\\s+)?(" + String.join("|", names)
                    + ")(?![\\w$])");
            List<SqlMention> mentions = new ArrayList<>();
            for (Literal literal : Literal.all(source)) {
                Matcher m = sql.matcher(literal.text());
                while (m.find()) {
                    int offset = literal.start() + m.start(1);
                    int line = 1 + (int) source.substring(0, offset).chars().filter(ch -> ch == '\n').count();
                    mentions.add(new SqlMention(m.group(1).toLowerCase(java.util.Locale.ROOT), line,
                            m.group().replaceAll("\\s+", " ")));
                }
            }
            return mentions;
        }
    }

    /** A string literal or text block of a Java source: its content and where the content starts in the source. */
    record Literal(String text, int start) {

        static List<Literal> all(String s) {
            List<Literal> literals = new ArrayList<>();
            int i = 0;
            while (i < s.length()) {
                char ch = s.charAt(i);
                if (s.startsWith("//", i)) {
                    i = endOfLine(s, i);
                } else if (s.startsWith("/*", i)) {
                    int end = s.indexOf("*/", i + 2);
                    i = end < 0 ? s.length() : end + 2;
                } else if (s.startsWith("\"\"\"", i)) {
                    int end = closing(s, i + 3, "\"\"\"");
                    literals.add(new Literal(s.substring(i + 3, end), i + 3));
                    i = Math.min(s.length(), end + 3);
                } else if (ch == '"') {
                    int end = closing(s, i + 1, "\"");
                    literals.add(new Literal(s.substring(i + 1, end), i + 1));
                    i = Math.min(s.length(), end + 1);
                } else if (ch == '\'') {
                    i = Math.min(s.length(), closing(s, i + 1, "'") + 1);
                } else {
                    i++;
                }
            }
            return literals;
        }

        /** Where {@code end} closes a literal opened before {@code from}, skipping escaped characters. */
        private static int closing(String s, int from, String end) {
            int i = from;
            while (i < s.length() && !s.startsWith(end, i)) {
                i += s.charAt(i) == '\\' ? 2 : 1;
            }
            return Math.min(i, s.length());
        }

        private static int endOfLine(String s, int from) {
            int end = s.indexOf('\n', from);
            return end < 0 ? s.length() : end;
        }
    }
}
