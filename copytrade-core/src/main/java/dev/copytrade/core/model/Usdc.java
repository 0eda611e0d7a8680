package dev.copytrade.core.model;

import dev.copytrade.core.internal.Decimals;
import java.math.BigDecimal;

/**
 * An amount of USDC in base units (6 decimals). Never negative. Arithmetic is exact and fails
 * loudly on overflow; nothing here uses floating point.
 */
public record Usdc(long micros) implements Comparable<Usdc> {
    public static final int DECIMALS = 6;
    /** One billion USDC: anything above is treated as bad input, not as a trade. */
    public static final long MAX_MICROS = 1_000_000_000L * 1_000_000L;
    public static final Usdc ZERO = new Usdc(0);

    public Usdc {
        if (micros < 0 || micros > MAX_MICROS) {
            throw new InvalidInputException("usdc", Decimals.format(micros, DECIMALS),
                    "must be between 0 and " + Decimals.format(MAX_MICROS, DECIMALS));
        }
    }

    public static Usdc ofMicros(long micros) {
        return new Usdc(micros);
    }

    /** Parses a decimal string such as {@code "12.50"}; more than 6 decimals is an error, not a rounding. */
    public static Usdc of(String decimal) {
        return parse("usdc", decimal);
    }

    public static Usdc of(BigDecimal decimal) {
        return new Usdc(Decimals.toBaseUnits("usdc", decimal, DECIMALS, MAX_MICROS));
    }

    public static Usdc parse(String field, String decimal) {
        return new Usdc(Decimals.toBaseUnits(field, decimal, DECIMALS, MAX_MICROS));
    }

    public BigDecimal toBigDecimal() {
        return BigDecimal.valueOf(micros, DECIMALS);
    }

    public Usdc plus(Usdc other) {
        return new Usdc(Math.addExact(micros, other.micros));
    }

    /** Subtraction that refuses to go below zero. */
    public Usdc minus(Usdc other) {
        return new Usdc(Math.subtractExact(micros, other.micros));
    }

    public boolean isZero() {
        return micros == 0;
    }

    public boolean greaterThan(Usdc other) {
        return micros > other.micros;
    }

    public boolean lessThan(Usdc other) {
        return micros < other.micros;
    }

    public Usdc min(Usdc other) {
        return micros <= other.micros ? this : other;
    }

    @Override
    public int compareTo(Usdc o) {
        return Long.compare(micros, o.micros);
    }

    @Override
    public String toString() {
        return Decimals.format(micros, DECIMALS);
    }
}
