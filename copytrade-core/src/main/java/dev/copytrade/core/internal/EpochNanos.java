package dev.copytrade.core.internal;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Instant;

/**
 * Instants as nanoseconds since the epoch, so time-based guardrails and caches can run on an injected
 * {@link Clock} (a settable one in tests) instead of the system timer. Exact: fails loudly outside
 * the years 1678..2261 rather than wrapping around.
 */
public final class EpochNanos {

    private EpochNanos() {}

    public static long of(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    /** A Caffeine ticker reading {@code clock}. */
    public static Ticker ticker(Clock clock) {
        return () -> of(clock.instant());
    }
}
