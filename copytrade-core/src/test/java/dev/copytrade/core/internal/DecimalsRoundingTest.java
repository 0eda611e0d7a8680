package dev.copytrade.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.executor.Fixtures;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongBinaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link Decimals#mulDivMicros} and {@link Decimals#divMicros} answer most calls with long arithmetic
 * and fall back to BigDecimal otherwise; whichever path runs, the answer must be exact BigDecimal
 * arithmetic rounded as asked (or the same ArithmeticException).
 */
class DecimalsRoundingTest {
    private static final int CASES = 10_000;
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    @Test
    @DisplayName("a × b / 10^6 equals exact decimal arithmetic in every rounding mode")
    void mulDivMicrosIsExact() {
        long seed = Fixtures.seed();
        Random random = new Random(seed);
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            long a = operand(random);
            long b = divisorOrPrice(random, 1); // b = 1 turns the near-tie operands into exact ties
            for (RoundingMode mode : RoundingMode.values()) {
                String expected = outcome((x, y) -> BigDecimal.valueOf(x).multiply(BigDecimal.valueOf(y))
                        .divide(MILLION, 0, mode).longValueExact(), a, b);
                String actual = outcome((x, y) -> Decimals.mulDivMicros(x, y, mode), a, b);
                if (!actual.equals(expected)) {
                    wrong.add("a=" + a + " b=" + b + " mode=" + mode + ": " + actual + " instead of " + expected);
                }
            }
        }
        assertThat(wrong).as("seed=" + seed).isEmpty();
    }

    @Test
    @DisplayName("a × 10^6 / b equals exact decimal arithmetic in every rounding mode")
    void divMicrosIsExact() {
        long seed = Fixtures.seed();
        Random random = new Random(seed);
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            long a = operand(random);
            long b = Math.max(1, Math.abs(divisorOrPrice(random, 2_000_000) % 1_000_000_000_000L));
            for (RoundingMode mode : RoundingMode.values()) {
                String expected = outcome((x, y) -> BigDecimal.valueOf(x).multiply(MILLION)
                        .divide(BigDecimal.valueOf(y), 0, mode).longValueExact(), a, b);
                String actual = outcome((x, y) -> Decimals.divMicros(x, y, mode), a, b);
                if (!actual.equals(expected)) {
                    wrong.add("a=" + a + " b=" + b + " mode=" + mode + ": " + actual + " instead of " + expected);
                }
            }
        }
        assertThat(wrong).as("seed=" + seed).isEmpty();
    }

    /** Mostly a price in micros, sometimes any operand, sometimes {@code special}, which makes ties. */
    private static long divisorOrPrice(Random random, long special) {
        switch (random.nextInt(4)) {
            case 0:
                return operand(random);
            case 1:
                return special;
            default:
                return 1 + random.nextInt(999_999);
        }
    }

    /** Base-unit amounts, values on or next to a rounding tie, negatives, whole units and huge values. */
    private static long operand(Random random) {
        switch (random.nextInt(7)) {
            case 0:
                return random.nextInt(2_000_000);
            case 1:
                return random.nextInt(1_000_000) * 1_000_000L + 500_000L + random.nextInt(3) - 1;
            case 2:
                return -1 - random.nextInt(1_000_000_000);
            case 3:
                return random.nextLong();
            case 4:
                return random.nextLong() / 1_000_000L * 1_000_000L; // whole units, up to the largest
            default:
                return (long) (random.nextDouble() * 1e15);
        }
    }

    private static String outcome(LongBinaryOperator f, long a, long b) {
        try {
            return Long.toString(f.applyAsLong(a, b));
        } catch (ArithmeticException e) {
            return "ArithmeticException";
        }
    }
}
