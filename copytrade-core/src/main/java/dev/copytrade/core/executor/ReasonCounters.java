package dev.copytrade.core.executor;

import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.ReasonCode;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts every decision by outcome and reason code, for dashboards and alerts: register it as a
 * listener on the executor (and the sweeper) and read {@link #snapshot()}. Lock-free; counts since
 * this object was created (the store's records are the durable audit).
 */
public final class ReasonCounters implements CopyTradeListener {
    private static final ReasonCode[] CODES = ReasonCode.values();
    private final AtomicLongArray skipped = new AtomicLongArray(CODES.length);
    private final AtomicLongArray failed = new AtomicLongArray(CODES.length);
    private final AtomicLongArray expired = new AtomicLongArray(CODES.length);
    private final AtomicLongArray outcomes = new AtomicLongArray(Kind.values().length);

    /** The outcomes counted besides the reason codes. */
    public enum Kind {
        EXECUTED,
        SKIPPED,
        FAILED,
        EXPIRED,
        OUTCOME_UNKNOWN,
        UNRESOLVED,
        DUPLICATE,
        PREWRITE_FAILED
    }

    /** @param skipped SKIPPED records by reason; @param failed FAILED by reason; @param expired EXPIRED by reason */
    public record Snapshot(Map<Kind, Long> outcomes, Map<ReasonCode, Long> skipped, Map<ReasonCode, Long> failed,
            Map<ReasonCode, Long> expired) {
        public long skipped(ReasonCode reason) {
            return skipped.getOrDefault(reason, 0L);
        }

        public long count(Kind kind) {
            return outcomes.getOrDefault(kind, 0L);
        }
    }

    @Override
    public void onSkipped(CopyTradeRecord r) {
        outcomes.incrementAndGet(Kind.SKIPPED.ordinal());
        bump(skipped, r.reason());
    }

    @Override
    public void onExecuted(CopyTradeRecord r) {
        outcomes.incrementAndGet(Kind.EXECUTED.ordinal());
    }

    @Override
    public void onFailed(CopyTradeRecord r) {
        outcomes.incrementAndGet(Kind.FAILED.ordinal());
        bump(failed, r.reason());
    }

    @Override
    public void onExpired(CopyTradeRecord r) {
        outcomes.incrementAndGet(Kind.EXPIRED.ordinal());
        bump(expired, r.reason());
    }

    @Override
    public void onOutcomeUnknown(CopyTradeRecord r, Throwable cause) {
        outcomes.incrementAndGet(Kind.OUTCOME_UNKNOWN.ordinal());
    }

    @Override
    public void onUnresolved(CopyTradeRecord r) {
        outcomes.incrementAndGet(Kind.UNRESOLVED.ordinal());
    }

    @Override
    public void onDuplicate(CopyTradeRecord existing) {
        outcomes.incrementAndGet(Kind.DUPLICATE.ordinal());
    }

    @Override
    public void onPrewriteFailed(dev.copytrade.core.model.LeaderTrade trade, dev.copytrade.core.policy.Follower f,
            Exception error) {
        outcomes.incrementAndGet(Kind.PREWRITE_FAILED.ordinal());
    }

    private static void bump(AtomicLongArray counters, ReasonCode reason) {
        if (reason != null) {
            counters.incrementAndGet(reason.ordinal());
        }
    }

    /** A consistent-enough copy of the counters (each counter is read once; zeros are left out). */
    public Snapshot snapshot() {
        Map<Kind, Long> o = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            long v = outcomes.get(k.ordinal());
            if (v > 0) {
                o.put(k, v);
            }
        }
        return new Snapshot(o, read(skipped), read(failed), read(expired));
    }

    private static Map<ReasonCode, Long> read(AtomicLongArray counters) {
        Map<ReasonCode, Long> m = new EnumMap<>(ReasonCode.class);
        for (ReasonCode c : CODES) {
            long v = counters.get(c.ordinal());
            if (v > 0) {
                m.put(c, v);
            }
        }
        return m;
    }
}
