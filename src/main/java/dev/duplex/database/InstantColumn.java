package dev.duplex.database;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Stores an {@link Instant} as a {@code TIMESTAMP WITH TIME ZONE} in UTC: Jakarta Persistence 3.1 (EclipseLink
 * 4) maps {@code OffsetDateTime} but not {@code Instant}, which it would serialize as bytes.
 */
@Converter(autoApply = true)
public class InstantColumn implements AttributeConverter<Instant, OffsetDateTime> {

    @Override
    public OffsetDateTime convertToDatabaseColumn(Instant instant) {
        return column(instant);
    }

    /** The column's value, for native statements, which no converter sees. */
    public static OffsetDateTime column(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    @Override
    public Instant convertToEntityAttribute(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
