package io.modelcat.store.change;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.store.StoreTestBase;
import io.modelcat.store.model.ModelFields;
import io.modelcat.store.model.ModelImports;
import io.modelcat.store.model.ModelRow;
import io.modelcat.store.model.ModelTransfers;
import io.modelcat.store.model.ModelVersions;
import io.modelcat.store.model.Models;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** Every write of a card or version announces itself on commit, once per transaction, and never when rolled back. */
class ChangeNoticesTest extends StoreTestBase {

    private Connection listener;

    @BeforeEach
    void listen() throws SQLException {
        listener = db.dataSource().getConnection();
        ChangeNotices.listen(listener);
    }

    @AfterEach
    void stopListening() throws SQLException {
        listener.close();
    }

    @Test
    void eachWriteOfACardOrVersionIsAnnouncedOnCommit() throws SQLException {
        c.setAutoCommit(false);
        ModelRow card = Models.insert(c, UUID.randomUUID(), fields("bert"));
        assertThat(received(200)).as("nothing before the commit").isEmpty();
        c.commit();
        assertThat(received(2000)).as("insert").containsExactly(ChangeNotices.CARDS_CHANNEL);

        Models.update(c, card.id(), 0, fields("bert-2"));
        c.commit();
        assertThat(received(2000)).as("update").containsExactly(ChangeNotices.CARDS_CHANNEL);

        ModelVersions.add(c, card.id(), new ModelVersions.NewVersion("a", null, null, "{}", ""));
        c.commit();
        assertThat(received(2000)).as("new version").containsExactly(ChangeNotices.CARDS_CHANNEL);

        ModelTransfers.insertVersion(c, UUID.randomUUID(), card.id(), 7,
                new ModelVersions.NewVersion("b", null, null, "{}", ""), Instant.now());
        c.commit();
        assertThat(received(2000)).as("imported version").containsExactly(ChangeNotices.CARDS_CHANNEL);

        assertThat(Models.deleteUnlessInUse(c, card.id())).isEqualTo(Models.Deletion.DELETED);
        c.commit();
        assertThat(received(2000)).as("delete").containsExactly(ChangeNotices.CARDS_CHANNEL);
    }

    @Test
    void aRunnersImportIsAnnouncedOnceHoweverManyCardsItWrites() throws SQLException {
        c.setAutoCommit(false);
        for (int i = 0; i < 50; i++) {
            ModelImports.register(c, new ModelImports.Card("acme/m" + i, "m" + i, "acme", "", "fill-mask", List.of(),
                    "mit", List.of(), null, null), new ModelVersions.NewVersion("sha", "file:///m", null, "{}", ""));
        }
        c.commit();
        assertThat(received(2000)).containsExactly(ChangeNotices.CARDS_CHANNEL);

        ModelImports.markImporting(c, "acme/m1");
        ModelImports.markFailed(c, "acme/m1", "gone");
        c.commit();
        assertThat(received(2000)).containsExactly(ChangeNotices.CARDS_CHANNEL);
        assertThat(ModelImports.markImporting(c, "acme/unknown")).isEmpty();
        c.commit();
        assertThat(received(200)).as("no card changed").isEmpty();
    }

    @Test
    void aRolledBackChangeIsNotAnnounced() throws SQLException {
        c.setAutoCommit(false);
        Models.insert(c, UUID.randomUUID(), fields("bert"));
        ChangeNotices.accessChanged(c);
        c.rollback();
        assertThat(received(300)).isEmpty();
        ChangeNotices.accessChanged(c);
        c.commit();
        assertThat(received(2000)).containsExactly(ChangeNotices.ACCESS_CHANNEL);
    }

    /** The channels of the notices that arrive within {@code millis} (waiting that long only when none has). */
    private List<String> received(int millis) throws SQLException {
        List<String> channels = new ArrayList<>();
        PGNotification[] notices = listener.unwrap(PGConnection.class).getNotifications(millis);
        if (notices != null) {
            for (PGNotification n : notices) {
                channels.add(n.getName());
            }
        }
        return channels;
    }

    private static ModelFields fields(String name) {
        return new ModelFields(name, "acme", "", "text-classification", List.of("text-classification"), "mit",
                List.of(), null, null, "[]", "manual", null, null);
    }
}
