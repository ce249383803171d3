package io.modelcat.catalog.model;

import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.audit.AuditLog;
import io.modelcat.catalog.problem.ConflictException;
import io.modelcat.catalog.problem.FieldError;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.catalog.problem.NotFoundException;
import io.modelcat.jobs.task.Task;
import io.modelcat.store.Cursor;
import io.modelcat.store.model.HostedCards;
import io.modelcat.store.model.ModelPlans;
import io.modelcat.store.model.ModelQuery;
import io.modelcat.store.model.ModelSort;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The model catalog's rules: what a valid card is, how lists are filtered, when a card may change. */
@Singleton
public class ModelService {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;
    private static final int MAX_SEARCH_TERMS = 10;

    private final ModelRepository repository;
    private final FacetCache facets;
    private final RecentPages recentPages;
    private final AuditLog audit;

    public ModelService(ModelRepository repository, FacetCache facets, RecentPages recentPages, AuditLog audit) {
        this.repository = repository;
        this.facets = facets;
        this.recentPages = recentPages;
        this.audit = audit;
    }

    /**
     * Forgets cached counts and pages after a change made elsewhere: an upload registering a card here, or any
     * card change another service or a runner announced (change.ChangeListener).
     */
    public void cardsChanged() {
        changed();
    }

    /** Forgets cached counts and pages after a change of this service's. */
    private void changed() {
        facets.clear();
        recentPages.clear();
    }

    public ModelCard create(ModelRequests.Create request, Caller caller) {
        ModelRequests.SourceInput source = request.source();
        ModelDraft draft = new ModelDraft(
                request.name().strip(),
                request.publisher(),
                request.description() == null ? "" : request.description(),
                request.task(),
                orEmpty(request.finetuningTasks()),
                request.license().toLowerCase(Locale.ROOT),
                orEmpty(request.tags()),
                request.library(),
                request.architecture(),
                request.samples() == null ? List.of() : request.samples(),
                source == null || source.type() == null ? "manual" : source.type(),
                source == null ? null : source.repo(),
                source == null ? null : source.revision());
        ModelCard card = repository.insert(UUID.randomUUID(), checked(draft));
        changed();
        audit.record(caller.did("model.create", "model", card.summary().id(), Map.of("name", card.summary().name())));
        return card;
    }

    public ModelCard get(UUID id) {
        return repository.find(id).orElseThrow(() -> notFound(id));
    }

    public ModelCard update(UUID id, ModelRequests.Update request, Caller caller) {
        ModelCard current = get(id);
        refuseHosted(current, "its card is written from the connection");
        ModelSummary was = current.summary();
        ModelDraft draft = new ModelDraft(
                request.name() == null ? was.name() : request.name().strip(),
                request.publisher() == null ? was.publisher() : request.publisher(),
                request.description() == null ? current.description() : request.description(),
                request.task() == null ? was.task() : request.task(),
                request.finetuningTasks() == null ? was.finetuningTasks() : request.finetuningTasks(),
                request.license() == null ? was.license() : request.license().toLowerCase(Locale.ROOT),
                request.tags() == null ? was.tags() : request.tags(),
                request.library() == null ? was.library() : request.library(),
                request.architecture() == null ? was.architecture() : request.architecture(),
                request.samples() == null ? current.samples() : request.samples(),
                was.source().type(),
                was.source().repo(),
                was.source().revision());
        ModelCard updated = repository.update(id, request.version(), checked(draft)).orElseThrow(() -> {
            ModelCard now = get(id);
            return new ConflictException("model " + id + " was changed by someone else: you sent version "
                    + request.version() + " but it is now at version " + now.summary().version()
                    + "; read it again and re-apply your change");
        });
        changed();
        audit.record(caller.did("model.update", "model", id,
                Map.of("name", updated.summary().name(), "version", updated.summary().version())));
        return updated;
    }

