package dev.copytrade.core.executor;

import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.record.RecordDraft;
import dev.copytrade.core.store.PrewriteResult;
import dev.copytrade.core.store.StoreException;
import dev.copytrade.core.testkit.CountingStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory store whose prewrites start failing after a budget, like a database that goes away
 * mid-batch: batches go through the per-record prewrite, so a batch can be left half written.
 */
final class FaultyStore extends CountingStore {
    final InMemoryCopyTradeStore delegate;
    private final AtomicInteger prewritesLeft = new AtomicInteger(Integer.MAX_VALUE);

    FaultyStore() {
        this(new InMemoryCopyTradeStore());
    }

    private FaultyStore(InMemoryCopyTradeStore memory) {
        super(memory);
        this.delegate = memory;
    }

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
    public List<PrewriteResult> prewriteAll(List<RecordDraft> drafts) {
        List<PrewriteResult> out = new ArrayList<>(drafts.size());
        for (RecordDraft d : drafts) {
            out.add(prewrite(d));
        }
        return out;
    }
}
