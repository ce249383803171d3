package io.modelcat.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CursorTest {

    @Test
    void aCursorComesBackFromItsTokenWithItsOrderKeyAndId() {
        UUID id = UUID.randomUUID();
        Instant at = Instant.parse("2026-12-01T10:15:30.123456Z");
        Cursor cursor = Cursor.of("-submittedAt", at, id);

        String token = cursor.encode();
        assertThat(token).matches("[A-Za-z0-9_-]+");
        Cursor read = Cursor.decode(token).orElseThrow();
        assertThat(read).isEqualTo(cursor);
        assertThat(read.isFor("-submittedAt")).isTrue();
        assertThat(read.isFor("name")).isFalse();
        assertThat(read.uuid()).contains(id);
        assertThat(read.instantKey()).contains(at);
    }

    @Test
    void aKeyMayHoldAnyTextAndAnIdMayBeANumber() {
        Cursor cursor = Cursor.of("name", "a name\nwith a line break, ünïcode and : colons", 42L);
        Cursor read = Cursor.decode(cursor.encode()).orElseThrow();
        assertThat(read.key()).isEqualTo("a name\nwith a line break, ünïcode and : colons");
        assertThat(read.number()).hasValue(42L);
        assertThat(read.uuid()).isEmpty();
        assertThat(read.instantKey()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "not base64 at all!", "", "YWJj"})
    void whatIsNotATokenDecodesToNothing(String token) {
        assertThat(Cursor.decode(token)).isEmpty();
    }

    @Test
    void aTokenOfOneLineIsNotACursor() {
        String oneLine = Base64.getUrlEncoder().withoutPadding().encodeToString("name\nonly-an-id".getBytes(StandardCharsets.UTF_8));
        assertThat(Cursor.decode(oneLine)).isEmpty();
        assertThat(Cursor.decode(null)).isEmpty();
    }
}
