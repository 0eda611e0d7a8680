package dev.copytrade.core.model;

import dev.copytrade.core.internal.Decimals;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The price of one outcome share in USDC: a probability strictly between 0 and 1, with at most 6
 * decimals, held in micro-USDC. Prices of 0 or 1 never trade on a binary market and are rejected.
 */
public record Price(long micros) implements Comparable<Price> {
    public static final int DECIMALS = 6;
    private static final long ONE = 1_000_000L;

    public Price {
        if (micros <= 0 || micros >= ONE) {
            throw new InvalidInputException("price", Decimals.format(micros, DECIMALS),
                    "must be strictly between 0 and 1");
        }
    }

    public static Price ofMicros(long micros) {
        return new Price(micros);
    }

    public static Price of(String decimal) {
        return parse("price", decimal);
    }

    public static Price of(BigDecimal decimal) {
        return parse("price", decimal == null ? null : decimal.toPlainString());
    }

    public static Price parse(String field, String decimal) {
        long micros = Decimals.toBaseUnits(field, decimal, DECIMALS, ONE);
        if (micros == 0 || micros >= ONE) {
            throw new InvalidInputException(field, decimal, "must be strictly between 0 and 1");
        }
        return new Price(micros);
    }

    /** Notional of {@code shares} at this price, rounded as asked (up when it is a spend against a cap). */
    public Usdc notionalOf(Shares shares, RoundingMode mode) {
        return Usdc.ofMicros(Decimals.mulDivMicros(shares.micros(), micros, mode));
    }

    /** How many shares {@code amount} buys at this price, rounded down: never more than paid for. */
    public Shares sharesFor(Usdc amount) {
        return Shares.ofMicros(Decimals.divMicros(amount.micros(), micros, RoundingMode.DOWN));
    }

    public BigDecimal toBigDecimal() {
        return BigDecimal.valueOf(micros, DECIMALS);
    }

    @Override
    public int compareTo(Price o) {
        return Long.compare(micros, o.micros);
    }

    @Override
    public String toString() {
        return Decimals.format(micros, DECIMALS);
    }
}
