package dev.copytrade.core.executor;

import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.model.IdempotencyKey;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.RecordDraft;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.record.Transition;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.store.PrewriteResult;
import dev.copytrade.core.store.StoreException;
import dev.copytrade.core.store.TransitionResult;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory store whose prewrites start failing after a budget, like a database that goes away
 * mid-batch. Batches go through the per-record prewrite, so a batch can be left half written.
 */
final class FaultyStore implements CopyTradeStore {
    final InMemoryCopyTradeStore delegate = new InMemoryCopyTradeStore();
    private final AtomicInteger prewritesLeft = new AtomicInteger(Integer.MAX_VALUE);

    /** The next {@code n} prewrites succeed, every later one throws. */
    FaultyStore failPrewritesAfter(int n) {
        prewritesLeft.set(n);
        return this;
    }

    @Override
    public PrewriteResult prewrite(RecordDraft draft) {
        if (prewritesLeft.getAndDecrement() <= 0) {
            throw new StoreException("simulated: database unavailable");
        }
        return delegate.prewrite(draft);
    }

    @Override
    public TransitionResult transition(Transition t) {
        return delegate.transition(t);
    }

    @Override
    public boolean renewLease(long id, RecordStatus expected, String owner, Instant until) {
        return delegate.renewLease(id, expected, owner, until);
    }

    @Override
    public List<CopyTradeRecord> claimStale(Instant now, int limit, String owner, Instant leaseUntil) {
        return delegate.claimStale(now, limit, owner, leaseUntil);
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
