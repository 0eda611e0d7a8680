package dev.copytrade.core.testkit.evm;

import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

/**
 * Anvil nodes for tests: one shared auto-mining node per test JVM ({@link #shared()}), or a dedicated
 * one for tests that change how blocks are made ({@link #start}). Where no anvil can be had (no npm, not
 * linux-amd64), the test is skipped with a message saying how to enable it — except under {@code CI=true},
 * where it fails: CI must run the EVM tests, never skip them.
 */
public final class Anvil {
    private static AnvilNode shared;

    private Anvil() {}

    /** The JVM's shared auto-mining node (started on first use, killed at JVM exit). */
    public static synchronized AnvilNode shared() {
        if (shared == null || !shared.isAlive()) {
            shared = orSkip(AnvilNode.Mining.AUTO, Duration.ZERO);
        }
        return shared;
    }

    /** A dedicated node; the caller closes it. */
    public static AnvilNode start(AnvilNode.Mining mining, Duration blockTime) {
        return orSkip(mining, blockTime);
    }

    private static AnvilNode orSkip(AnvilNode.Mining mining, Duration blockTime) {
        try {
            return AnvilNode.start(mining, blockTime);
        } catch (AnvilNode.NotAvailable e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true and no anvil node could be started, so the EVM tests"
                        + " cannot run: " + e.getMessage(), e);
            }
            Assumptions.abort("EVM tests skipped: " + e.getMessage()
                    + ". To run them, install Node.js with npm (the tests then install anvil themselves).");
            throw new AssertionError("unreachable");
        }
    }
}
