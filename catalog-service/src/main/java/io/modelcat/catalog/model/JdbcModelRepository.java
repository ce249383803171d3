package io.modelcat.catalog.model;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.modelcat.catalog.problem.ConflictException;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.store.Database;
import io.modelcat.store.Page;
import io.modelcat.store.llm.LlmConnections;
import io.modelcat.store.model.CardCombinations;
import io.modelcat.store.model.HostedCards;
import io.modelcat.store.model.ModelFacets;
import io.modelcat.store.model.ModelFields;
import io.modelcat.store.model.ModelImports;
import io.modelcat.store.model.ModelPlans;
import io.modelcat.store.model.ModelQuery;
import io.modelcat.store.model.ModelRow;
import io.modelcat.store.model.ModelVersions;
import io.modelcat.store.model.Models;
import io.modelcat.store.model.VersionRow;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Model cards and versions as the catalog shows them, through the store's {@link Models} and {@link ModelVersions}. */
@Singleton
final class JdbcModelRepository implements ModelRepository {

    private final Database db;
    private final JsonMapper json;
    private final FacetCache facets;

    JdbcModelRepository(Database db, JsonMapper json, FacetCache facets) {
        this.db = db;
        this.json = json;
        this.facets = facets;
    }

    @Override
    public ModelCard insert(UUID id, ModelDraft draft) {
        ModelFields fields = fields(draft);
        return write(c -> card(c, Models.insert(c, id, fields)));
    }

    @Override
    public Optional<ModelCard> find(UUID id) {
        return read(c -> {
            Optional<ModelRow> row = Models.find(c, id);
            return row.isEmpty() ? Optional.<ModelCard>empty() : Optional.of(card(c, row.get()));
        });
    }

    @Override
    public Optional<ModelCard> update(UUID id, long expectedVersion, ModelDraft draft) {
        ModelFields fields = fields(draft);
        return write(c -> {
            Optional<ModelRow> row = Models.update(c, id, expectedVersion, fields);
            return row.isEmpty() ? Optional.<ModelCard>empty() : Optional.of(card(c, row.get()));
        });
    }

    @Override
    public Optional<UUID> markImporting(String repoId) {
        return write(c -> ModelImports.markImporting(c, repoId));
    }

    @Override
    public DeleteOutcome deleteUnlessInUse(UUID id) {
        return write(c -> switch (Models.deleteUnlessInUse(c, id)) {
            case DELETED -> DeleteOutcome.DELETED;
            case NOT_FOUND -> DeleteOutcome.NOT_FOUND;
            case IN_USE -> DeleteOutcome.IN_USE;
        });
    }

    @Override
    public ModelPage list(ModelQuery query) {
        CardCombinations counts = countsFor(query);
        return read(c -> {
            Page<ModelRow> page = Models.list(c, query, counts);
            List<ModelSummary> items = new ArrayList<>();
            Map<String, Optional<LlmConnections.ConnectionRow>> connections = new HashMap<>();
            for (ModelRow row : page.items()) {
                items.add(summary(row, hosted(c, row, connections)));
            }
            return new ModelPage(items, page.next() == null ? null : page.next().encode(), null, null);
        });
    }

    @Override
    public ModelPage.Facets facets(ModelQuery query) {
        return read(c -> {
            ModelFacets counts = Models.facets(c, query);
            return new ModelPage.Facets(counts.task(), counts.finetuningTask(), counts.license());
        });
    }

    @Override
    public ModelPlans plans(ModelQuery query, boolean withFacets) {
        CardCombinations counts = countsFor(query);
        return read(c -> Models.plans(c, query, withFacets, counts));
    }

    /** The cards' combinations, recently read, when the query's plan depends on them; else null. */
    private CardCombinations countsFor(ModelQuery query) {
        return Models.planDependsOnCounts(query) ? facets.combinations(() -> read(CardCombinations::read)) : null;
    }

    @Override
    public List<UUID> idsForRepo(String repoId, String nameSlug) {
        return read(c -> Models.idsForRepo(c, repoId, nameSlug));
    }

    @Override
    public List<ModelVersion> versions(UUID modelId) {
        return read(c -> ModelVersions.of(c, modelId).stream().map(this::version).toList());
    }

    @Override
    public Optional<ModelVersion> findVersion(UUID versionId) {
        return read(c -> ModelVersions.find(c, versionId).map(this::version));
    }

