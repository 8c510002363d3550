package ccs.connector.api;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;

/** The days that requests name (agent performance, CDR backfills): how they are written and the earliest one taken. */
public final class RequestDays {

    /** yyyy-MM-dd, four digits of year and no sign: ISO's parser also takes -0001-01-01 and +12026-12-01, which fit no column. */
    public static final DateTimeFormatter DAY = new DateTimeFormatterBuilder().appendValue(ChronoField.YEAR, 4).appendLiteral('-')
            .appendValue(ChronoField.MONTH_OF_YEAR, 2).appendLiteral('-').appendValue(ChronoField.DAY_OF_MONTH, 2).toFormatter()
            .withResolverStyle(ResolverStyle.STRICT);
    /** The earliest day a request may name: Call Center Studio has no calls nor figures before it. */
    public static final LocalDate EARLIEST = LocalDate.of(2000, 1, 1);

    private RequestDays() {
    }
}
