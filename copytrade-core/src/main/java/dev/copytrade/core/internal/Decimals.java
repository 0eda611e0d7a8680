package dev.copytrade.core.internal;

import dev.copytrade.core.model.InvalidInputException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/** Exact conversions between decimal text and base units. Never rounds silently. */
public final class Decimals {

    private Decimals() {}

    /**
     * Parses {@code text} as a non-negative decimal with at most {@code scale} fractional digits and
     * returns it in base units (value × 10^scale).
     */
    public static long toBaseUnits(String field, String text, int scale, long maxUnits) {
        return toBaseUnits(field, parse(field, text), scale, maxUnits);
    }

    /**
     * Parses decimal text (surrounding whitespace ignored). Only ASCII digits: {@code BigDecimal} alone
     * would also read Arabic-Indic or full-width digits, which no venue or operator writes on purpose.
     */
    public static BigDecimal parse(String field, String text) {
        if (text == null) {
            throw new InvalidInputException(field, null, "is required");
        }
        String t = text.trim();
        for (int i = 0; i < t.length(); i++) {
            if (t.charAt(i) > 0x7f) {
                throw new InvalidInputException(field, text, "is not a decimal number (ASCII digits only)");
            }
        }
        try {
            return new BigDecimal(t);
        } catch (NumberFormatException e) {
            throw new InvalidInputException(field, text, "is not a decimal number");
        }
    }

    public static long toBaseUnits(String field, BigDecimal value, int scale, long maxUnits) {
        if (value == null) {
            throw new InvalidInputException(field, null, "is required");
        }
        if (value.signum() < 0) {
            throw new InvalidInputException(field, text(value), "must not be negative");
        }
        // compared before any exact conversion: an exponent like 1e999999999 would otherwise cost
        // seconds and gigabytes, or overflow with an exception that names no field
        BigDecimal max = BigDecimal.valueOf(maxUnits, scale);
        if (value.compareTo(max) > 0) {
            throw new InvalidInputException(field, text(value), "exceeds the maximum " + max.toPlainString());
        }
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.scale() > scale) {
            throw new InvalidInputException(field, text(value),
                    "has " + stripped.scale() + " decimals, at most " + scale + " allowed");
        }
        return stripped.movePointRight(scale).longValueExact();
    }

    /** Plain digits, unless the exponent would make them absurdly long (then scientific notation). */
    private static String text(BigDecimal value) {
        return Math.abs((long) value.scale()) <= 100 ? value.toPlainString() : value.toString();
    }

    /** {@code a × b / 10^6}, rounded as asked; exact 128-bit intermediate, so never overflows silently. */
    public static long mulDivMicros(long a, long b, RoundingMode mode) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if (hi == 0 && lo >= 0) {
            long q = lo / 1_000_000L;
            long r = lo % 1_000_000L;
            if (r == 0) {
                return q;
            }
            switch (mode) {
                case DOWN:
                case FLOOR:
                    return q;
                case UP:
                case CEILING:
                    return q + 1;
                case HALF_UP:
                    // every trade's notional and every simulated fill round this way: keep it off BigDecimal
                    return r >= 500_000L ? q + 1 : q;
                default:
                    break;
            }
        }
        if (a % 1_000_000L == 0) {
            // a whole number of units times anything is exact: no rounding, no BigInteger (sizing caps
            // every order by the notional of the largest Shares, whose product overflows 64 bits)
            return Math.multiplyExact(a / 1_000_000L, b);
        }
        BigInteger product = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b));
        return new BigDecimal(product).movePointLeft(6).setScale(0, mode).longValueExact();
    }

    /** {@code a × 10^6 / b}, rounded as asked. */
    public static long divMicros(long a, long b, RoundingMode mode) {
        if (b <= 0) {
            throw new ArithmeticException("division by non-positive " + b);
        }
        // the shortcut rounds a truncated quotient, which is the floor only for a non-negative dividend
        if (a >= 0 && a <= Long.MAX_VALUE / 1_000_000L) {
            long n = a * 1_000_000L;
            long q = n / b;
            long r = n % b;
            if (r == 0 || mode == RoundingMode.DOWN || mode == RoundingMode.FLOOR) {
                return q;
            }
            if (mode == RoundingMode.UP || mode == RoundingMode.CEILING) {
                return q + 1;
            }
        }
        return BigDecimal.valueOf(a).movePointRight(6)
                .divide(BigDecimal.valueOf(b), 0, mode).longValueExact();
    }

    public static String format(long units, int scale) {
        return BigDecimal.valueOf(units, scale).toPlainString();
    }
}
