package io.modelcat.catalog.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.SerdeRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.CatalogTestBase;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

@MicronautTest(transactional = false)
class IsoInstantSerializerTest extends CatalogTestBase {

    @Inject
    SerdeRegistry serdes;

    @Inject
    JsonMapper mapper;

    @Test
    void writesWhatIsoInstantWritesForAnyInstant() {
        List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, Instant.ofEpochSecond(-1),
                Instant.ofEpochSecond(-1, 999_999_999), Instant.ofEpochSecond(0, 1),
                Instant.ofEpochSecond(59, 120_000_000), Instant.ofEpochSecond(86_399, 123_456_000), Instant.parse("0000-01-01T00:00:00Z"),
                Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("+10000-01-01T00:00:00Z"),
                Instant.parse("-0001-12-31T23:59:59.5Z"), Instant.parse("2024-02-29T12:00:00.010Z"),
                Instant.parse("2026-12-07T22:07:26.934377Z")));
        Random random = new Random(20261207);
        for (int i = 0; i < 100_000; i++) {
            long seconds = random.nextLong() % 400_000_000_000L;
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            instants.add(Instant.ofEpochSecond(seconds, nano));
        }
        for (Instant instant : instants) {
            assertThat(IsoInstantSerializer.format(instant)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(instant));
        }
    }

    @Test
    void theApiWritesInstantsWithIt() throws IOException {
        assertThat(serdes.findSerializer(Argument.of(Instant.class))).isInstanceOf(IsoInstantSerializer.class);
        assertThat(mapper.writeValueAsString(List.of(Instant.parse("2026-12-07T22:07:26.934377Z"))))
                .isEqualTo("[\"2026-12-07T22:07:26.934377Z\"]");
    }
}
