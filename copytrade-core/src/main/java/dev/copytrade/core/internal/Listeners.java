package dev.copytrade.core.internal;

import dev.copytrade.core.debt.DebtDraft;
import dev.copytrade.core.executor.CopyTradeListener;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.CopyTradeRecord;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fans events out to the host's listeners; a listener's exception never reaches the pipeline. */
public final class Listeners implements CopyTradeListener {
    private static final Logger log = LoggerFactory.getLogger(Listeners.class);
    private final CopyTradeListener[] listeners;

    public Listeners(List<CopyTradeListener> listeners) {
        this.listeners = listeners.toArray(CopyTradeListener[]::new);
    }

    private void each(Consumer<CopyTradeListener> call) {
        for (CopyTradeListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                log.warn("listener {} threw; ignored", l.getClass().getName(), e);
            }
        }
    }

    @Override
    public void onSkipped(CopyTradeRecord r) {
        if (listeners.length > 0) {
            each(l -> l.onSkipped(r));
        }
    }

    @Override
    public void onDuplicate(CopyTradeRecord r) {
        if (listeners.length > 0) {
            each(l -> l.onDuplicate(r));
        }
    }

    @Override
    public void onSubmitted(CopyTradeRecord r) {
        if (listeners.length > 0) {
            each(l -> l.onSubmitted(r));
        }
    }

    @Override
    public void onExecuted(CopyTradeRecord r) {
        if (listeners.length > 0) {
            each(l -> l.onExecuted(r));
        }
    }

    @Override
    public void onFailed(CopyTradeRecord r) {
        if (listeners.length > 0) {
            each(l -> l.onFailed(r));
        }
    }

    @Override
    public void onOutcomeUnknown(CopyTradeRecord r, Throwable cause) {
        if (listeners.length > 0) {
            each(l -> l.onOutcomeUnknown(r, cause));
        }
    }

    @Override
    public void onExpired(CopyTradeRecord r) {
        if (listeners.length > 0) {
            each(l -> l.onExpired(r));
        }
    }

    @Override
    public void onUnresolved(CopyTradeRecord r) {
        if (listeners.length > 0) {
            each(l -> l.onUnresolved(r));
        }
    }

    @Override
    public void onDebtsRecorded(CopyTradeRecord r, List<DebtDraft> debts) {
        if (listeners.length > 0) {
            each(l -> l.onDebtsRecorded(r, debts));
        }
    }

    @Override
    public void onPrewriteFailed(LeaderTrade trade, Follower follower, Exception error) {
        if (listeners.length > 0) {
            each(l -> l.onPrewriteFailed(trade, follower, error));
        }
    }
}
