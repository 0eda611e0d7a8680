package dev.copytrade.core.internal;

import dev.copytrade.core.debt.Debt;
import dev.copytrade.core.debt.DebtListener;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fans debt events out to the host's listeners; a listener's exception never reaches the loop. */
public final class DebtListeners implements DebtListener {
    private static final Logger log = LoggerFactory.getLogger(DebtListeners.class);
    private final DebtListener[] listeners;

    public DebtListeners(List<DebtListener> listeners) {
        this.listeners = listeners.toArray(DebtListener[]::new);
    }

    private void each(Consumer<DebtListener> call) {
        for (DebtListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                log.warn("debt listener {} threw; ignored", l.getClass().getName(), e);
            }
        }
    }

    @Override
    public void onRepaid(Debt d) {
        each(l -> l.onRepaid(d));
    }

    @Override
    public void onAttemptFailed(Debt d) {
        each(l -> l.onAttemptFailed(d));
    }

    @Override
    public void onEscalated(Debt d) {
        each(l -> l.onEscalated(d));
    }

    @Override
    public void onRepaymentUnresolved(Debt d) {
        each(l -> l.onRepaymentUnresolved(d));
    }

    @Override
    public void onWaitingForFunds(Debt d) {
        each(l -> l.onWaitingForFunds(d));
    }

    @Override
    public void onRetryRequested(Debt d) {
        each(l -> l.onRetryRequested(d));
    }

    @Override
    public void onWrittenOff(Debt d) {
        each(l -> l.onWrittenOff(d));
    }
}
