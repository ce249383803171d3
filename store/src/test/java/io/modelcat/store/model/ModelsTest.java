package io.modelcat.store.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcat.jobs.DeviceRequest;
import io.modelcat.jobs.spec.NoopSpec;
import io.modelcat.store.Cursor;
import io.modelcat.store.Page;
import io.modelcat.store.SqlValues;
import io.modelcat.store.StoreTestBase;
import io.modelcat.store.job.Jobs;
import io.modelcat.store.job.NewJob;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Model cards and their versions in the real schema: one numbering for the API's versions and imports'. */
class ModelsTest extends StoreTestBase {

    @Test
    void versionsAreNumberedInOrderAndEachChangesTheCard() throws SQLException {
        ModelRow card = Models.insert(c, UUID.randomUUID(), fields("bert"));
        assertThat(card.lockVersion()).isZero();
        assertThat(card.status()).isEqualTo("not_imported");

        ModelVersions.Added first = ModelVersions.add(c, card.id(), version("a", null, null));
        assertThat(first.outcome()).isEqualTo(ModelVersions.Outcome.ADDED);
        assertThat(first.version().versionNumber()).isEqualTo(1);
        ModelVersions.Added second = ModelVersions.add(c, card.id(), version("b", "file:///m", first.version().id()));
        assertThat(second.version().versionNumber()).isEqualTo(2);
        assertThat(second.version().parentVersionId()).isEqualTo(first.version().id());

        ModelRow now = Models.find(c, card.id()).orElseThrow();
        assertThat(now.lockVersion()).isEqualTo(2);
        assertThat(now.status()).as("a version with files").isEqualTo("ready");
        assertThat(now.versionCount()).isEqualTo(2);
        assertThat(now.latestVersion().versionNumber()).isEqualTo(2);
        assertThat(ModelVersions.of(c, card.id())).extracting(VersionRow::versionNumber).containsExactly(1, 2);
    }

    @Test
    void aCardsVersionCountAndLatestVersionFollowEveryChangeOfItsVersions() throws SQLException {
        ModelRow card = Models.insert(c, UUID.randomUUID(), fields("bert"));
        ModelRow other = Models.insert(c, UUID.randomUUID(), fields("gpt"));
        assertThat(summary(card.id())).isEqualTo("0 null");

        ModelVersions.add(c, card.id(), version("a", null, null));
        UUID two = UUID.randomUUID();
        ModelTransfers.insertVersion(c, two, card.id(), 5, version("b", null, null), Instant.now());
        assertThat(summary(card.id())).as("an archive's number above the others").isEqualTo("2 5");
        ModelTransfers.insertVersion(c, UUID.randomUUID(), card.id(), 3, version("c", null, null), Instant.now());
        assertThat(summary(card.id())).as("an archive's number below the latest").isEqualTo("3 5");
        ModelVersions.add(c, other.id(), version("x", null, null));

        // Written by hand, as an operator might: the summary follows too.
        db.executeHere("UPDATE model_version SET version_number = 9 WHERE model_id = '" + card.id() + "' AND version_number = 3");
        assertThat(summary(card.id())).isEqualTo("3 9");
        db.executeHere("DELETE FROM model_version WHERE model_id = '" + card.id() + "' AND version_number = 9");
        assertThat(summary(card.id())).isEqualTo("2 5");
        db.executeHere("UPDATE model_version SET model_id = '" + other.id() + "' WHERE id = '" + two + "'");
        assertThat(summary(card.id())).as("a version moved to another card").isEqualTo("1 1");
        assertThat(summary(other.id())).isEqualTo("2 5");

        // The list reads the same summary as one card's page.
        Map<String, String> listed = new HashMap<>();
        Models.list(c, query(List.of(), List.of(), List.of(), List.of())).items().forEach(m -> listed.put(m.name(),
                m.versionCount() + " " + m.latestVersion().versionNumber()));
        assertThat(listed).containsExactlyInAnyOrderEntriesOf(Map.of("bert", "1 1", "gpt", "2 5"));

        db.executeHere("TRUNCATE model_version CASCADE");
        assertThat(summary(card.id())).isEqualTo("0 null");
        assertThat(summary(other.id())).isEqualTo("0 null");
    }

    @Test
    void aFilterWithOneValueReadsAnIndexThatStartsWithItInAPlanMadeForAnyValue() throws SQLException {
        db.executeHere("""
                INSERT INTO model (id, name, task, license)
                SELECT gen_random_uuid(), 'card-' || i, (ARRAY['text-generation', 'fill-mask', 'translation'])[1 + i % 3],
                       (ARRAY['mit', 'apache-2.0'])[1 + i % 2]
                FROM generate_series(1, 3000) AS i""");
        db.executeHere("ANALYZE model");
        for (ModelSort sort : ModelSort.values()) {
            if (sort == ModelSort.RELEVANCE) {
                continue; // only with a search text
            }
            for (List<List<String>> filters : List.of(List.of(List.of("fill-mask"), List.<String>of()),
                    List.of(List.<String>of(), List.of("mit")), List.of(List.of("fill-mask"), List.of("mit")),
                    List.of(List.of("fill-mask"), List.of("mit", "apache-2.0")))) {
                ModelQuery query = new ModelQuery(filters.get(0), List.of(), filters.get(1), List.of(), List.of(), sort,
                        20, null);
                String index = filters.get(0).isEmpty() ? "model_license_" : "model_task_";
                assertThat(genericPlan(Models.pageStatement(query)))
                        .as("%s, tasks %s, licences %s", sort.wireName(), filters.get(0), filters.get(1))
                        .containsPattern("Index Scan (Backward )?using " + index + "\\w+ on model");
            }
        }
    }

