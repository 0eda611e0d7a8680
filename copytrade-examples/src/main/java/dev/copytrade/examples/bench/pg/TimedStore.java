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
import java.util.concurrent.atomic.LongAdder;

/**
 * Times the calls a benchmark wants to split its wall time by: a sweep's claims of stale rows (the part
 * that could grow with the table, against one compare-and-set commit per record, the same work on any
 * table size), and a fan-out's batch prewrites and group commits. Thread-safe.
 */
final class TimedStore implements CopyTradeStore {
    /** Calls of one kind since the last reset: how many, how many rows they carried, and their time. */
    record Timing(long calls, long rows, long nanos) {
        double millis() {
            return nanos / 1e6;
        }
    }

    /** Accumulates one kind of call from any thread. */
    private static final class Timer {
        final LongAdder calls = new LongAdder();
        final LongAdder rows = new LongAdder();
        final LongAdder nanos = new LongAdder();

        void add(int n, long t0) {
            calls.increment();
            rows.add(n);
            nanos.add(System.nanoTime() - t0);
        }

        Timing snapshot() {
            return new Timing(calls.sum(), rows.sum(), nanos.sum());
        }

        void reset() {
            calls.reset();
            rows.reset();
            nanos.reset();
        }
    }

    private final CopyTradeStore delegate;
    private final Timer claims = new Timer();
    private final Timer prewriteBatches = new Timer();
    private final Timer groupCommits = new Timer();

    TimedStore(CopyTradeStore delegate) {
        this.delegate = delegate;
    }

    /** Claim time since the last reset. */
    long claimNanos() {
        return claims.nanos.sum();
    }

    int claims() {
        return (int) claims.calls.sum();
    }

    /** {@code prewriteAll} calls since the last reset (rows = drafts). */
    Timing prewriteBatches() {
        return prewriteBatches.snapshot();
    }

    /** Group commits ({@code transitionAll} with the caller's copies) since the last reset (rows = transitions). */
    Timing groupCommits() {
        return groupCommits.snapshot();
    }

    void reset() {
        claims.reset();
        prewriteBatches.reset();
        groupCommits.reset();
    }

    @Override
    public List<CopyTradeRecord> claimStale(Instant now, int limit, String owner, Instant leaseUntil) {
        long t0 = System.nanoTime();
        List<CopyTradeRecord> claimed = delegate.claimStale(now, limit, owner, leaseUntil);
        claims.add(claimed.size(), t0);
        return claimed;
    }

    @Override
    public PrewriteResult prewrite(RecordDraft draft) {
        return delegate.prewrite(draft);
    }

    @Override
    public List<PrewriteResult> prewriteAll(List<RecordDraft> drafts) {
        long t0 = System.nanoTime();
        List<PrewriteResult> written = delegate.prewriteAll(drafts);
        prewriteBatches.add(drafts.size(), t0);
        return written;
    }

    @Override
    public TransitionResult transition(Transition t) {
        return delegate.transition(t);
    }

    @Override
    public TransitionResult transition(CopyTradeRecord current, Transition t) {
        return delegate.transition(current, t);
    }

    @Override
    public List<TransitionResult> transitionAll(List<CopyTradeRecord> current, List<Transition> transitions) {
        long t0 = System.nanoTime();
        List<TransitionResult> results = delegate.transitionAll(current, transitions);
        groupCommits.add(transitions.size(), t0);
        return results;
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