    public void delete(UUID id, Caller caller) {
        ModelCard card = get(id);
        refuseHosted(card, "it is removed with the connection or its allowed model");
        switch (repository.deleteUnlessInUse(id)) {
            case NOT_FOUND -> throw notFound(id);
            case IN_USE -> throw new ConflictException("model " + id
                    + " is used by a queued or running job; cancel the job or wait for it to finish");
            case DELETED -> {
                changed();
                audit.record(caller.did("model.delete", "model", id, Map.of("name", card.summary().name())));
            }
        }
    }

    public List<ModelVersion> versions(UUID modelId) {
        get(modelId);
        return repository.versions(modelId);
    }

    public ModelVersion addVersion(UUID modelId, ModelRequests.CreateVersion request, Caller caller) {
        refuseHosted(get(modelId), "it has no files: the provider serves it");
        ModelRepository.NewVersion version = new ModelRepository.NewVersion(
                request.sourceRevision(), request.artifactUri(), request.parentVersionId(),
                request.lineage() == null ? Map.of() : request.lineage(),
                request.notes() == null ? "" : request.notes());
        ModelVersion added = repository.addVersion(modelId, version).orElseThrow(() -> notFound(modelId));
        changed();
        audit.record(caller.did("model.version.create", "model", modelId, Map.of("versionNumber", added.versionNumber())));
        return added;
    }

    /** A validated list request: the query, and whether the answer carries the total and facet counts. */
    public record ListRequest(ModelQuery query, boolean withFacets) {
    }

