package dev.copytrade.core.debt;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Remembers every debt event as "event:debtId". */
final class RecordingDebtListener implements DebtListener {
    final List<String> events = new CopyOnWriteArrayList<>();

    private void add(String event, Debt d) {
        events.add(event + ":" + d.id());
    }

    @Override
    public void onRepaid(Debt debt) {
        add("repaid", debt);
    }

    @Override
    public void onAttemptFailed(Debt debt) {
        add("failed", debt);
    }

    @Override
    public void onEscalated(Debt debt) {
        add("escalated", debt);
    }

    @Override
    public void onRepaymentUnresolved(Debt debt) {
        add("unresolved", debt);
    }

    @Override
    public void onWaitingForFunds(Debt debt) {
        add("waiting", debt);
    }

    @Override
    public void onRetryRequested(Debt debt) {
        add("retry", debt);
    }

    @Override
    public void onWrittenOff(Debt debt) {
        add("writtenOff", debt);
    }
}