    /** Enough cards that a walk of the order's index beats collecting the matches and sorting them, as in a catalog. */
    @Test
    void filtersThatNoIndexLeadsAreTestedInTheOrdersIndexWithoutReadingTheCards() throws SQLException {
        db.executeHere("""
                INSERT INTO model (id, name, task, license, finetuning_tasks)
                SELECT gen_random_uuid(), 'card-' || i, (ARRAY['text-generation', 'fill-mask', 'translation'])[1 + i % 3],
                       (ARRAY['mit', 'apache-2.0', 'cc-by-4.0'])[1 + i % 3],
                       CASE WHEN i % 2 = 0 THEN ARRAY['text-generation'] ELSE ARRAY['summarization'] END
                FROM generate_series(1, 50000) AS i""");
        db.executeHere("VACUUM ANALYZE model");
        Map<ModelSort, String> indexes = Map.of(ModelSort.NAME, "model_name_idx", ModelSort.NAME_DESC, "model_name_idx",
                ModelSort.CREATED, "model_created_idx", ModelSort.CREATED_DESC, "model_created_idx",
                ModelSort.UPDATED, "model_updated_idx", ModelSort.UPDATED_DESC, "model_updated_idx");
        for (Map.Entry<ModelSort, String> sorted : indexes.entrySet()) {
            Object key = sorted.getKey() == ModelSort.NAME || sorted.getKey() == ModelSort.NAME_DESC ? "card-5" : Instant.now();
            for (ModelQuery query : List.of(
                    new ModelQuery(List.of("fill-mask", "translation"), List.of("text-generation"),
                            List.of("mit", "apache-2.0"), List.of(), List.of(), sorted.getKey(), 20, null),
                    new ModelQuery(List.of("fill-mask", "translation"), List.of(), List.of("mit", "apache-2.0"),
                            List.of(), List.of(), sorted.getKey(), 100,
                            Cursor.of(sorted.getKey().wireName(), key, UUID.randomUUID())),
                    new ModelQuery(List.of(), List.of("text-generation"), List.of(), List.of(), List.of(),
                            sorted.getKey(), 20, null))) {
                assertThat(genericPlan(Models.pageStatement(query))).as("%s, %s", sorted.getKey().wireName(), query)
                        .containsPattern("Index Only Scan (Backward )?using " + sorted.getValue() + " on model");
            }
        }
    }

    @Test
    void aPageOfFiltersManyCardsMatchRunsOnThePlanMadeOnceAndOneOfFewIsPlannedForItsValues() throws SQLException {
        insertCards(20_000);
        db.executeHere("""
                INSERT INTO model (id, name, task, license)
                SELECT gen_random_uuid(), 'rare-' || i, 'token-classification', 'bsd-3-clause' FROM generate_series(1, 5) AS i""");
        db.executeHere("VACUUM ANALYZE model");
        CardCombinations counts = CardCombinations.read(c);
        ModelQuery many = new ModelQuery(List.of("fill-mask", "translation"), List.of(), List.of("mit", "apache-2.0"),
                List.of(), List.of(), ModelSort.NAME, 20, null);
        ModelQuery few = new ModelQuery(List.of("token-classification", "question-answering"), List.of(),
                List.of("bsd-3-clause", "mit"), List.of(), List.of(), ModelSort.NAME, 20, null);
        assertThat(counts.total()).isEqualTo(20_005);
        assertThat(cards(counts.matchedBy(many)))
                .isEqualTo(count("task IN ('fill-mask', 'translation') AND license IN ('mit', 'apache-2.0')"));
        assertThat(cards(counts.matchedBy(few))).isEqualTo(5);
        assertThat(Models.plannedOnce(many, counts)).isTrue();
        assertThat(Models.walksCombinations(many, counts)).as("the order's walk meets about 47 entries").isFalse();
        assertThat(Models.walksCombinations(few, counts))
                .as("the order's walk would meet about 84,000 entries, the combinations' (three) 66").isTrue();
        assertThat(Models.plannedOnce(many, null)).as("counts not known").isFalse();
        // A hundred combinations of one card each among 100,000 cards: both walks are long, so the page is planned
        // for its values.
        List<CardCombinations.Combination> scattered = new ArrayList<>();
        scattered.add(new CardCombinations.Combination("fill-mask", "mit", List.of(), "{fill-mask,mit}", 100_000));
        List<String> licenses = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            licenses.add("licence-" + i);
            scattered.add(new CardCombinations.Combination("translation", "licence-" + i, List.of(),
                    "{translation,licence-" + i + "}", 1));
        }
        ModelQuery rare = new ModelQuery(List.of("translation", "summarization"), List.of(), licenses, List.of(),
                List.of(), ModelSort.NAME, 20, null);
        assertThat(Models.plannedOnce(rare, new CardCombinations(scattered))).isFalse();
        assertThat(Models.planDependsOnCounts(new ModelQuery(List.of("fill-mask", "translation"), List.of(), List.of(),
                List.of("chat"), List.of(), ModelSort.NAME, 20, null))).as("tags are not counted").isFalse();
        assertThat(Models.planDependsOnCounts(new ModelQuery(List.of("fill-mask"), List.of(), List.of("mit", "apache-2.0"),
                List.of(), List.of(), ModelSort.NAME, 20, null))).as("one task leads an index").isFalse();

        // The same pages as planned for their values, and the driver's prepared statement (after five runs) shows
        // plans made once only.
        List<String> planned = names(Models.list(c, many));
        for (int run = 0; run < 8; run++) {
            assertThat(names(Models.list(c, many, counts))).isEqualTo(planned);
        }
        try (var st = c.createStatement(); var rs = st.executeQuery("""
                SELECT generic_plans, custom_plans FROM pg_prepared_statements
                WHERE statement LIKE '%m.task = ANY%' AND generic_plans > 0""")) {
            assertThat(rs.next()).as("a statement run on its plan made once").isTrue();
            assertThat(rs.getLong("custom_plans")).isZero();
        }
        assertThat(Models.plans(c, many, false, counts).page()).contains("Index Only Scan using model_name_idx");
        assertThat(names(Models.list(c, few, counts))).containsExactly("rare-1", "rare-2", "rare-3", "rare-4", "rare-5");
        assertThat(Models.plans(c, few, false, counts).page()).contains("model_combination_name_idx")
                .doesNotContain("model_name_idx");

