package dev.copytrade.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.executor.Fixtures;
import dev.copytrade.core.mutex.TxScope;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The ids built for every copied order are validated by hand-written loops instead of regexes (the
 * regexes were the top CPU cost of the pipeline). These properties pin the loops to the regexes they
 * replaced, on strings built to sit at the edges: lengths at the limits, neighbours of every range
 * boundary, non-ASCII digits and letters, control characters.
 */
class HotPathValidationTest {
    private static final int CASES = 20_000;
    private static final char[] EDGES = ("09afAFzZ_-" + "/:@[`{gG" + " \t\u0000\u001f\u007f\u0085\u00a0"
            + "é٣ａ|.~").toCharArray();

    @Test
    @DisplayName("IdempotencyKey accepts exactly [0-9a-f]{64}")
    void idempotencyKeyMatchesItsRegex() {
        Pattern spec = Pattern.compile("[0-9a-f]{64}");
        assertSameVerdicts(spec.asMatchPredicate(), IdempotencyKey::new, 64);
    }

    @Test
    @DisplayName("ClientOrderId accepts exactly [A-Za-z0-9_-]{1,64}")
    void clientOrderIdMatchesItsRegex() {
        Pattern spec = Pattern.compile("[A-Za-z0-9_-]{1,64}");
        assertSameVerdicts(spec.asMatchPredicate(), ClientOrderId::new, 64);
    }

    @Test
    @DisplayName("TxScope refuses blank, over-long and control-character scopes, as before")
    void txScopeMatchesTheStreamCheck() {
        Predicate<String> spec = s -> !(s.isBlank() || s.length() > 200 || s.chars().anyMatch(Character::isISOControl));
        assertSameVerdicts(spec, TxScope::new, 200);
    }

    private static void assertSameVerdicts(Predicate<String> spec, Consumer<String> construct, int limit) {
        long seed = Fixtures.seed();
        Random random = new Random(seed);
        int accepted = 0;
        for (int i = 0; i < CASES; i++) {
            String s = candidate(random, limit);
            boolean ok = accepts(construct, s);
            assertThat(ok).as("seed=" + seed + " input=\"" + escape(s) + "\"").isEqualTo(spec.test(s));
            accepted += ok ? 1 : 0;
        }
        // both verdicts must actually occur, or the property proved nothing
        assertThat(accepted).as("seed=" + seed + " accepted").isBetween(1, CASES - 1);
    }

    /** Mostly valid characters at or near the length limit, with an occasional edge character. */
    private static String candidate(Random random, int limit) {
        int[] lengths = {0, 1, 2, limit - 1, limit, limit + 1, random.nextInt(limit + 2)};
        int length = lengths[random.nextInt(lengths.length)];
        double edgeRate = random.nextInt(3) == 0 ? 0 : 0.02;
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(random.nextDouble() < edgeRate ? EDGES[random.nextInt(EDGES.length)]
                    : "0123456789abcdef".charAt(random.nextInt(16)));
        }
        return b.toString();
    }

    private static boolean accepts(Consumer<String> construct, String s) {
        try {
            construct.accept(s);
            return true;
        } catch (InvalidInputException e) {
            return false;
        }
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        s.chars().forEach(c -> b.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c)
                : String.format("\\u%04x", c)));
        return b.toString();
    }
}
