package dev.copytrade.core.testkit;

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
 * A {@link CopyTradeStore} that forwards every call, batch forms included, to a real store: the base of
 * test decorators that fail or count one kind of call around an in-memory or database store.
 */
public class ForwardingStore implements CopyTradeStore {
    protected final CopyTradeStore inner;

    public ForwardingStore(CopyTradeStore delegate) {
        this.inner = delegate;
    }

    @Override
    public PrewriteResult prewrite(RecordDraft draft) {
        return inner.prewrite(draft);
    }

    @Override
    public List<PrewriteResult> prewriteAll(List<RecordDraft> drafts) {
        return inner.prewriteAll(drafts);
    }

    @Override
    public TransitionResult transition(Transition t) {
        return inner.transition(t);
    }

    @Override
    public TransitionResult transition(CopyTradeRecord current, Transition t) {
        return inner.transition(current, t);
    }

    @Override
    public List<TransitionResult> transitionAll(List<Transition> transitions) {
        return inner.transitionAll(transitions);
    }

    @Override
    public List<TransitionResult> transitionAll(List<CopyTradeRecord> current, List<Transition> transitions) {
        return inner.transitionAll(current, transitions);
    }

    @Override
    public boolean renewLease(long id, RecordStatus expected, String owner, Instant until) {
        return inner.renewLease(id, expected, owner, until);
    }

    @Override
    public List<CopyTradeRecord> claimStale(Instant now, int limit, String owner, Instant leaseUntil) {
        return inner.claimStale(now, limit, owner, leaseUntil);
    }

    @Override
    public Optional<CopyTradeRecord> findById(long id) {
        return inner.findById(id);
    }

    @Override
    public Optional<CopyTradeRecord> findByKey(IdempotencyKey key) {
        return inner.findByKey(key);
    }

    @Override
    public List<CopyTradeRecord> findByStatus(RecordStatus status, long afterId, int limit) {
        return inner.findByStatus(status, afterId, limit);
    }

    @Override
    public Map<RecordStatus, Long> countByStatus() {
        return inner.countByStatus();
    }
}