        // A page that fails takes its plan setting with it: the connection plans as before.
        ModelQuery broken = new ModelQuery(many.tasks(), List.of(), many.licenses(), List.of(), List.of(),
                ModelSort.CREATED, 20, Cursor.of(ModelSort.CREATED.wireName(), "not a time", UUID.randomUUID()));
        assertThat(Models.plannedOnce(broken, counts)).isTrue();
        assertThatThrownBy(() -> Models.list(c, broken, counts)).isInstanceOf(SQLException.class)
                .hasMessageContaining("timestamp");
        assertThat(setting("plan_cache_mode")).isEqualTo("auto");
    }

    /** The connection's value of a setting. */
    private String setting(String name) throws SQLException {
        try (var st = c.createStatement(); var rs = st.executeQuery("SELECT current_setting('" + name + "')")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void aPageOfFewCombinationsWalksEachInTheOrderAndSeesCombinationsAddedSince() throws SQLException {
        // Six tasks, six licences and five sets of fine-tuning tasks in turn: 180 combinations.
        db.executeHere("""
                INSERT INTO model (id, name, task, license, finetuning_tasks)
                SELECT gen_random_uuid(), 'card-' || (i * 7919 % 20000),
                       (ARRAY['text-generation', 'fill-mask', 'translation', 'summarization', 'question-answering',
                              'text-classification'])[1 + i % 6],
                       (ARRAY['mit', 'apache-2.0', 'cc-by-4.0', 'bsd-3-clause', 'llama2', 'openrail'])[1 + i / 6 % 6],
                       CASE i / 36 % 5 WHEN 0 THEN ARRAY[]::text[] WHEN 1 THEN ARRAY['summarization']
                           WHEN 2 THEN ARRAY['text-generation'] WHEN 3 THEN ARRAY['translation']
                           ELSE ARRAY['fill-mask'] END
                FROM generate_series(1, 20000) AS i""");
        // A combination whose one card is gone: its row stays, counted 0.
        db.executeHere("INSERT INTO model (id, name, task, license, finetuning_tasks)"
                + " VALUES (gen_random_uuid(), 'gone', 'fill-mask', 'mit', ARRAY['question-answering'])");
        db.executeHere("DELETE FROM model WHERE name = 'gone'");
        db.executeHere("VACUUM ANALYZE model");
        CardCombinations counts = CardCombinations.read(c);
        ModelQuery few = new ModelQuery(List.of("fill-mask", "translation"),
                List.of("text-generation", "question-answering"), List.of("mit", "apache-2.0"), List.of(), List.of(),
                ModelSort.NAME, 20, null);
        ModelQuery alone = new ModelQuery(List.of(), List.of("text-generation"), List.of(), List.of(), List.of(),
                ModelSort.NAME, 20, null);
        assertThat(counts.matchedBy(few)).filteredOn(combination -> combination.cards() > 0).hasSize(4);
        assertThat(counts.matchedBy(few)).filteredOn(combination -> combination.cards() == 0)
                .extracting(CardCombinations.Combination::key).contains("{fill-mask,mit,question-answering}");
        assertThat(cards(counts.matchedBy(few))).isEqualTo(count("task IN ('fill-mask', 'translation')"
                + " AND license IN ('mit', 'apache-2.0')"
                + " AND finetuning_tasks && ARRAY['text-generation', 'question-answering']"));
        assertThat(Models.walksCombinations(few, counts)).isTrue();
        assertThat(Models.walksCombinations(alone, counts)).as("one card in five has it: the order's index").isFalse();
        assertThat(Models.plannedOnce(alone, counts)).isTrue();
        assertThat(Models.walksCombinations(few, null)).as("counts not known").isFalse();

        // Every order, from the start and from a cursor: the pages planned for their values, and PostgreSQL's plan
        // for any values walks each combination in the order's combination index alone.
        Map<ModelSort, String> indexes = Map.of(ModelSort.NAME, "name", ModelSort.NAME_DESC, "name",
                ModelSort.CREATED, "created", ModelSort.CREATED_DESC, "created", ModelSort.UPDATED, "updated",
                ModelSort.UPDATED_DESC, "updated");
        for (Map.Entry<ModelSort, String> sorted : indexes.entrySet()) {
            ModelQuery first = new ModelQuery(few.tasks(), few.finetuningTasks(), few.licenses(), List.of(), List.of(),
                    sorted.getKey(), 37, null);
            ModelQuery query = first;
            for (int page = 0; page < 4; page++) {
                Page<ModelRow> planned = Models.list(c, query);
                Page<ModelRow> walked = Models.list(c, query, counts);
                assertThat(ids(walked)).as("%s, page %d", sorted.getKey().wireName(), page).hasSize(37)
                        .containsExactlyElementsOf(ids(planned));
                assertThat(walked.next()).isEqualTo(planned.next());
                query = new ModelQuery(query.tasks(), query.finetuningTasks(), query.licenses(), List.of(), List.of(),
                        query.sort(), query.limit(), walked.next());
            }
            for (ModelQuery planned : List.of(first, query)) {
                assertThat(genericPlan(Models.pageStatement(planned, counts))).as("%s, %s", planned.sort(), planned.after())
                        .containsPattern("Index Only Scan (Backward )?using model_combination_" + sorted.getValue()
                                + "_idx on model")
                        .doesNotContain("Seq Scan on model ")
                        .doesNotContainPattern("Index (Only )?Scan (Backward )?using model_(name|created|updated)_idx");
            }
        }
        assertThat(Models.plans(c, few, false, counts).page()).contains("model_combination_name_idx")
                .contains("Heap Fetches: 0");
        // The settings the pages ran under went with their statements; in a transaction they would outlive them.
        assertThat(setting("plan_cache_mode")).isEqualTo("auto");
        assertThat(setting("enable_bitmapscan")).isEqualTo("on");
        c.setAutoCommit(false);
        try {
            assertThatThrownBy(() -> Models.list(c, few, counts)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("auto-commit");
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }

        // Cards of a combination added after the counts were read, and of the one that had no card: listed.
        db.executeHere("INSERT INTO model (id, name, task, license, finetuning_tasks)"
                + " VALUES (gen_random_uuid(), 'a-new', 'translation', 'apache-2.0',"
                + " ARRAY['question-answering', 'text-generation']),"
                + " (gen_random_uuid(), 'a-back', 'fill-mask', 'mit', ARRAY['question-answering'])");
        assertThat(names(Models.list(c, few, counts))).startsWith("a-back", "a-new").hasSize(20);
        assertThat(names(Models.list(c, few, counts))).isEqualTo(names(Models.list(c, few)));

        // Emptying the cards keeps every combination's row.
        int rows = counts.combinations().size() + 1;
        db.executeHere("TRUNCATE model CASCADE");
        CardCombinations emptied = CardCombinations.read(c);
        assertThat(emptied.combinations()).hasSize(rows).allSatisfy(row -> assertThat(row.cards()).isZero());
        assertThat(Models.walksCombinations(few, emptied)).isTrue();
        assertThat(Models.list(c, few, emptied).items()).isEmpty();
    }

    /** The cards of the combinations. */
    private static long cards(List<CardCombinations.Combination> combinations) {
        return combinations.stream().mapToLong(CardCombinations.Combination::cards).sum();
    }

    private static List<UUID> ids(Page<ModelRow> page) {
        return page.items().stream().map(ModelRow::id).toList();
    }

    /** {@code n} cards named in a shuffled order, each of three tasks and three licences in turn. */
    private void insertCards(int n) {
        db.executeHere("""
                INSERT INTO model (id, name, task, license)
                SELECT gen_random_uuid(), 'card-' || (i * 7919 %% %1$d), (ARRAY['text-generation', 'fill-mask', 'translation'])[1 + i %% 3],
                       (ARRAY['mit', 'apache-2.0', 'cc-by-4.0'])[1 + i / 3 %% 3]
                FROM generate_series(1, %1$d) AS i""".formatted(n));
    }

    private static List<String> names(Page<ModelRow> page) {
        return page.items().stream().map(ModelRow::name).toList();
    }

    private long count(String where) throws SQLException {
        try (var st = c.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM model WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aPageOfSeveralTasksAndLicencesPagesThroughTheirCardsInTheListsOrder() throws SQLException {
        insertCards(1_000);
        List<String> tasks = List.of("fill-mask", "translation", "fill-mask");
        List<String> licenses = List.of("cc-by-4.0", "mit");
        for (ModelSort sort : List.of(ModelSort.NAME, ModelSort.NAME_DESC, ModelSort.CREATED_DESC)) {
            List<String> expected = new ArrayList<>();
            String order = switch (sort) {
                case NAME -> "lower(name) COLLATE \"C\", id";
                case NAME_DESC -> "lower(name) COLLATE \"C\" DESC, id DESC";
                default -> "created_at DESC, id DESC";
            };
            try (var ps = c.prepareStatement("SELECT name FROM model WHERE task IN ('fill-mask', 'translation')"
                    + " AND license IN ('cc-by-4.0', 'mit') ORDER BY " + order)) {
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        expected.add(rs.getString(1));
                    }
                }
            }
            List<String> paged = new ArrayList<>();
            Cursor after = null;
            do {
                Page<ModelRow> page = Models.list(c, new ModelQuery(tasks, List.of(), licenses, List.of(), List.of(),
                        sort, 37, after));
                page.items().forEach(m -> paged.add(m.name()));
                after = page.next();
            } while (after != null);
            assertThat(expected).as("cards of the filters").hasSizeGreaterThan(100);
            assertThat(paged).as(sort.wireName()).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void pageSizesShareAFewStatementsAndEachPageHoldsItsSize() throws SQLException {
        db.executeHere("""
                INSERT INTO model (id, name, task, license)
                SELECT gen_random_uuid(), 'card-' || i, 'fill-mask', 'mit' FROM generate_series(1, 45) AS i""");
        Set<String> texts = new HashSet<>();
        for (int limit = 1; limit <= 100; limit++) {
            ModelQuery query = new ModelQuery(List.of("fill-mask"), List.of(), List.of(), List.of(), List.of(),
                    ModelSort.NAME, limit, null);
            texts.add(Models.pageStatement(query).sql());
        }
        assertThat(texts).as("one statement per ten sizes: PostgreSQL keeps a prepared statement per text").hasSize(10);
        for (int limit : List.of(1, 13, 20, 44, 45, 46)) {
            Page<ModelRow> page = Models.list(c, new ModelQuery(List.of("fill-mask"), List.of(), List.of(), List.of(),
                    List.of(), ModelSort.NAME, limit, null));
            assertThat(page.items()).as("page of %d", limit).hasSize(Math.min(limit, 45));
            assertThat(page.next() != null).as("more after a page of %d", limit).isEqualTo(limit < 45);
        }
    }

    /**
     * The plan PostgreSQL makes for the statement whatever its parameters' values (as a prepared statement may), under
     * the statement's settings.
     */
    private String genericPlan(Models.Statement statement) throws SQLException {
        String sql = "PREPARE page AS " + Models.numbered(statement.sql());
        List<String> arguments = Collections.nCopies(statement.params().size(), "?");
        // PREPARE ... $1 is sent as it is written (the simple query protocol); the plan is the one made for any values.
        String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "preferQueryMode=simple";
        StringBuilder plan = new StringBuilder();
        try (Connection simple = DriverManager.getConnection(url, db.user(), db.password());
             var st = simple.createStatement()) {
            st.execute(sql);
            st.execute("SET plan_cache_mode = force_generic_plan");
            for (Models.Setting setting : statement.settings()) {
                st.execute("SET " + setting.name() + " = " + setting.value());
            }
            try (var ps = simple.prepareStatement("EXPLAIN (COSTS OFF) EXECUTE page(" + String.join(", ", arguments) + ")")) {
                SqlValues.bind(simple, ps, statement.params());
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
            }
        }
        return plan.toString();
    }

    /** "versionCount latestVersionNumber" of the card, as the card's page reads them. */
    private String summary(UUID id) throws SQLException {
        ModelRow row = Models.find(c, id).orElseThrow();
        return row.versionCount() + " " + (row.latestVersion() == null ? null : row.latestVersion().versionNumber());
    }

    @Test
    void noVersionIsAddedToAMissingModelOrUnderAMissingParent() throws SQLException {
        assertThat(ModelVersions.add(c, UUID.randomUUID(), version("a", null, null)).outcome())
                .isEqualTo(ModelVersions.Outcome.NO_SUCH_MODEL);
        ModelRow card = Models.insert(c, UUID.randomUUID(), fields("bert"));
        assertThat(ModelVersions.add(c, card.id(), version("a", null, UUID.randomUUID())).outcome())
                .isEqualTo(ModelVersions.Outcome.NO_SUCH_PARENT);
        assertThat(ModelVersions.of(c, card.id())).isEmpty();
    }

    @Test
    void aCardsExcerptIsWrittenWithItsDescriptionAndListPagesCarryItAlone() throws SQLException {
        String readme = "# Otter\n\n<p align=\"center\"><img src=\"otter.png\"></p>\n\nAn **otter** detector.\n\n"
                + "| metric | value |\n|---|---|\n| f1 | 0.9 |\n";
        ModelFields written = new ModelFields("otter", "acme", readme, "text-classification", List.of(), "mit",
                List.of(), null, null, "[{\"text\": \"a river\"}]", "manual", null, null);
        ModelRow card = Models.insert(c, UUID.randomUUID(), written);
        assertThat(card.excerpt()).isEqualTo("An otter detector.");
        assertThat(card.description()).isEqualTo(readme);
        assertThat(stored(card.id())).isEqualTo("An otter detector.");

        ModelFields edited = new ModelFields("otter", "acme", "Detects *river* otters.", "text-classification",
                List.of(), "mit", List.of(), null, null, "[]", "manual", null, null);
        assertThat(Models.update(c, card.id(), card.lockVersion(), edited).orElseThrow().excerpt())
                .isEqualTo("Detects river otters.");
        assertThat(stored(card.id())).isEqualTo("Detects river otters.");

        // An import writes it; a refresh without a README keeps the description and so the excerpt.
        ModelImports.Card hub = new ModelImports.Card("acme/badger", "badger", "acme", "## Badger\n\nA [badger](x) model.",
                "fill-mask", List.of(), "mit", List.of(), "transformers", "BertForMaskedLM");
        UUID imported = ModelImports.register(c, hub, version("sha1", "file:///1", null)).modelId();
        assertThat(stored(imported)).isEqualTo("A badger model.");
        ModelImports.Card noReadme = new ModelImports.Card("acme/badger", "badger", "acme", "", "fill-mask", List.of(),
                "mit", List.of(), "transformers", "BertForMaskedLM");
        ModelImports.register(c, noReadme, version("sha2", "file:///2", null));
        assertThat(stored(imported)).isEqualTo("A badger model.");

        // A card written in SQL without one (as before V39) has it made from its description when read.
        UUID byHand = UUID.randomUUID();
        db.executeHere("INSERT INTO model (id, name, task, license, description) VALUES ('" + byHand
                + "', 'weasel', 'fill-mask', 'mit', '## Weasel\n\nA _weasel_.')");
        assertThat(stored(byHand)).isNull();
        assertThat(Models.find(c, byHand).orElseThrow().excerpt()).isEqualTo("A weasel.");

        Map<String, ModelRow> listed = new HashMap<>();
        Models.list(c, query(List.of(), List.of(), List.of(), List.of())).items().forEach(m -> listed.put(m.name(), m));
        assertThat(listed.get("otter").excerpt()).isEqualTo("Detects river otters.");
        assertThat(listed.get("badger").excerpt()).isEqualTo("A badger model.");
        assertThat(listed.get("weasel").excerpt()).isEqualTo("A weasel.");
        assertThat(listed.values()).allSatisfy(row -> {
            assertThat(row.description()).as("a list page carries no description").isNull();
            assertThat(row.samples()).as("nor samples").isNull();
        });
    }

    private String stored(UUID id) throws SQLException {
        try (var ps = c.prepareStatement("SELECT excerpt FROM model WHERE id = ?")) {
            ps.setObject(1, id);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @Test
    void anImportRegistersEachRevisionOnceAndContinuesTheCardsNumbering() throws SQLException {
        ModelImports.Card hub = new ModelImports.Card("acme/tiny-bert", "tiny-bert", "acme", "A tiny BERT.",
                "fill-mask", List.of("text-classification"), "mit", List.of("english"), "transformers", "BertForMaskedLM");
        assertThat(ModelImports.markImporting(c, "acme/tiny-bert")).as("no card yet").isEmpty();

        ModelImports.Registered first = ModelImports.register(c, hub, version("sha1", "file:///1", null));
        assertThat(first.created()).isTrue();
        assertThat(first.versionNumber()).isEqualTo(1);
        ModelRow card = Models.find(c, first.modelId()).orElseThrow();
        assertThat(card.status()).isEqualTo("ready");
        assertThat(card.sourceType()).isEqualTo("huggingface");

        ModelImports.Registered again = ModelImports.register(c, hub, version("sha1", "file:///1", null));
        assertThat(again.created()).isFalse();
        assertThat(again.versionId()).isEqualTo(first.versionId());

        ModelVersions.add(c, first.modelId(), version("by hand", null, null));
        ModelImports.Registered next = ModelImports.register(c, hub, version("sha2", "file:///2", null));
        assertThat(next.versionNumber()).isEqualTo(3);

        assertThat(ModelImports.markImporting(c, "ACME/Tiny-Bert")).contains(first.modelId());
        assertThat(Models.find(c, first.modelId()).orElseThrow().status()).as("already imported").isEqualTo("ready");
        ModelImports.markFailed(c, "acme/tiny-bert", "gone");
        assertThat(Models.find(c, first.modelId()).orElseThrow().statusMessage()).isEqualTo("gone");
    }

    @Test
    void aVersionIsFoundByTheJobItWasRegisteredFrom() throws SQLException {
        ModelRow card = Models.insert(c, UUID.randomUUID(), fields("tuned"));
        UUID job = UUID.randomUUID();
        ModelVersions.add(c, card.id(), new ModelVersions.NewVersion(null, "file:///t", null,
                "{\"jobId\": \"" + job + "\"}", "Fine-tuned"));
        assertThat(ModelVersions.registeredFrom(c, job)).contains(new ModelVersions.Registered(card.id(), 1));
        assertThat(ModelVersions.registeredFrom(c, UUID.randomUUID())).isEmpty();
    }

    @Test
    void aCardInUseByAQueuedJobIsKept() throws SQLException {
        ModelRow card = Models.insert(c, UUID.randomUUID(), fields("busy"));
        UUID job = UUID.randomUUID();
        Jobs.insert(c, new NewJob(job, new NoopSpec(1, null, 0), card.id(), null, DeviceRequest.cpu(), 0, 1, null, null));
        assertThat(Models.deleteUnlessInUse(c, card.id())).isEqualTo(Models.Deletion.IN_USE);
        Jobs.cancelQueued(c, job);
        assertThat(Models.deleteUnlessInUse(c, card.id())).isEqualTo(Models.Deletion.DELETED);
        assertThat(Models.deleteUnlessInUse(c, card.id())).isEqualTo(Models.Deletion.NOT_FOUND);
    }

    @Test
    void anUpdateNeedsTheLockVersionItRead() throws SQLException {
        ModelRow card = Models.insert(c, UUID.randomUUID(), fields("bert"));
        assertThat(Models.update(c, card.id(), 0, fields("bert-2"))).get().extracting(ModelRow::name).isEqualTo("bert-2");
        assertThat(Models.update(c, card.id(), 0, fields("bert-3"))).as("stale").isEmpty();
    }

    @Test
    void listsPageThroughTheirSortWithTheirCursor() throws SQLException {
        for (String name : List.of("delta", "alpha", "echo", "charlie", "bravo")) {
            Models.insert(c, UUID.randomUUID(), fields(name));
        }
        List<String> names = new ArrayList<>();
        Cursor after = null;
        do {
            Page<ModelRow> page = Models.list(c, new ModelQuery(List.of(), List.of(), List.of(), List.of(), List.of(),
                    ModelSort.NAME, 2, after));
            page.items().forEach(m -> names.add(m.name()));
            after = page.next();
            assertThat(after == null || ModelSort.NAME.continues(after)).isTrue();
        } while (after != null);
        assertThat(names).containsExactly("alpha", "bravo", "charlie", "delta", "echo");
        ModelFacets facets = Models.facets(c, new ModelQuery(List.of(), List.of(), List.of(), List.of(), List.of(),
                ModelSort.NAME, 2, null));
        assertThat(facets.task()).containsEntry("text-classification", 5L);
    }

    @Test
    void aSearchWordFindsEveryCardWithAWordItStartsWithHoweverManyWordsItCovers() throws SQLException {
        // "pre" starts sixteen words (asked as a prefix); "prefix" four and "prefix1" one (asked as those words exactly).
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            names.add("card-" + i + " pre" + (char) ('a' + i) + " prefix" + (i % 4));
        }
        for (String name : names) {
            Models.insert(c, UUID.randomUUID(), fields(name));
        }
        assertThat(searchTerms("pre")).as("more than eight words: the prefix").isEqualTo("'pre':*");
        assertThat(searchTerms("prefix1")).isEqualTo("'prefix1'");
        assertThat(search("pre")).containsExactlyInAnyOrderElementsOf(names);
        assertThat(search("prefix")).containsExactlyInAnyOrderElementsOf(names);
        assertThat(search("prefix1", "card")).containsExactlyInAnyOrder(names.get(1), names.get(5), names.get(9));
        assertThat(search("prec")).containsExactly(names.get(2));
        assertThat(search("nowhere")).isEmpty();

        // Words a card gains by an update are found as prefixes, and a word it lost no longer finds it.
        ModelRow card = Models.insert(c, UUID.randomUUID(), fields("zz-first"));
        assertThat(search("zebra")).isEmpty();
        Models.update(c, card.id(), 0, fields("zz-zebra7"));
        assertThat(search("zeb")).containsExactly("zz-zebra7");
        assertThat(search("first")).isEmpty();

        // Quotes and backslashes in a word are words, not tsquery syntax.
        assertThat(searchTerms("o'k\\x")).isEqualTo("'o''k\\\\x'");
        assertThat(search("o'k\\x")).isEmpty();
    }

    @Test
    void relevanceRanksTheNameThenTagsThenTheSummaryAndStillFindsWordsDeepInTheDescription() throws SQLException {
        String readme = "# walrus-deep\n\nA model of the arctic sea.\n\n## Details\n\n"
                + "It was trained on field notes about walruses, seals and their food. ".repeat(60)
                + "Krill, krill and krill again: its notes name krill more than any other word. ".repeat(20);
        Models.insert(c, UUID.randomUUID(), new ModelFields("walrus-deep", "acme", readme, "fill-mask", List.of(),
                "mit", List.of("english"), null, null, "[]", "manual", null, null));
        Models.insert(c, UUID.randomUUID(), new ModelFields("walrus-summary", "acme", "Eats krill.\n\nDetails.",
                "fill-mask", List.of(), "mit", List.of("english"), null, null, "[]", "manual", null, null));
        Models.insert(c, UUID.randomUUID(), new ModelFields("walrus-tagged", "acme", "A walrus.", "fill-mask",
                List.of(), "mit", List.of("krill"), null, null, "[]", "manual", null, null));
        Models.insert(c, UUID.randomUUID(), fields("krill-7"));
        assertThat(search("krill")).containsExactly("krill-7", "walrus-tagged", "walrus-summary", "walrus-deep");
        assertThat(search("walrus", "krill")).containsExactly("walrus-tagged", "walrus-summary", "walrus-deep");
        // A card written without an excerpt (by hand in SQL) is ranked on the start of its description.
        db.executeHere("INSERT INTO model (id, name, task, license, description) VALUES (gen_random_uuid(),"
                + " 'walrus-sql', 'fill-mask', 'mit', 'Krill and krill. ' || repeat('Long notes. ', 200))");
        assertThat(search("walrus", "krill")).containsExactly("walrus-tagged", "walrus-sql", "walrus-summary",
                "walrus-deep");
    }

    private List<String> search(String... words) throws SQLException {
        return Models.list(c, new ModelQuery(List.of(), List.of(), List.of(), List.of(), List.of(words),
                ModelSort.RELEVANCE, 100, null)).items().stream().map(ModelRow::name).toList();
    }

    private String searchTerms(String... words) throws SQLException {
        try (var ps = c.prepareStatement("SELECT model_search_query(CAST(? AS text[]))::text")) {
            ps.setArray(1, c.createArrayOf("text", words));
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @Test
    void facetCountsFollowEveryWriteAndAgreeWithCountingTheCards() throws SQLException {
        Random random = new Random(20);
        List<String> tasks = List.of("text-classification", "fill-mask", "text-generation");
        List<String> licenses = List.of("mit", "apache-2.0", "cc-by-4.0");
        List<List<String>> finetuning = List.of(List.of(), List.of("text-classification"),
                List.of("text-classification", "token-classification"), List.of("token-classification"));
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            UUID id = UUID.randomUUID();
            Models.insert(c, id, fields("card-" + i, tasks.get(random.nextInt(3)), licenses.get(random.nextInt(3)),
                    finetuning.get(random.nextInt(4)), List.of(random.nextBoolean() ? "english" : "german")));
            ids.add(id);
        }
        // Many cards in one statement, as the benchmark's loader and a catalog import write them.
        try (var st = c.createStatement()) {
            st.executeUpdate("""
                    INSERT INTO model (id, name, task, license, finetuning_tasks, tags)
                    SELECT gen_random_uuid(), 'bulk-' || i, (ARRAY['fill-mask', 'text-generation'])[1 + i % 2],
                           (ARRAY['mit', 'gpl-3.0', 'apache-2.0'])[1 + i % 3],
                           (ARRAY['{}', '{text-classification}'])[1 + i % 2]::text[], '{german}'
                    FROM generate_series(1, 40) AS i""");
        }
        for (int i = 0; i < 15; i++) {
            ModelRow card = Models.find(c, ids.get(i)).orElseThrow();
            Models.update(c, card.id(), card.lockVersion(), fields(card.name(), tasks.get(random.nextInt(3)),
                    licenses.get(random.nextInt(3)), finetuning.get(random.nextInt(4)), card.tags())).orElseThrow();
        }
        for (int i = 15; i < 25; i++) {
            assertThat(Models.deleteUnlessInUse(c, ids.get(i))).isEqualTo(Models.Deletion.DELETED);
        }
        ModelVersions.add(c, ids.get(30), version("a", "file:///m", null));   // changes the card, not its groups
        try (var st = c.createStatement()) {
            st.executeUpdate("DELETE FROM model WHERE license = 'gpl-3.0'");   // a whole group goes
        }

        List<ModelQuery> queries = List.of(
                query(List.of(), List.of(), List.of(), List.of()),
                query(List.of("fill-mask"), List.of(), List.of(), List.of()),
                query(List.of("fill-mask", "text-generation"), List.of(), List.of("mit", "cc-by-4.0"), List.of()),
                query(List.of(), List.of("token-classification"), List.of(), List.of()),
                query(List.of("text-classification"), List.of("text-classification", "token-classification"),
                        List.of("mit"), List.of()),
                query(List.of(), List.of(), List.of("apache-2.0"), List.of("english")),
                query(List.of("text-generation"), List.of(), List.of(), List.of("german")),
                // With a search text the cards it finds are counted by combination, once for the three dimensions.
                search(List.of(), List.of(), List.of(), List.of(), "card"),
                search(List.of("fill-mask"), List.of("text-classification"), List.of("mit", "apache-2.0"), List.of(),
                        "bulk"),
                search(List.of(), List.of(), List.of("apache-2.0"), List.of("english"), "card"),
                search(List.of("text-generation", "fill-mask"), List.of(), List.of(), List.of(), "german"),
                search(List.of(), List.of(), List.of(), List.of(), "zebra"));
        List<Card> cards = cards();
        assertThat(cards).hasSize(60 - 10 + 40 - 14);
        for (ModelQuery q : queries) {
            ModelFacets facets = Models.facets(c, q);
            assertThat(facets.task()).as("tasks of %s", q).containsExactlyEntriesOf(count(cards, q, "task"));
            assertThat(facets.license()).as("licences of %s", q).containsExactlyEntriesOf(count(cards, q, "license"));
            assertThat(facets.finetuningTask()).as("fine-tuning tasks of %s", q)
                    .containsExactlyEntriesOf(count(cards, q, "finetuningTask"));
        }
        assertThat(Models.facets(c, queries.get(0)).license()).doesNotContainKey("gpl-3.0");

        try (var st = c.createStatement()) {
            st.executeUpdate("TRUNCATE model CASCADE");
        }
        assertThat(Models.facets(c, queries.get(0)).task()).isEmpty();
    }

    private record Card(String name, String task, String license, List<String> finetuningTasks, List<String> tags) {

        /** Whether a search for {@code word} finds it, for this test's words: a name's first part, or a tag. */
        boolean found(String word) {
            return name.startsWith(word + "-") || tags.contains(word);
        }
    }

    private List<Card> cards() throws SQLException {
        List<Card> cards = new ArrayList<>();
        try (var st = c.createStatement();
             var rs = st.executeQuery("SELECT name, task, license, finetuning_tasks, tags FROM model")) {
            while (rs.next()) {
                cards.add(new Card(rs.getString(1), rs.getString(2), rs.getString(3),
                        List.of((String[]) rs.getArray(4).getArray()), List.of((String[]) rs.getArray(5).getArray())));
            }
        }
        return cards;
    }

    /** The facet counted by hand: the cards matching every filter but the dimension's own, most first, then by name. */
    private static Map<String, Long> count(List<Card> cards, ModelQuery q, String dimension) {
        Map<String, Long> counts = new HashMap<>();
        for (Card card : cards) {
            boolean matches = (dimension.equals("task") || q.tasks().isEmpty() || q.tasks().contains(card.task()))
                    && (dimension.equals("license") || q.licenses().isEmpty() || q.licenses().contains(card.license()))
                    && (dimension.equals("finetuningTask") || q.finetuningTasks().isEmpty()
                        || card.finetuningTasks().stream().anyMatch(q.finetuningTasks()::contains))
                    && (q.tags().isEmpty() || card.tags().stream().anyMatch(q.tags()::contains))
                    && q.searchWords().stream().allMatch(card::found);
            if (!matches) {
                continue;
            }
            List<String> values = switch (dimension) {
                case "task" -> List.of(card.task());
                case "license" -> List.of(card.license());
                default -> card.finetuningTasks();
            };
            values.forEach(v -> counts.merge(v, 1L, Long::sum));
        }
        Map<String, Long> ordered = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> ordered.put(e.getKey(), e.getValue()));
        return ordered;
    }

    @Test
    void aCardsSearchEntryFollowsEveryWriteOfTheCard() throws SQLException {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            UUID id = UUID.randomUUID();
            Models.insert(c, id, fields("walrus-" + i, "fill-mask", "mit", List.of(), List.of("english")));
            ids.add(id);
        }
        db.executeHere("""
                INSERT INTO model (id, name, task, license, tags, description)
                SELECT gen_random_uuid(), 'bulk-' || i, 'text-generation', 'apache-2.0', '{german}', 'About otters.'
                FROM generate_series(1, 30) AS i""");
        assertThat(entriesUnlikeTheirCards()).as("after inserts").isZero();
        assertThat(searchNames(List.of(), "walrus")).hasSize(6);
        assertThat(searchNames(List.of(), "otters")).hasSize(30);

        ModelRow card = Models.find(c, ids.get(0)).orElseThrow();
        Models.update(c, card.id(), card.lockVersion(), new ModelFields("narwhal-0", "acme", "Finds krill.",
                "text-generation", List.of("text-generation"), "cc-by-4.0", List.of("arctic"), null, null, "[]",
                "manual", null, null)).orElseThrow();
        ModelVersions.add(c, ids.get(1), version("a", "file:///m", null));   // a new update time, and a version count
        db.executeHere("UPDATE model SET tags = '{german,otter}', updated_at = now() - interval '1 day'"
                + " WHERE name IN ('bulk-1', 'bulk-2')");
        assertThat(Models.deleteUnlessInUse(c, ids.get(2))).isEqualTo(Models.Deletion.DELETED);
        db.executeHere("DELETE FROM model WHERE name IN ('bulk-3', 'bulk-4', 'bulk-5')");
        // Only the rank vector's words change: a new publisher, and an excerpt written where there was none.
        db.executeHere("UPDATE model SET publisher = 'seal-lab' WHERE name = 'bulk-6'");
        db.executeHere("UPDATE model SET excerpt = 'About seals.' WHERE name = 'bulk-7'");
        assertThat(entriesUnlikeTheirCards()).as("after updates and deletions").isZero();
        assertThat(searchNames(List.of(), "walrus")).containsExactly("walrus-1", "walrus-3", "walrus-4", "walrus-5");
        assertThat(searchNames(List.of(), "krill")).containsExactly("narwhal-0");
        assertThat(searchNames(List.of("text-generation"), "narwhal")).containsExactly("narwhal-0");
        assertThat(searchNames(List.of("fill-mask"), "narwhal")).isEmpty();
        assertThat(searchNames(List.of(), "otter")).as("tags, and the description's otters").hasSize(27);
        try (var ps = c.prepareStatement("SELECT count(*) FROM model_search")) {
            try (var rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(6 - 1 + 30 - 3);
            }
        }
    }

    /**
     * How many cards' search entries differ from what the cards say, counting entries without a card. An entry's
     * rank vector holds the words of the card's name, tags, publisher, repository and excerpt (or, without an
     * excerpt, of its description's first 160 characters), each field with its weight.
     */
    private long entriesUnlikeTheirCards() throws SQLException {
        try (var ps = c.prepareStatement("""
                WITH card AS (
                    SELECT id, name, task, license, finetuning_tasks, tags, created_at, updated_at, search_vector,
                           setweight(to_tsvector('simple', translate(name, '-_./:@+', '       ')), 'A')
                           || setweight(to_tsvector('simple', translate(array_to_string(tags, ' ') || ' '
                                  || coalesce(publisher, '') || ' ' || coalesce(source_repo, ''), '-_./:@+', '       ')),
                                  'B')
                           || setweight(to_tsvector('simple', translate(coalesce(excerpt, left(description, 160), ''),
                                  '-_./:@+', '       ')), 'C') AS rank_vector
                    FROM model),
                entry AS (
                    SELECT id, name, task, license, finetuning_tasks, tags, created_at, updated_at, search_vector,
                           rank_vector
                    FROM model_search)
                SELECT count(*) FROM ((TABLE card EXCEPT TABLE entry) UNION ALL (TABLE entry EXCEPT TABLE card)) unlike
                """);
             var rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<String> searchNames(List<String> tasks, String word) throws SQLException {
        return Models.list(c, new ModelQuery(tasks, List.of(), List.of(), List.of(), List.of(word), ModelSort.NAME, 100,
                null)).items().stream().map(ModelRow::name).toList();
    }

    private static ModelQuery query(List<String> tasks, List<String> finetuningTasks, List<String> licenses,
                                    List<String> tags) {
        return new ModelQuery(tasks, finetuningTasks, licenses, tags, List.of(), ModelSort.NAME, 20, null);
    }

    private static ModelQuery search(List<String> tasks, List<String> finetuningTasks, List<String> licenses,
                                     List<String> tags, String word) {
        return new ModelQuery(tasks, finetuningTasks, licenses, tags, List.of(word), ModelSort.RELEVANCE, 20, null);
    }

    private static ModelFields fields(String name, String task, String license, List<String> finetuningTasks,
                                      List<String> tags) {
        return new ModelFields(name, "acme", "", task, finetuningTasks, license, tags, null, null, "[]", "manual",
                null, null);
    }

    private static ModelFields fields(String name) {
        return new ModelFields(name, "acme", "", "text-classification", List.of("text-classification"), "mit",
                List.of(), null, null, "[]", "manual", null, null);
    }

    private static ModelVersions.NewVersion version(String revision, String artifactUri, UUID parent) {
        return new ModelVersions.NewVersion(revision, artifactUri, parent, "{}", "");
    }
}
