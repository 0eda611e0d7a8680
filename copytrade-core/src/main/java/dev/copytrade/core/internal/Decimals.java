package dev.copytrade.core.internal;

import dev.copytrade.core.model.InvalidInputException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/** Exact conversions between decimal text and base units. Never rounds silently. */
public final class Decimals {
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private Decimals() {}

    /**
     * Parses {@code text} as a non-negative decimal with at most {@code scale} fractional digits and
     * returns it in base units (value × 10^scale).
     */
    public static long toBaseUnits(String field, String text, int scale, long maxUnits) {
        if (text == null) {
            throw new InvalidInputException(field, null, "is required");
        }
        BigDecimal value;
        try {
            value = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException(field, text, "is not a decimal number");
        }
        return toBaseUnits(field, value, scale, maxUnits);
    }

    public static long toBaseUnits(String field, BigDecimal value, int scale, long maxUnits) {
        if (value == null) {
            throw new InvalidInputException(field, null, "is required");
        }
        if (value.signum() < 0) {
            throw new InvalidInputException(field, shown(value), "must not be negative");
        }
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.scale() > scale) {
            throw new InvalidInputException(field, shown(value),
                    "has " + stripped.scale() + " decimals, at most " + scale + " allowed");
        }
        // decided from the exponent alone: expanding "1e999999999" would hang or overflow BigInteger
        if (stripped.precision() - stripped.scale() > 19) {
            throw new InvalidInputException(field, shown(value),
                    "exceeds the maximum " + BigDecimal.valueOf(maxUnits, scale).toPlainString());
        }
        BigInteger units = value.movePointRight(scale).toBigIntegerExact();
        if (units.compareTo(LONG_MAX) > 0 || units.longValue() > maxUnits) {
            throw new InvalidInputException(field, value.toPlainString(),
                    "exceeds the maximum " + BigDecimal.valueOf(maxUnits, scale).toPlainString());
        }
        return units.longValue();
    }

    /** Plain digits when short; scientific notation when the plain form would be huge (e.g. 1e-999999999). */
    private static String shown(BigDecimal value) {
        return Math.abs((long) value.scale()) > 100 ? value.toString() : value.toPlainString();
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
                default:
                    break;
            }
        }
        BigInteger product = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b));
        return new BigDecimal(product).movePointLeft(6).setScale(0, mode).longValueExact();
    }

    /** {@code a × 10^6 / b}, rounded as asked. */
    public static long divMicros(long a, long b, RoundingMode mode) {
        if (b <= 0) {
            throw new ArithmeticException("division by non-positive " + b);
        }
        if (a <= Long.MAX_VALUE / 1_000_000L) {
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