    /**
     * Validates a list request. Parameters come as the client sent them, each error naming its query
     * parameter. Only computes: safe on any thread.
     */
    public ListRequest listRequest(List<String> tasks, List<String> finetuningTasks, List<String> licenses,
                                   List<String> tags, String text, String sort, Integer limit, String cursor,
                                   boolean withFacets) {
        List<FieldError> errors = new ArrayList<>();
        List<String> taskFilter = knownTasks("task", orEmpty(tasks), errors);
        List<String> finetuningFilter = knownTasks("finetuningTask", orEmpty(finetuningTasks), errors);
        List<String> licenseFilter = orEmpty(licenses).stream().map(l -> l.toLowerCase(Locale.ROOT)).distinct().toList();
        List<String> searchWords = text == null || text.isBlank() ? List.of() : searchWords(text, errors);
        ModelSort order = resolveSort(sort, !searchWords.isEmpty(), errors);
        int pageSize = limit == null ? DEFAULT_LIMIT : limit;
        if (pageSize < 1 || pageSize > MAX_LIMIT) {
            errors.add(new FieldError("limit", "must be between 1 and " + MAX_LIMIT + ", got " + pageSize));
        }
        Cursor after = null;
        if (cursor != null && !cursor.isBlank()) {
            after = Cursor.decode(cursor).orElse(null);
            ModelSort sorted = after == null ? null : ModelSort.of(after).orElse(null);
            if (sorted == null) {
                errors.add(new FieldError("cursor", "is not a cursor this API returned"));
            } else if (order != null && sorted != order) {
                errors.add(new FieldError("cursor", "belongs to sort '" + sorted.wireName()
                        + "', not '" + order.wireName() + "'"));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidFieldException(errors);
        }
        return new ListRequest(new ModelQuery(taskFilter, finetuningFilter, licenseFilter,
                orEmpty(tags).stream().distinct().toList(), searchWords, order, pageSize, after), withFacets);
    }

    /** The page of this request served within the last moments, if any; never touches the database. */
    public Optional<ModelPage> recentPage(ListRequest request) {
        return recentPages.get(request);
    }

    /** Lists the cards of a validated request (reads the database). */
    public ModelPage list(ListRequest request) {
        ModelQuery query = request.query();
        long readFrom = recentPages.generation();
        ModelPage page;
        try {
            page = repository.list(query);
            if (request.withFacets()) {
                ModelPage.Facets counts = facets.get(query, () -> repository.facets(query));
                // Every card has exactly one task, so the task counts add up to the total.
                long total = counts.task().entrySet().stream()
                        .filter(e -> query.tasks().isEmpty() || query.tasks().contains(e.getKey()))
                        .mapToLong(Map.Entry::getValue).sum();
                page = new ModelPage(page.items(), page.nextCursor(), total, counts);
            }
        } catch (RuntimeException e) {
            recentPages.readFailed(request);
            throw e;
        }
        recentPages.put(request, page, readFrom);
        return page;
    }

    /** What PostgreSQL does for a validated list request: the plans of the page's statement and its facet counts'. */
    public ModelPlans plans(ListRequest request) {
        return repository.plans(request.query(), request.withFacets());
    }

    private static ModelSort resolveSort(String sort, boolean hasText, List<FieldError> errors) {
        if (sort == null || sort.isBlank()) {
            return hasText ? ModelSort.RELEVANCE : ModelSort.NAME;
        }
        ModelSort resolved = ModelSort.fromWireName(sort).orElse(null);
        if (resolved == null) {
            errors.add(new FieldError("sort", "must be one of " + String.join(", ", ModelSort.wireNames())
                    + ", got '" + sort + "'"));
        } else if (resolved == ModelSort.RELEVANCE && !hasText) {
            errors.add(new FieldError("sort", "'relevance' needs a search text in 'q'"));
        }
        return resolved;
    }

    /** The words of the search text: each must match a word (or a word's start) of the card. */
    private static List<String> searchWords(String text, List<FieldError> errors) {
        if (text.length() > 200) {
            errors.add(new FieldError("q", "must be at most 200 characters"));
            return List.of();
        }
        LinkedHashSet<String> words = new LinkedHashSet<>();
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        if (words.isEmpty()) {
            errors.add(new FieldError("q", "must contain at least one letter or digit"));
        } else if (words.size() > MAX_SEARCH_TERMS) {
            errors.add(new FieldError("q", "must have at most " + MAX_SEARCH_TERMS + " words"));
        }
        return List.copyOf(words);
    }

    private static List<String> knownTasks(String field, List<String> values, List<FieldError> errors) {
        for (String value : values) {
            if (Task.fromWireName(value).isEmpty()) {
                errors.add(unknownTask(field, value));
            }
        }
        return values.stream().distinct().toList();
    }

    private static ModelDraft checked(ModelDraft draft) {
        List<FieldError> errors = new ArrayList<>();
        if (Task.fromWireName(draft.task()).isEmpty()) {
            errors.add(unknownTask("task", draft.task()));
        }
        List<String> finetuning = draft.finetuningTasks();
        for (int i = 0; i < finetuning.size(); i++) {
            if (Task.fromWireName(finetuning.get(i)).isEmpty()) {
                errors.add(unknownTask("finetuningTasks[" + i + "]", finetuning.get(i)));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidFieldException(errors);
        }
        return new ModelDraft(draft.name(), draft.publisher(), draft.description(), draft.task(),
                finetuning.stream().distinct().toList(), draft.license(), draft.tags().stream().distinct().toList(),
                draft.library(), draft.architecture(), draft.samples(), draft.sourceType(), draft.sourceRepo(),
                draft.sourceRevision());
    }

    private static FieldError unknownTask(String field, String value) {
        return new FieldError(field, "unknown task '" + value + "'; expected one of " + String.join(", ", Task.wireNames()));
    }

    /** A hosted card follows its LLM connection (docs/llm.md): only the connection's changes write it. */
    private static void refuseHosted(ModelCard card, String why) {
        ModelSummary model = card.summary();
        if (model.isHosted()) {
            String connection = HostedCards.connectionOf(model.source().repo());
            throw new ConflictException("model " + model.id() + " is '" + model.source().repo() + "', served by LLM "
                    + "connection '" + connection + "', and cannot be changed here: " + why + ". Change the connection's "
                    + "allowedModels (PATCH /api/v1/llm/connections/" + connection + ") or delete the connection");
        }
    }

    private static NotFoundException notFound(UUID id) {
        return new NotFoundException("no model has id " + id);
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
