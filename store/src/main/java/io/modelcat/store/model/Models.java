package io.modelcat.store.model;

import io.modelcat.store.Cursor;
import io.modelcat.store.Page;
import io.modelcat.store.SqlValues;
import io.modelcat.store.change.ChangeNotices;
import io.modelcat.store.job.Jobs;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code model} table: model cards, with the list, filter and search queries written by hand. Writes that
 * change a card raise its {@code lock_version}. A duplicate source repository fails with SQL state 23505, which
 * the caller reports in its own words. Imports' writes are in {@link ModelImports}, versions in {@link ModelVersions}.
 */
public final class Models {

    /**
     * A card's columns, with its version count and the id of its latest version (both kept by V35's triggers). The
     * latest versions are read afterwards, all of a page's in one query ({@link #withLatestVersions}): joined into
     * the page's query, they doubled the time PostgreSQL took to plan it.
     */
    private static final String SUMMARY_COLUMNS = """
            m.id, m.name, m.publisher, m.excerpt, m.task, m.finetuning_tasks, m.license, m.tags,
            m.library, m.architecture, m.source_type, m.source_repo,
            m.source_revision, m.status, m.status_message, m.created_at, m.updated_at, m.lock_version,
            m.version_count, m.latest_version_id""";

    /** A whole card's columns. */
    private static final String CARD_COLUMNS = SUMMARY_COLUMNS + ", m.description, m.samples::text AS samples";

    /**
     * A list page's columns: no samples, and the description only of a card without a stored excerpt (written before
     * V39 or by hand), to make its excerpt from.
     */
    private static final String LIST_COLUMNS = SUMMARY_COLUMNS
            + ", CASE WHEN m.excerpt IS NULL THEN m.description END AS description";

    private Models() {
    }

    /** What {@link #deleteUnlessInUse} did. */
    public enum Deletion { DELETED, NOT_FOUND, IN_USE }

