package dev.copytrade.core.model;

import dev.copytrade.core.internal.Decimals;
import java.math.BigDecimal;

/** A quantity of outcome tokens in base units (6 decimals, as on chain). Never negative. */
public record Shares(long micros) implements Comparable<Shares> {
    public static final int DECIMALS = 6;
    /** One billion shares: anything above is treated as bad input. */
    public static final long MAX_MICROS = 1_000_000_000L * 1_000_000L;
    public static final Shares ZERO = new Shares(0);

    public Shares {
        if (micros < 0 || micros > MAX_MICROS) {
            throw new InvalidInputException("shares", Decimals.format(micros, DECIMALS),
                    "must be between 0 and " + Decimals.format(MAX_MICROS, DECIMALS));
        }
    }

    public static Shares ofMicros(long micros) {
        return new Shares(micros);
    }

    public static Shares of(String decimal) {
        return parse("shares", decimal);
    }

    public static Shares of(BigDecimal decimal) {
        return new Shares(Decimals.toBaseUnits("shares", decimal, DECIMALS, MAX_MICROS));
    }

    public static Shares parse(String field, String decimal) {
        return new Shares(Decimals.toBaseUnits(field, decimal, DECIMALS, MAX_MICROS));
    }

    public BigDecimal toBigDecimal() {
        return BigDecimal.valueOf(micros, DECIMALS);
    }

    public boolean isZero() {
        return micros == 0;
    }

    /** Rounds down to a multiple of {@code step} (venues accept sizes only on a grid). */
    public Shares floorTo(Shares step) {
        if (step.micros <= 1) {
            return this;
        }
        return new Shares(micros - micros % step.micros);
    }

    /** Rounds up to a multiple of {@code step}. */
    public Shares ceilTo(Shares step) {
        if (step.micros <= 1 || micros % step.micros == 0) {
            return this;
        }
        return new Shares(Math.addExact(micros - micros % step.micros, step.micros));
    }

    public Shares min(Shares other) {
        return micros <= other.micros ? this : other;
    }

    @Override
    public int compareTo(Shares o) {
        return Long.compare(micros, o.micros);
    }

    @Override
    public String toString() {
        return Decimals.format(micros, DECIMALS);
    }
}
