package dev.copytrade.core.testkit;

import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.Transition;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.store.StoreException;
import dev.copytrade.core.store.TransitionResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real store that remembers the size of every group commit it is given
 * ({@code transitionAll(current, transitions)}) and which threads wrote through the record-aware forms,
 * and can be told to fail every group commit, having written nothing, like a process that dies between
 * the send and the final write.
 */
public class CountingStore extends ForwardingStore {
    /** Sizes of the group commits, in call order. */
    public final List<Integer> groupCommits = new CopyOnWriteArrayList<>();
    /** The thread of every group commit and every {@code transition(current, t)}, in call order. */
    public final List<String> writers = new CopyOnWriteArrayList<>();
    private volatile boolean groupCommitsFail;

    public CountingStore(CopyTradeStore delegate) {
        super(delegate);
    }

    /** Every later group commit throws {@link StoreException} without writing anything. */
    public CountingStore failGroupCommits() {
        groupCommitsFail = true;
        return this;
    }

    @Override
    public List<TransitionResult> transitionAll(List<CopyTradeRecord> current, List<Transition> transitions) {
        groupCommits.add(transitions.size());
        writers.add(Thread.currentThread().getName());
        if (groupCommitsFail) {
            throw new StoreException("simulated: the process died before the group commit reached the database");
        }
        return super.transitionAll(current, transitions);
    }

    @Override
    public TransitionResult transition(CopyTradeRecord current, Transition t) {
        writers.add(Thread.currentThread().getName());
        return super.transition(current, t);
    }
}