    public static ModelRow insert(Connection c, UUID id, ModelFields fields) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO model (id, name, publisher, description, excerpt, task, finetuning_tasks, license, tags,
                                   library, architecture, samples, source_type, source_repo, source_revision)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)""")) {
            ps.setObject(1, id);
            bind(c, ps, 2, fields);
            ps.executeUpdate();
        }
        ChangeNotices.cardsChanged(c);
        return find(c, id).orElseThrow();
    }

    public static Optional<ModelRow> find(Connection c, UUID id) throws SQLException {
        List<CardRead> cards = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + CARD_COLUMNS + " FROM model m WHERE m.id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    cards.add(read(rs, true));
                }
            }
        }
        return withLatestVersions(c, cards).stream().findFirst();
    }

    /** Replaces the card's content if its lock version is still {@code expected}; empty if it is not (or is gone). */
    public static Optional<ModelRow> update(Connection c, UUID id, long expected, ModelFields fields) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE model SET name = ?, publisher = ?, description = ?, excerpt = ?, task = ?, finetuning_tasks = ?,
                                 license = ?, tags = ?, library = ?, architecture = ?, samples = ?::jsonb,
                                 source_type = ?, source_repo = ?, source_revision = ?,
                                 updated_at = now(), lock_version = lock_version + 1
                WHERE id = ? AND lock_version = ?""")) {
            int next = bind(c, ps, 1, fields);
            ps.setObject(next, id);
            ps.setLong(next + 1, expected);
            if (ps.executeUpdate() == 0) {
                return Optional.empty();
            }
        }
        ChangeNotices.cardsChanged(c);
        return find(c, id);
    }

    /** Deletes the card unless a queued or running job uses it. */
    public static Deletion deleteUnlessInUse(Connection c, UUID id) throws SQLException {
        // Lock the card first: a job submitted concurrently must either be seen here or fail its
        // foreign key check after the delete, never slip in between.
        if (!lock(c, id)) {
            return Deletion.NOT_FOUND;
        }
        if (Jobs.anyActiveFor(c, id)) {
            return Deletion.IN_USE;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM model WHERE id = ?")) {
            ps.setObject(1, id);
            ps.executeUpdate();
        }
        ChangeNotices.cardsChanged(c);
        return Deletion.DELETED;
    }

    /** Locks the card's row until the transaction ends; false if there is no such card. */
    /**
     * The cards a Hub-style repository id names: those imported or uploaded as {@code repoId} (any case), else,
     * when {@code nameSlug} is given, the other cards (fine-tuned, by hand) whose name, with every run of characters
     * other than letters, digits, '.' and '_' made one '-' and no '-' or '.' at its ends, is {@code nameSlug} (any case).
     */
    public static List<UUID> idsForRepo(Connection c, String repoId, String nameSlug) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT id FROM model WHERE source_type IN ('huggingface', 'upload') AND lower(source_repo) = lower(?)
                ORDER BY created_at, id""")) {
            ps.setString(1, repoId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
        }
        if (!ids.isEmpty() || nameSlug == null) {
            return ids;
        }
        // Few cards are fine-tuned or made by hand next to the imported ones: a scan of them is fine here.
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT id FROM model WHERE source_type IN ('finetuned', 'manual')
                  AND lower(trim(BOTH '-.' FROM regexp_replace(name, '[^A-Za-z0-9._]+', '-', 'g'))) = lower(?)
                ORDER BY created_at, id""")) {
            ps.setString(1, nameSlug);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return ids;
    }

    static boolean lock(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM model WHERE id = ? FOR UPDATE")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Records that the card gained a version: a change of the card, and it is ready once a version has files. */
    static void versionAdded(Connection c, UUID id, boolean withFiles) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE model SET updated_at = now(), lock_version = lock_version + 1,
                       status = CASE WHEN ? THEN 'ready' ELSE status END
                WHERE id = ?""")) {
            ps.setBoolean(1, withFiles);
            ps.setObject(2, id);
            ps.executeUpdate();
        }
        ChangeNotices.cardsChanged(c);
    }

    /**
     * One page of cards in the query's order; its cursor continues the same query. The page's cards are chosen first,
     * then their latest versions read in one query.
     */
    public static Page<ModelRow> list(Connection c, ModelQuery query) throws SQLException {
        return list(c, query, null);
    }

    /**
     * One page of cards, as {@link #list(Connection, ModelQuery)}, with the cards' combinations as recently read
     * ({@link CardCombinations}; null if not known) to choose how the page is read and planned ({@link PagePlan}).
     */
    public static Page<ModelRow> list(Connection c, ModelQuery query, CardCombinations counts) throws SQLException {
        List<CardRead> items = new ArrayList<>();
        String lastKey = null;
        boolean more = false;
        Statement page = pageStatement(query, counts);
        try (PreparedStatement ps = c.prepareStatement(page.text())) {
            SqlValues.bind(c, ps, page.params());
            try (ResultSet rs = page.rows(ps)) {
                while (rs.next()) {
                    if (items.size() == query.limit()) {
                        more = true;
                        break;
                    }
                    items.add(read(rs, false));
                    lastKey = rs.getString("sort_key");
                }
            }
        }
        Cursor next = more ? Cursor.of(query.sort().wireName(), lastKey, items.get(items.size() - 1).card().id()) : null;
        return new Page<>(withLatestVersions(c, items), next);
    }

    /**
     * What a page runs under when planned once ({@link #plannedOnce}): the plan made once for its statement, and for
     * a walk of combinations no bitmap scan, so that each combination is walked in the order whatever PostgreSQL
     * guesses of its size (for combinations of a few cards, a bitmap scan and a sort of them all looked cheaper to it
     * than the walk, and is not, for the combinations of thousands of cards that the same plan then serves).
     */
    private static final List<Setting> PLANNED_ONCE = List.of(new Setting("plan_cache_mode", "force_generic_plan"));
    private static final List<Setting> COMBINATIONS_PLANNED_ONCE = List.of(
            new Setting("plan_cache_mode", "force_generic_plan"), new Setting("enable_bitmapscan", "off"));

    /** The longest walk, in index entries, that a page may make on a plan made once ({@link #plannedOnce}). */
    static final long MAX_WALK_PLANNED_ONCE = 2_000;

    /**
     * Whether how the query's page is planned depends on how many cards its filters match: filters on task, licence or
     * fine-tuning tasks that no index leads (several values of a task or licence, or fine-tuning tasks alone), without
     * a search text or tags. For these, {@link #list(Connection, ModelQuery, CardCombinations)} wants the counts.
     */
    public static boolean planDependsOnCounts(ModelQuery query) {
        if (query.searches() || !query.tags().isEmpty()) {
            return false;
        }
        SqlFilter filter = SqlFilter.of(query);
        return filter.lead() == null && !filter.unfiltered();
    }

    /**
     * Whether the page runs on the plan PostgreSQL made once for its statement, whatever the values, instead of one
     * made for its values on every run. A page of filters that no index leads is planned anew on every run (PostgreSQL
     * never found the plan for any values cheaper than the plans for the values given), and planning was about a third
     * of its cost: the several-value page of bench/catalog-list.sh ran 3,100–3,800 pages/s planned once against
     * 2,000–2,400 planned every time (docs/performance.md). The plan made once is the walk of the order's index,
     * testing each card it meets in the index ({@link #pageStatement}), which is what PostgreSQL chooses for the
     * values given when they match many cards; for values few cards have, it walks most of the index (37.7 ms at
     * 100,000 cards, where the plan for those values reads the few matches and sorts them in 0.05 ms). So a page is
     * planned once only when the counts say one of two walks is short, that of the order's index
     * ({@link PagePlan}) or those of the combinations its filters match ({@link #walksCombinations}): the shorter
     * must meet at most {@link #MAX_WALK_PLANNED_ONCE} entries (about 1.5 ms of walking).
     */
    static boolean plannedOnce(ModelQuery query, CardCombinations counts) {
        return PagePlan.of(query, counts).plannedOnce();
    }

    /**
     * Whether a page planned once ({@link #plannedOnce}) walks each combination of task, licence and fine-tuning tasks
     * its filters match, in the order, and merges them ({@link #pageStatement}), rather than its order's index: when
     * those walks meet fewer entries. For two tasks, two licences and a fine-tuning task of bench/catalog-list.sh, four
     * walks of 21 entries against one of 841; for a fine-tuning task alone, the combinations that have it are many
     * (57 of its 228) and the order's index, where about one card in four has it, is walked instead.
     */
    static boolean walksCombinations(ModelQuery query, CardCombinations counts) {
        return PagePlan.of(query, counts).combinations() != null;
    }

    /** What a walk costs besides its entries, in entries: the descent of its index to its first entry. */
    static final long COMBINATION_DESCENT = 20;

    /**
     * How a page is read, as the counts tell: planned for its values, or planned once walking its order's index, or
     * planned once walking the {@code combinations} its filters match (null unless so).
     */
    record PagePlan(boolean plannedOnce, List<CardCombinations.Combination> combinations) {

        static final PagePlan FOR_ITS_VALUES = new PagePlan(false, null);

        static PagePlan of(ModelQuery query, CardCombinations counts) {
            if (counts == null || !planDependsOnCounts(query)) {
                return FOR_ITS_VALUES;
            }
            List<CardCombinations.Combination> matched = counts.matchedBy(query);
            int rows = rowsRead(query.limit());
            long matching = 0;
            // The walks of the matching combinations, their descents counted as entries.
            long combinationsWalk = 0;
            for (CardCombinations.Combination combination : matched) {
                matching += combination.cards();
                combinationsWalk += COMBINATION_DESCENT + Math.min(combination.cards(), rows);
            }
            // The walk of the order's index: the rows it reads × all cards ÷ the cards its filters match (the matches
            // spread through the order, as the planner assumes too).
            long orderWalk = matching == 0 ? Long.MAX_VALUE : rows * counts.total() / matching;
            if (Math.min(orderWalk, combinationsWalk) > MAX_WALK_PLANNED_ONCE) {
                return FOR_ITS_VALUES;
            }
            return new PagePlan(true, combinationsWalk < orderWalk ? matched : null);
        }
    }

    /** A card's combination as the combination indexes name it (V42). */
    private static final String COMBINATION =
            "(model_combination(m.task, m.license, m.finetuning_tasks) COLLATE \"C\")";

    /** A setting of the session, as {@code SET name = value} makes it: constants, written into a statement's text. */
    record Setting(String name, String value) {
    }

    /**
     * An SQL statement, the values of its parameters, and the settings it runs under (none: the session's). The
     * settings are made in the statement's own text, by one {@code SELECT set_config(name, value, true), ...} before
     * it ({@link #text}): the driver sends the two with one Sync, so they cost no round trip and run in one implicit
     * transaction, and PostgreSQL undoes settings made for a transaction when it ends, the statement's success or
     * failure alike (the connection goes back to the pool as it was). A SET and a RESET per setting did the same in
     * five statements instead of two (docs/performance.md). In a transaction of the caller's the settings would last
     * until its end, so {@link #rows} runs them only on an auto-commit connection.
     */
    record Statement(String sql, List<Object> params, List<Setting> settings) {

        Statement(String sql, List<Object> params) {
            this(sql, params, List.of());
        }

        /** The text to send: the settings' SELECT, if any, then the statement. */
        String text() {
            if (settings.isEmpty()) {
                return sql;
            }
            StringBuilder text = new StringBuilder("SELECT ");
            for (int i = 0; i < settings.size(); i++) {
                text.append(i == 0 ? "" : ", ").append("set_config('").append(settings.get(i).name()).append("', '")
                        .append(settings.get(i).value()).append("', true)");
            }
            return text.append("; ").append(sql).toString();
        }

        /** The rows of the statement, run as {@link #text} sent: after the settings' row, if any. */
        ResultSet rows(PreparedStatement ps) throws SQLException {
            if (!settings.isEmpty() && !ps.getConnection().getAutoCommit()) {
                throw new SQLException("a statement under settings runs on an auto-commit connection");
            }
            boolean rows = ps.execute();
            if (!settings.isEmpty()) {
                if (!rows) {
                    throw new SQLException("a statement under settings did not answer its settings first");
                }
                rows = ps.getMoreResults();
            }
            if (!rows) {
                throw new SQLException("a statement answered no rows");
            }
            return ps.getResultSet();
        }
    }

    /**
     * The query of one page of the list: the page's cards, and one more when there are more.
     *
     * <p>Without a search text the page walks the index of its order (led by its one-value filter, see
     * {@link SqlFilter}) and stops after the page. Filters that no index leads (several values of a task or licence,
     * fine-tuning tasks, tags) are tested on each card the walk meets: the walk takes only ids and sort keys, which the
     * order's index gives with the task, licence and fine-tuning tasks it carries (V38: an index-only scan), and the
     * page's cards are then read by id. A search's matches come through the search index of
     * {@code model_search} (a narrow row per card with what a search filters, orders and ranks on; V36), each as its
     * id and sort key only, are ordered (a top-N sort), and the page's cards are then read by id: walking an order's
     * index and testing each card instead would read most of the catalog whenever the matches cluster in that order,
     * as a search for a word of the names does in name order, and reading or carrying every match's whole card made a
     * search of 10,000 matches twice as slow (docs/performance.md).
     */
    static Statement pageStatement(ModelQuery query) {
        return pageStatement(query, null);
    }

    /**
     * The query of one page, as {@link #pageStatement(ModelQuery)}, or, when the counts say so
     * ({@link #walksCombinations}), one that walks each combination of task, licence and fine-tuning tasks the filters
     * match in the order (an index-only scan of V42's index of that order, as long as the page), keeps the page's
     * first of all these walks' entries, and reads those cards by id. The combinations are those the counts know,
     * and any added since: the counts hold every row of {@code model_facet_count}, whose rows are never deleted, so
     * while it has as many rows no combination was added (PostgreSQL counts its few hundred rows and looks no
     * further). A combination the counts know whose cards are gone gives an empty walk.
     */
    static Statement pageStatement(ModelQuery query, CardCombinations counts) {
        PagePlan plan = PagePlan.of(query, counts);
        SqlFilter filter = SqlFilter.of(query);
        ModelSort sort = query.sort();
        String key = sort == ModelSort.RELEVANCE ? sort.keyExpression().formatted("q.query") : sort.keyExpression();
        // The filter's values, then the cursor's, which come last in every form below.
        List<Object> params = new ArrayList<>(filter.params());
        List<Object> cursor = new ArrayList<>();
        if (query.after() != null) {
            if (!sort.continues(query.after())) {
                throw new IllegalArgumentException("not a cursor of the " + sort.wireName() + " order: " + query.after());
            }
            cursor.add(query.after().key());
            cursor.add(query.after().uuid().orElseThrow());
        }
        PageOrder order = PageOrder.of(sort, query.after() != null);
        String limit = " LIMIT " + rowsRead(query.limit());
        String sql;
        if (plan.combinations() != null) {
            List<String> known = plan.combinations().stream().map(CardCombinations.Combination::key).toList();
            String combinations = "SELECT k COLLATE \"C\" FROM unnest(CAST(? AS text[])) k UNION ALL SELECT "
                    + COMBINATION + " FROM model_facet_count m WHERE (SELECT count(*) FROM model_facet_count) <> ? AND "
                    + filter.where() + " AND " + COMBINATION + " <> ALL (CAST(? AS text[]))";
            String walk = "SELECT m.id, " + key + " AS sort_value FROM model m WHERE " + COMBINATION + " = g.k"
                    + order.after(key, "m.id") + order.by(key, "m.id") + limit;
            String chosen = "SELECT b.id, b.sort_value FROM (" + combinations + ") g (k) CROSS JOIN LATERAL (" + walk
                    + ") b" + order.by("b.sort_value", "b.id") + limit;
            sql = byId(chosen, order);
            params.add(0, known);
            params.add(1, (long) counts.combinations().size());
            params.add(known);
        } else if (query.searches()) {
            // OFFSET 0 keeps the planner from merging the matches into an ordered walk.
            String matches = "SELECT m.id, " + key + " AS sort_value FROM " + filter.from() + " WHERE " + filter.where()
                    + " OFFSET 0";
            String chosen = "SELECT p.id, p.sort_value FROM (" + matches + ") p WHERE true"
                    + order.after("p.sort_value", "p.id") + order.by("p.sort_value", "p.id") + limit;
            sql = filter.with() + byId(chosen, order);
        } else if (filter.lead() == null && !filter.unfiltered()) {
            String chosen = "SELECT m.id, " + key + " AS sort_value FROM " + filter.from() + " WHERE " + filter.where()
                    + order.after(key, "m.id") + order.by(key, "m.id") + limit;
            sql = byId(chosen, order);
        } else {
            String lead = filter.lead() == null ? "" : filter.lead() + " " + order.direction() + ", ";
            String chosen = "SELECT m.*, " + key + " AS sort_value FROM " + filter.from() + " WHERE " + filter.where()
                    + order.after(key, "m.id") + order.by(lead + key, "m.id") + limit;
            sql = "SELECT " + LIST_COLUMNS + ", m.sort_value::text AS sort_key FROM (" + chosen + ") m"
                    + order.by("m.sort_value", "m.id");
        }
        params.addAll(cursor);
        return new Statement(sql, params, !plan.plannedOnce() ? List.of()
                : plan.combinations() != null ? COMBINATIONS_PLANNED_ONCE : PLANNED_ONCE);
    }

    /** The page's cards read by the ids and sort keys {@code chosen} gives, in the order. */
    private static String byId(String chosen, PageOrder order) {
        return "SELECT " + LIST_COLUMNS + ", p.sort_value::text AS sort_key FROM (" + chosen
                + ") p JOIN model m ON m.id = p.id" + order.by("p.sort_value", "p.id");
    }

    /**
     * How a page's statement orders its rows and continues a cursor, written into it by concatenation
     * ({@code String.formatted} parsed its format for every piece of every page: about 1% of the service's CPU).
     */
    private record PageOrder(String direction, String continuation) {

        static PageOrder of(ModelSort sort, boolean continues) {
            String direction = sort.descending() ? "DESC" : "ASC";
            return new PageOrder(direction, !continues ? null
                    : (sort.descending() ? "<" : ">") + " (CAST(? AS " + sort.keyType() + "), ?)");
        }

        /** {@code ORDER BY} the key, then the id, in the order's direction. */
        String by(String key, String id) {
            return " ORDER BY " + key + " " + direction + ", " + id + " " + direction;
        }

        /** The condition that keeps the rows after the cursor's key and id (its two parameters), if any. */
        String after(String key, String id) {
            return continuation == null ? "" : " AND (" + key + ", " + id + ") " + continuation;
        }
    }

    /**
     * How many cards a page's statement reads: the page's and one more, the page size rounded up to a multiple of ten
     * ({@link #list} stops after the one more). The number is written into the statement, not bound: a bound limit
     * makes PostgreSQL plan for any limit (a tenth of the matches), which for filters that no index leads is a sort of
     * all the matches instead of a walk of the order's index. Written exactly, every page size was a statement of its
     * own, which prepared statements (kept per text and connection) did not keep: planned on every run, the varied
     * pages ran at 2,000 pages/s against 3,400 with one size. Rounded, ten texts serve every size; the API's default
     * 20 reads no more rows than it needs, the web UI's 24 up to seven more.
     */
    static int rowsRead(int limit) {
        return (limit + 9) / 10 * 10 + 1;
    }

    /**
     * The query's facet counts ({@link ModelFacets#of}), from one statement that counts the cards by combination of
     * task, licence and fine-tuning tasks: for filters on those three alone, the combinations' counts
     * ({@code model_facet_count}, a few hundred rows however large the catalog); with a search text or tags, the
     * cards these match grouped by combination, read once for the three dimensions (one statement per dimension read
     * them three times: docs/performance.md).
     */
    public static ModelFacets facets(Connection c, ModelQuery query) throws SQLException {
        Statement statement = facetStatement(query);
        try (PreparedStatement ps = c.prepareStatement(statement.sql())) {
            SqlValues.bind(c, ps, statement.params());
            try (ResultSet rs = ps.executeQuery()) {
                return ModelFacets.of(CardCombinations.rows(rs), query);
            }
        }
    }

    /** The statement of {@link #facets}: each combination the query's search text and tags match, and its cards. */
    private static Statement facetStatement(ModelQuery query) {
        if (!query.searches() && query.tags().isEmpty()) {
            return new Statement(CardCombinations.SELECT_ALL, List.of());
        }
        // The search and the tags only: each dimension's counts leave out its own filter, so the filters on the three
        // apply to the combinations afterwards.
        SqlFilter filter = SqlFilter.of(new ModelQuery(List.of(), List.of(), List.of(), query.tags(),
                query.searchWords(), query.sort(), query.limit(), null));
        return new Statement(filter.with() + "SELECT m.task, m.license, m.finetuning_tasks, model_combination(m.task, "
                + "m.license, m.finetuning_tasks), count(*) FROM " + filter.from() + " WHERE " + filter.where()
                + " GROUP BY 1, 2, 3", filter.params());
    }

    /**
     * What PostgreSQL does for a list request: {@code EXPLAIN (ANALYZE, BUFFERS)} of the statement {@link #list}
     * runs for the query's page and, with facets, of the statement {@link #facets} runs, with the query's values
     * (so the plan made for those values; a prepared statement run many times may keep a plan made for any values),
     * except that a page {@link #list} runs on the plan made once ({@link #plannedOnce}, with the same {@code counts})
     * shows that plan. Running a plan runs its statement: reads only.
     */
    public static ModelPlans plans(Connection c, ModelQuery query, boolean withFacets, CardCombinations counts)
            throws SQLException {
        String facets = withFacets ? explain(c, facetStatement(query)) : null;
        Statement page = pageStatement(query, counts);
        return new ModelPlans(page.settings().isEmpty() ? explain(c, page) : explainPlannedOnce(c, page), facets);
    }

    private static final String EXPLAIN = "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ";

    private static String explain(Connection c, Statement statement) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(EXPLAIN + statement.sql())) {
            SqlValues.bind(c, ps, statement.params());
            try (ResultSet rs = ps.executeQuery()) {
                return lines(rs);
            }
        }
    }

    /**
     * The plan made once for any values, run with the statement's: EXPLAIN of a statement with parameters plans it for
     * their values, so the statement is prepared by name ({@code $1}, {@code $2}, ... for its parameters) and EXPLAIN
     * runs its EXECUTE, whose values are written into its text (as literals PostgreSQL quoted: it takes no parameters).
     */
    private static String explainPlannedOnce(Connection c, Statement statement) throws SQLException {
        int parameters = statement.params().size();
        List<String> literals = new ArrayList<>();
        if (parameters > 0) {
            try (PreparedStatement ps = c.prepareStatement("SELECT "
                    + String.join(", ", Collections.nCopies(parameters, "quote_nullable(CAST(? AS text))")))) {
                SqlValues.bind(c, ps, statement.params());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    for (int i = 1; i <= parameters; i++) {
                        literals.add(rs.getString(i));
                    }
                }
            }
        }
        try (java.sql.Statement st = c.createStatement()) {
            st.execute("PREPARE modelcat_plan AS " + numbered(statement.sql()));
        }
        Statement explained = new Statement(EXPLAIN + "EXECUTE modelcat_plan(" + String.join(", ", literals) + ")",
                List.of(), statement.settings());
        try (PreparedStatement ps = c.prepareStatement(explained.text())) {
            try (ResultSet rs = explained.rows(ps)) {
                return lines(rs);
            }
        } finally {
            try (java.sql.Statement st = c.createStatement()) {
                st.execute("DEALLOCATE modelcat_plan");
            }
        }
    }

    /** The statement with its parameters written {@code $1}, {@code $2}, ... in order, as PREPARE takes them. */
    static String numbered(String sql) {
        StringBuilder numbered = new StringBuilder();
        int parameters = 0;
        for (char ch : sql.toCharArray()) {
            if (ch == '?') {
                numbered.append('$').append(++parameters);
            } else {
                numbered.append(ch);
            }
        }
        return numbered.toString();
    }

    private static String lines(ResultSet rs) throws SQLException {
        StringBuilder text = new StringBuilder();
        while (rs.next()) {
            text.append(rs.getString(1)).append('\n');
        }
        return text.toString();
    }

    private static int bind(Connection c, PreparedStatement ps, int first, ModelFields f) throws SQLException {
        int i = first;
        ps.setString(i++, f.name());
        ps.setString(i++, f.publisher());
        ps.setString(i++, f.description());
        ps.setString(i++, CardExcerpt.of(f.description()));
        ps.setString(i++, f.task());
        ps.setArray(i++, c.createArrayOf("text", f.finetuningTasks().toArray()));
        ps.setString(i++, f.license());
        ps.setArray(i++, c.createArrayOf("text", f.tags().toArray()));
        ps.setString(i++, f.library());
        ps.setString(i++, f.architecture());
        ps.setString(i++, f.samples());
        ps.setString(i++, f.sourceType());
        ps.setString(i++, f.sourceRepo());
        ps.setString(i++, f.sourceRevision());
        return i;
    }

    /** A card as its row gives it: without its latest version, whose id (or null) comes beside it. */
    private record CardRead(ModelRow card, UUID latestVersionId) {
    }

    /** A card as its row gives it: whole, or as a list page reads it (no description, no samples). */
    private static CardRead read(ResultSet rs, boolean whole) throws SQLException {
        String excerpt = rs.getString("excerpt");
        String description = rs.getString("description");
        return new CardRead(new ModelRow(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                rs.getString("publisher"),
                whole ? description : null,
                excerpt != null ? excerpt : CardExcerpt.of(description),
                rs.getString("task"),
                SqlValues.strings(rs.getArray("finetuning_tasks")),
                rs.getString("license"),
                SqlValues.strings(rs.getArray("tags")),
                rs.getString("library"),
                rs.getString("architecture"),
                whole ? rs.getString("samples") : null,
                rs.getString("source_type"),
                rs.getString("source_repo"),
                rs.getString("source_revision"),
                rs.getString("status"),
                rs.getString("status_message"),
                null,
                rs.getInt("version_count"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(),
                rs.getLong("lock_version")), rs.getObject("latest_version_id", UUID.class));
    }

    /** The cards, each with its latest version; one query for all of them, when any has one. */
    private static List<ModelRow> withLatestVersions(Connection c, List<CardRead> cards) throws SQLException {
        List<UUID> ids = cards.stream().map(CardRead::latestVersionId).filter(Objects::nonNull).toList();
        Map<UUID, VersionRow> versions = ids.isEmpty() ? Map.of() : ModelVersions.byIds(c, ids);
        return cards.stream().map(read -> read.latestVersionId() == null ? read.card()
                : read.card().withLatestVersion(versions.get(read.latestVersionId()))).toList();
    }

    /**
     * The WHERE clause of a list request, what it reads (the cards, or a search's their search entries, as
     * {@code m}; with the search's query as {@code q}), and the column that leads the list's order, or null.
     *
     * <p>The first of task and licence filtered to one value leads the order (the list is ordered by it, then by the
     * sort key): with one value that is the same order, and only the indexes that start with the column give it, so
     * every plan reads one of them. Otherwise a plan made once for any value (a prepared statement's generic plan,
     * which PostgreSQL may keep after five runs) could walk the sort key's own index and test each card: 105 ms
     * instead of 0.06 ms at 100,000 cards for a task few cards have. The leading filter is written {@code = ANY}
     * with its one value: PostgreSQL drops from an order a column it knows equals one value.
     */
    private record SqlFilter(String with, String from, String where, List<Object> params, String lead) {

        static SqlFilter of(ModelQuery q) {
            List<String> clauses = new ArrayList<>();
            List<Object> params = new ArrayList<>();
            String with = "";
            String from = "model m";
            String lead = null;
            if (q.searches()) {
                // Made once per statement (model_search_query, V34): inlined, it would be made again for every match.
                with = "WITH q AS MATERIALIZED (SELECT model_search_query(CAST(? AS text[])) AS query) ";
                // The cards' search entries (V36): what a search filters, orders and ranks on, a narrow row per card.
                from = "model_search m CROSS JOIN q";
                params.add(q.searchWords());
                clauses.add("m.search_vector @@ q.query");
            }
            if (!q.tasks().isEmpty()) {
                lead = q.tasks().size() == 1 ? "m.task" : null;
                clauses.add(oneOf("m.task", q.tasks(), params, lead != null));
            }
            if (!q.finetuningTasks().isEmpty()) {
                clauses.add("m.finetuning_tasks && CAST(? AS text[])");
                params.add(q.finetuningTasks());
            }
            if (!q.licenses().isEmpty()) {
                boolean leads = lead == null && q.licenses().size() == 1;
                lead = leads ? "m.license" : lead;
                clauses.add(oneOf("m.license", q.licenses(), params, leads));
            }
            if (!q.tags().isEmpty()) {
                clauses.add("m.tags && CAST(? AS text[])");
                params.add(q.tags());
            }
            String where = clauses.isEmpty() ? "true" : String.join(" AND ", clauses);
            return new SqlFilter(with, from, where, params, lead);
        }

        /** Whether it filters nothing (every card is listed). */
        boolean unfiltered() {
            return "true".equals(where);
        }

        /** {@code column = ?} for one value that does not lead the order, else {@code column = ANY (?)}. */
        private static String oneOf(String column, List<String> values, List<Object> params, boolean leads) {
            if (values.size() == 1 && !leads) {
                params.add(values.get(0));
                return column + " = ?";
            }
            params.add(values);
            return column + " = ANY (?)";
        }
    }
}