    @Override
    public Optional<ModelVersion> addVersion(UUID modelId, NewVersion version) {
        ModelVersions.NewVersion row = new ModelVersions.NewVersion(version.sourceRevision(), version.artifactUri(),
                version.parentVersionId(), toJson(version.lineage()), version.notes());
        return write(c -> {
            ModelVersions.Added added = ModelVersions.add(c, modelId, row);
            return switch (added.outcome()) {
                case ADDED -> Optional.of(version(added.version()));
                case NO_SUCH_MODEL -> Optional.<ModelVersion>empty();
                case NO_SUCH_PARENT -> throw new InvalidFieldException("parentVersionId",
                        "no model version has id " + version.parentVersionId());
            };
        });
    }

    /** Runs a write; a second card for one source repository (SQL state 23505) is a conflict. */
    private <T> T write(Database.Work<T> work) {
        return db.write(c -> duplicateIsConflict(work, c));
    }

    /** Runs a read on an auto-commit connection: one round trip per query, no BEGIN and COMMIT around it. */
    private <T> T read(Database.Work<T> work) {
        return db.read(c -> duplicateIsConflict(work, c));
    }

    private static <T> T duplicateIsConflict(Database.Work<T> work, java.sql.Connection c)
            throws SQLException, IOException {
        try {
            return work.run(c);
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new ConflictException("a model card for this source repository already exists");
            }
            throw e;
        }
    }

    private ModelFields fields(ModelDraft d) {
        return new ModelFields(d.name(), d.publisher(), d.description(), d.task(), d.finetuningTasks(), d.license(),
                d.tags(), d.library(), d.architecture(), toJson(d.samples()), d.sourceType(), d.sourceRepo(),
                d.sourceRevision());
    }

    private ModelCard card(java.sql.Connection c, ModelRow row) throws SQLException {
        return card(row, hosted(c, row, new HashMap<>()));
    }

    /** What a hosted card's connection says of calling it (null for other cards, or when the connection is gone). */
    private static ModelCard.Hosted hosted(java.sql.Connection c, ModelRow row,
                                           Map<String, Optional<LlmConnections.ConnectionRow>> connections)
            throws SQLException {
        if (!HostedCards.SOURCE_TYPE.equals(row.sourceType()) || row.sourceRepo() == null) {
            return null;
        }
        String name = HostedCards.connectionOf(row.sourceRepo());
        Optional<LlmConnections.ConnectionRow> connection = connections.get(name);
        if (connection == null) {
            connection = LlmConnections.byName(c, name);
            connections.put(name, connection);
        }
        if (connection.isEmpty()) {
            return null;
        }
        String model = row.sourceRepo().substring(name.length() + 1);
        LlmConnections.Price price = connection.get().settings().prices().get(model);
        return new ModelCard.Hosted(name, connection.get().settings().kind(), model, row.sourceRepo(),
                price == null ? null : price.inputPerMillion(), price == null ? null : price.outputPerMillion());
    }

    private ModelCard card(ModelRow row, ModelCard.Hosted hosted) {
        return new ModelCard(summary(row, hosted), row.description(),
                fromJson(row.samples(), Argument.listOf(ModelSample.class)));
    }

    /** A card's summary, all that a list page carries of it (a list page's row has no description and samples). */
    private ModelSummary summary(ModelRow row, ModelCard.Hosted hosted) {
        return new ModelSummary(row.id(), row.name(), row.publisher(), row.excerpt(), row.task(), row.finetuningTasks(),
                row.license(), row.tags(), row.library(), row.architecture(),
                new ModelCard.Source(row.sourceType(), row.sourceRepo(), row.sourceRevision()), row.status(),
                row.statusMessage(), row.latestVersion() == null ? null : version(row.latestVersion()),
                row.versionCount(), row.createdAt(), row.updatedAt(), row.lockVersion(),
                HubRepoId.of(row.sourceType(), row.sourceRepo(), row.name()), hosted);
    }

    private ModelVersion version(VersionRow row) {
        return new ModelVersion(row.id(), row.modelId(), row.versionNumber(), row.sourceRevision(), row.artifactUri(),
                row.parentVersionId(), fromJson(row.lineage(), Argument.mapOf(String.class, Object.class)), row.notes(),
                row.createdAt());
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads stored JSON; an empty list or object (most cards' samples, most versions' lineage) needs no parser. */
    @SuppressWarnings("unchecked")
    private <T> T fromJson(String text, Argument<T> type) {
        if ("[]".equals(text) && type.getType() == List.class) {
            return (T) List.of();
        }
        if ("{}".equals(text) && type.getType() == Map.class) {
            return (T) Map.of();
        }
        try {
            return json.readValue(text, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
