package dev.copytrade.core.guardrail;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.copytrade.core.executor.CopyTradeListener;
import dev.copytrade.core.internal.EpochNanos;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.FollowerId;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.ReasonCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Skips a (signal, follower) this process has seen a record for within the last {@code ttl} (default
 * {@value #DEFAULT_TTL_SECONDS} s) with {@code DUPLICATE_SIGNAL}, so repeats from a second feed or a
 * reconnect stop before the guardrails after it do their work (quote, position and PnL look-ups). Put
 * it first in the chain.
 *
 * <p>This is an optimisation, not the guarantee. The store's unique key on (signal, follower) is what
 * makes a repeat harmless, across processes and restarts. A skip here makes the executor prewrite a
 * SKIPPED draft under the same key; since the first delivery's record already holds the key, the store
 * returns that record, the result is DUPLICATE and nothing is written or changed. The store round trip
 * itself is not saved.
 *
 * <p>For that to hold, a (signal, follower) is marked as seen only once its record exists: from the
 * listener events, which come after the store write (register the same instance as a guardrail
 * <em>and</em> as a listener of the executor). Marking it in {@code evaluate} would be wrong: a second
 * delivery racing the first could then write its SKIPPED draft first and take the key, and the trade
 * would never be copied; and a delivery whose prewrite failed would block its own retry.
 *
 * @see dev.copytrade.core.model.IdempotencyKey
 */
public final class SignalDedup implements Guardrail, CopyTradeListener {
    public static final long DEFAULT_TTL_SECONDS = 60;
    public static final long DEFAULT_MAX_ENTRIES = 100_000;

    private record Key(SignalId signal, FollowerId follower) {}

    private final Duration ttl;
    private final Clock clock;
    private final Cache<Key, Instant> seen;

    /** @param clock when a record was seen; pass the executor's clock */
    public SignalDedup(Clock clock) {
        this(Duration.ofSeconds(DEFAULT_TTL_SECONDS), clock, DEFAULT_MAX_ENTRIES);
    }

    public SignalDedup(Duration ttl, Clock clock, long maxEntries) {
        this.ttl = InvalidInputException.requireNonNull("dedupTtl", ttl);
        this.clock = InvalidInputException.requireNonNull("clock", clock);
        if (ttl.isNegative() || ttl.isZero()) {
            throw new InvalidInputException("dedupTtl", ttl, "must be positive");
        }
        if (maxEntries < 1) {
            throw new InvalidInputException("dedupMaxEntries", maxEntries, "must be positive");
        }
        this.seen = Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .maximumSize(maxEntries)
                .ticker(EpochNanos.ticker(clock))
                .executor(Runnable::run)
                .build();
    }

    @Override
    public Decision evaluate(CopyOrder order, GuardrailContext context) {
        Instant at = seen.getIfPresent(new Key(context.trade().signalId(), context.follower().id()));
        if (at == null || !context.now().isBefore(at.plus(ttl))) {
            return Decision.allow();
        }
        return Decision.skip(ReasonCode.DUPLICATE_SIGNAL, "seenAt", at.toString(), "ttlMs", Long.toString(ttl.toMillis()));
    }

    private void seen(CopyTradeRecord r) {
        seen.put(new Key(r.trade().signalId(), r.followerId()), clock.instant());
    }

    @Override
    public void onSkipped(CopyTradeRecord record) {
        seen(record);
    }

    @Override
    public void onDuplicate(CopyTradeRecord existing) {
        seen(existing);
    }

    @Override
    public void onSubmitted(CopyTradeRecord record) {
        seen(record);
    }

    @Override
    public void onExecuted(CopyTradeRecord record) {
        seen(record);
    }

    @Override
    public void onFailed(CopyTradeRecord record) {
        seen(record);
    }

    @Override
    public void onOutcomeUnknown(CopyTradeRecord record, Throwable cause) {
        seen(record);
    }
}
