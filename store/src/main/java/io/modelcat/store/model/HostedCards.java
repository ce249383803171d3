package io.modelcat.store.model;

import io.modelcat.store.change.ChangeNotices;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The cards of models served by LLM connections (docs/llm.md): {@code source_type = 'connection'}, {@code source_repo}
 * the mesh's model name {@code <connection>/<model>}, one version (what metrics attach to). The connection owns them:
 * its writer calls {@link #sync} in the transaction that writes the connection, so no card outlives its connection or
 * model and none is missing.
 */
public final class HostedCards {

    /** The source type of a card served by a connection. */
    public static final String SOURCE_TYPE = "connection";

    private HostedCards() {
    }

    /** The mesh's model name of a hosted card: {@code <connection>/<model>}. */
    public static String meshModel(String connection, String model) {
        return connection + "/" + model;
    }

    /** The connection a hosted card's {@code source_repo} names. */
    public static String connectionOf(String sourceRepo) {
        return sourceRepo.substring(0, sourceRepo.indexOf('/'));
    }

    /**
     * Makes the connection's cards exactly {@code cards} (each with {@code sourceRepo} {@code <connection>/<model>}):
     * adds the missing ones with their version 1, rewrites those whose content changed and deletes the others (with
     * their versions; metrics of them keep their job but lose their model). Pass no cards to remove them all.
     */
    public static void sync(Connection c, String connection, List<ModelFields> cards) throws SQLException {
        Map<String, ModelRow> existing = new HashMap<>();
        for (ModelRow row : of(c, connection)) {
            existing.put(row.sourceRepo(), row);
        }
        for (ModelFields card : cards) {
            if (!SOURCE_TYPE.equals(card.sourceType()) || !card.sourceRepo().startsWith(connection + "/")) {
                throw new IllegalArgumentException("not a card of connection " + connection + ": " + card.sourceRepo());
            }
            ModelRow row = existing.remove(card.sourceRepo());
            if (row == null) {
                UUID id = UUID.randomUUID();
                Models.insert(c, id, card);
                ModelVersions.insertNext(c, UUID.randomUUID(), id, new ModelVersions.NewVersion(null, null, null, "{}",
                        "served by LLM connection " + connection));
                Models.versionAdded(c, id, true);
            } else if (!same(row, card)) {
                Models.update(c, row.id(), row.lockVersion(), card);
            }
        }
        for (ModelRow gone : existing.values()) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM model WHERE id = ?")) {
                ps.setObject(1, gone.id());
                ps.executeUpdate();
            }
        }
        if (!existing.isEmpty()) {
            ChangeNotices.cardsChanged(c);
        }
    }

    /** The version of the hosted card of a mesh model ({@code <connection>/<model>}), if the catalog has that card. */
    public static Optional<UUID> versionOf(Connection c, String meshModel) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT v.id FROM model m JOIN model_version v ON v.model_id = m.id
                WHERE m.source_type = 'connection' AND m.source_repo = ?
                ORDER BY v.version_number DESC LIMIT 1""")) {
            ps.setString(1, meshModel);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
            }
        }
    }

    /** The connection's cards, locked until the transaction ends (two writers of one connection take turns). */
    private static List<ModelRow> of(Connection c, String connection) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT id FROM model WHERE source_type = 'connection' AND starts_with(source_repo, ?)
                ORDER BY id FOR UPDATE""")) {
            ps.setString(1, connection + "/");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
        }
        List<ModelRow> rows = new ArrayList<>();
        for (UUID id : ids) {
            Models.find(c, id).ifPresent(rows::add);
        }
        return rows;
    }

    private static boolean same(ModelRow row, ModelFields card) {
        return row.name().equals(card.name()) && Objects.equals(row.publisher(), card.publisher())
                && row.description().equals(card.description()) && row.task().equals(card.task())
                && row.license().equals(card.license()) && row.tags().equals(card.tags())
                && Objects.equals(row.library(), card.library())
                && Objects.equals(row.architecture(), card.architecture());
    }
}
