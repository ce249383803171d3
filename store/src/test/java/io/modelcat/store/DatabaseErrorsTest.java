package io.modelcat.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class DatabaseErrorsTest {

    @Test
    void aValueTheDatabaseCannotStoreIsTheCallersFault() {
        SQLException nul = new SQLException("ERROR: invalid byte sequence for encoding \"UTF8\": 0x00\n  Where: unnamed portal",
                "22021");
        RuntimeException translated = DatabaseErrors.translate(nul);
        assertThat(translated).isInstanceOf(UnstorableValueException.class).hasCause(nul);
        assertThat(((UnstorableValueException) translated).reason())
                .isEqualTo("invalid byte sequence for encoding \"UTF8\": 0x00");
        assertThat(DatabaseErrors.translate(new SQLException("ERROR: value out of range", "22003")))
                .isInstanceOf(UnstorableValueException.class);
    }

    @Test
    void anyOtherFailureIsTheServers() {
        SQLException deadlock = new SQLException("ERROR: deadlock detected", "40P01");
        assertThat(DatabaseErrors.translate(deadlock)).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("database error: ERROR: deadlock detected").hasCause(deadlock);
        assertThat(DatabaseErrors.translate(new SQLException("no state"))).isExactlyInstanceOf(IllegalStateException.class);
    }
}
