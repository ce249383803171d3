package io.modelcat.store.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.jobs.DeviceRequest;
import io.modelcat.jobs.spec.NoopSpec;
import io.modelcat.store.Cursor;
import io.modelcat.store.Page;
import io.modelcat.store.StoreTestBase;
import io.modelcat.store.job.Jobs;
import io.modelcat.store.job.NewJob;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
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
    void noVersionIsAddedToAMissingModelOrUnderAMissingParent() throws SQLException {
        assertThat(ModelVersions.add(c, UUID.randomUUID(), version("a", null, null)).outcome())
                .isEqualTo(ModelVersions.Outcome.NO_SUCH_MODEL);
        ModelRow card = Models.insert(c, UUID.randomUUID(), fields("bert"));
        assertThat(ModelVersions.add(c, card.id(), version("a", null, UUID.randomUUID())).outcome())
                .isEqualTo(ModelVersions.Outcome.NO_SUCH_PARENT);
        assertThat(ModelVersions.of(c, card.id())).isEmpty();
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
            Page<ModelRow> page = Models.list(c, new ModelQuery(List.of(), List.of(), List.of(), List.of(), null,
                    ModelSort.NAME, 2, after));
            page.items().forEach(m -> names.add(m.name()));
            after = page.next();
            assertThat(after == null || ModelSort.NAME.continues(after)).isTrue();
        } while (after != null);
        assertThat(names).containsExactly("alpha", "bravo", "charlie", "delta", "echo");
        ModelFacets facets = Models.facets(c, new ModelQuery(List.of(), List.of(), List.of(), List.of(), null,
                ModelSort.NAME, 2, null));
        assertThat(facets.task()).containsEntry("text-classification", 5L);
    }

    private static ModelFields fields(String name) {
        return new ModelFields(name, "acme", "", "text-classification", List.of("text-classification"), "mit",
                List.of(), null, null, "[]", "manual", null, null);
    }

    private static ModelVersions.NewVersion version(String revision, String artifactUri, UUID parent) {
        return new ModelVersions.NewVersion(revision, artifactUri, parent, "{}", "");
    }
}
