package dev.copytrade.core.cap;

import dev.copytrade.core.model.InvalidInputException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The time window a budget counts over, with its semantics stated rather than implied.
 *
 * <ul>
 *   <li>{@link Kind#UTC_DAY}: spend counts from 00:00:00 UTC to the next 00:00:00 UTC; the budget is
 *       whole again at midnight UTC (spend dated exactly 00:00:00 belongs to the day that starts then);
 *   <li>{@link Kind#ROLLING}: spend counts while it is at most {@code length} old: an amount reserved at
 *       t counts at every instant from t to t + length, both included, and no longer after.
 * </ul>
 *
 * <p>In both cases {@link #start} is the first instant whose spend counts at {@code now}.
 */
public record BudgetWindow(Kind kind, Duration length) {

    /** The longest window: a year (a leap year's). */
    public static final Duration MAX_LENGTH = Duration.ofDays(366);

    public enum Kind {
        UTC_DAY,
        ROLLING
    }

    public BudgetWindow {
        InvalidInputException.requireNonNull("window.kind", kind);
        if (kind == Kind.UTC_DAY) {
            length = Duration.ofDays(1);
        }
        InvalidInputException.requireNonNull("window.length", length);
        if (length.isNegative() || length.isZero()) {
            throw new InvalidInputException("window.length", length, "must be positive");
        }
        if (length.compareTo(MAX_LENGTH) > 0) {
            // spend dated a window back or ahead must stay storable, and a hold of 2 × TTL + window finite
            throw new InvalidInputException("window.length", length, "must be at most " + MAX_LENGTH.toDays() + " days");
        }
    }

    public static BudgetWindow utcDay() {
        return new BudgetWindow(Kind.UTC_DAY, Duration.ofDays(1));
    }

    public static BudgetWindow rolling(Duration length) {
        return new BudgetWindow(Kind.ROLLING, length);
    }

    public static BudgetWindow rolling24h() {
        return rolling(Duration.ofHours(24));
    }

    /** The earliest instant whose spend still counts at {@code now}. */
    public Instant start(Instant now) {
        if (kind == Kind.UTC_DAY) {
            return now.atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        return now.minus(length);
    }
}
