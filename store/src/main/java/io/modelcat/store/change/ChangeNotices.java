package io.modelcat.store.change;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The notices catalog services send each other through PostgreSQL NOTIFY when something they cache has changed:
 * accounts and credentials (who a token or session is) and model cards (list pages, facet counts). A notice is sent
 * inside the writing transaction, so it is delivered on commit and never for a change rolled back.
 *
 * <p>Notices are sent by the code that writes, not by triggers: {@code api_token} and {@code web_session} rows are
 * updated on every use (last use, sliding expiry), which must not empty every cache, and this keeps the channels
 * and their SQL in one place. The {@code model} and {@code model_version} writes all live in this module (see
 * TableOwnershipTest), each of which sends {@link #cardsChanged}. The payload is empty on purpose: PostgreSQL
 * delivers identical notices of one transaction once, so a bulk import costs one notice, not one per card.
 */
public final class ChangeNotices {

    /** Channel of changes to accounts, roles, API tokens or sessions. */
    public static final String ACCESS_CHANNEL = "modelcat_access_changed";
    /** Channel of changes to model cards or their versions (anything a list page or facet count shows). */
    public static final String CARDS_CHANNEL = "modelcat_cards_changed";
    /** Every channel a catalog service listens on. */
    public static final List<String> CHANNELS = List.of(ACCESS_CHANNEL, CARDS_CHANNEL);

    private ChangeNotices() {
    }

    /** Announces, on commit of {@code c}'s transaction, that an account or credential changed. */
    public static void accessChanged(Connection c) throws SQLException {
        send(c, ACCESS_CHANNEL);
    }

    /** Announces, on commit of {@code c}'s transaction, that a card or a version was added, changed or deleted. */
    public static void cardsChanged(Connection c) throws SQLException {
        send(c, CARDS_CHANNEL);
    }

    /** Subscribes {@code c} (a connection of its own, in auto-commit) to every channel of {@link #CHANNELS}. */
    public static void listen(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String channel : CHANNELS) {
                s.execute("LISTEN " + channel);
            }
        }
    }

    private static void send(Connection c, String channel) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, '')")) {
            ps.setString(1, channel);
            ps.execute();
        }
    }
}
