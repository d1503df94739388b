package io.tapflow.jobs.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A point in time for {@code --from/--to}: an ISO-8601 instant ({@code 2026-11-23T06:00:00Z}), a date-time with an
 * offset ({@code 2026-11-23T08:00:00+02:00}), a date-time or date without one (UTC), {@code now}, or a time relative
 * to now ({@code -2h}, {@code -30m}, {@code -1d}; units as for durations).
 */
final class InstantConverter implements ITypeConverter<Instant> {
    private final Clock clock;

    InstantConverter() {
        this(Clock.systemUTC());
    }

    InstantConverter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Instant convert(String value) {
        String v = value.trim();
        if (v.equals("now")) {
            return clock.instant();
        }
        if (v.startsWith("-")) {
            try {
                Duration ago = new DurationConverter().convert(v.substring(1));
                return clock.instant().minus(ago);
            } catch (TypeConversionException e) {
                throw invalid(value);
            }
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            // try the other forms
        }
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            // try the other forms
        }
        try {
            return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // try the last form
        }
        try {
            return LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw invalid(value);
        }
    }

    private static TypeConversionException invalid(String value) {
        return new TypeConversionException("'" + value + "' is not a time: use an ISO-8601 instant such as"
                + " 2026-11-23T06:00:00Z (no offset = UTC), a date, 'now', or a time ago such as -2h, -30m, -1d");
    }
}
