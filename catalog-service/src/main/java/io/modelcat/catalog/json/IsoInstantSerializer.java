package io.modelcat.catalog.json;

import io.micronaut.core.order.Ordered;
import io.micronaut.core.type.Argument;
import io.micronaut.serde.Encoder;
import io.micronaut.serde.Serializer;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;

/**
 * Writes an {@link Instant} as {@link DateTimeFormatter#ISO_INSTANT} does ({@code 2026-12-07T22:07:26.934377Z}: the
 * fraction in as many groups of three digits as it needs), without the formatter. Every card of a list page has two
 * instants, and the formatter's way (through a zoned date-time and its print context) was 6–8% of the catalog
 * service's CPU for a list page (docs/performance.md). Years outside 0000–9999 are left to the formatter.
 */
@Singleton
public final class IsoInstantSerializer implements Serializer<Instant>, Ordered {

    private static final long SECONDS_PER_DAY = 86_400;

    @Override
    public void serialize(Encoder encoder, EncoderContext context, Argument<? extends Instant> type, Instant value)
            throws IOException {
        encoder.encodeString(format(value));
    }

    /** Before the built-in serde of instants, which is ordered at 0. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    /** The instant as {@link DateTimeFormatter#ISO_INSTANT} writes it. */
    public static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, SECONDS_PER_DAY));
        int year = date.getYear();
        if (year < 0 || year > 9999) {
            return DateTimeFormatter.ISO_INSTANT.format(instant);
        }
        int ofDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
        int nano = instant.getNano();
        int digits = nano == 0 ? 0 : nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
        char[] text = new char[20 + (digits == 0 ? 0 : digits + 1)];
        put(text, 0, year, 4);
        text[4] = '-';
        put(text, 5, date.getMonthValue(), 2);
        text[7] = '-';
        put(text, 8, date.getDayOfMonth(), 2);
        text[10] = 'T';
        put(text, 11, ofDay / 3600, 2);
        text[13] = ':';
        put(text, 14, ofDay / 60 % 60, 2);
        text[16] = ':';
        put(text, 17, ofDay % 60, 2);
        int end = 19;
        if (digits > 0) {
            text[end++] = '.';
            put(text, end, nano / (digits == 3 ? 1_000_000 : digits == 6 ? 1_000 : 1), digits);
            end += digits;
        }
        text[end] = 'Z';
        return new String(text);
    }

    /** {@code value} as {@code width} decimal digits, zero-padded, at {@code at}. */
    private static void put(char[] text, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
