package dev.copytrade.examples.bench.pg;

import dev.copytrade.core.model.IdempotencyKey;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.RecordDraft;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.record.Transition;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.store.PrewriteResult;
import dev.copytrade.core.store.TransitionResult;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Splits a sweep's time between claiming stale rows (the part that could grow with the table) and
 * everything else (one compare-and-set commit per record, the same work on any table size).
 */
final class TimedStore implements CopyTradeStore {
    private final CopyTradeStore delegate;
    private long claimNanos;
    private int claims;

    TimedStore(CopyTradeStore delegate) {
        this.delegate = delegate;
    }

    /** Claim time since the last reset; the sweeper claims from one thread. */
    long claimNanos() {
        return claimNanos;
    }

    int claims() {
        return claims;
    }

    void reset() {
        claimNanos = 0;
        claims = 0;
    }

    @Override
    public List<CopyTradeRecord> claimStale(Instant now, int limit, String owner, Instant leaseUntil) {
        long t0 = System.nanoTime();
        try {
            return delegate.claimStale(now, limit, owner, leaseUntil);
        } finally {
            claimNanos += System.nanoTime() - t0;
            claims++;
        }
    }

    @Override
    public PrewriteResult prewrite(RecordDraft draft) {
        return delegate.prewrite(draft);
    }

    @Override
    public List<PrewriteResult> prewriteAll(List<RecordDraft> drafts) {
        return delegate.prewriteAll(drafts);
    }

    @Override
    public TransitionResult transition(Transition t) {
        return delegate.transition(t);
    }

    @Override
    public List<TransitionResult> transitionAll(List<Transition> transitions) {
        return delegate.transitionAll(transitions);
    }

    @Override
    public boolean renewLease(long id, RecordStatus expected, String owner, Instant until) {
        return delegate.renewLease(id, expected, owner, until);
    }

    @Override
    public Optional<CopyTradeRecord> findById(long id) {
        return delegate.findById(id);
    }

    @Override
    public Optional<CopyTradeRecord> findByKey(IdempotencyKey key) {
        return delegate.findByKey(key);
    }

    @Override
    public List<CopyTradeRecord> findByStatus(RecordStatus status, long afterId, int limit) {
        return delegate.findByStatus(status, afterId, limit);
    }

    @Override
    public Map<RecordStatus, Long> countByStatus() {
        return delegate.countByStatus();
    }
}
