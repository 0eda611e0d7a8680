package dev.copytrade.core.executor;

import dev.copytrade.core.debt.DebtDraft;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.CopyTradeRecord;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Remembers every event as "event:follower", plus the cause of each unknown outcome (null allowed). */
final class RecordingListener implements CopyTradeListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<Throwable> unknownCauses = new CopyOnWriteArrayList<>();
    final List<Exception> prewriteErrors = new CopyOnWriteArrayList<>();

    private void add(String event, CopyTradeRecord r) {
        events.add(event + ":" + r.followerId());
    }

    @Override
    public void onSkipped(CopyTradeRecord record) {
        add("skipped", record);
    }

    @Override
    public void onDuplicate(CopyTradeRecord existing) {
        add("duplicate", existing);
    }

    @Override
    public void onSubmitted(CopyTradeRecord record) {
        add("submitted", record);
    }

    @Override
    public void onExecuted(CopyTradeRecord record) {
        add("executed", record);
    }

    @Override
    public void onFailed(CopyTradeRecord record) {
        add("failed", record);
    }

    @Override
    public void onOutcomeUnknown(CopyTradeRecord record, Throwable cause) {
        add("unknown", record);
        unknownCauses.add(cause);
    }

    @Override
    public void onDebtsRecorded(CopyTradeRecord record, List<DebtDraft> debts) {
        add("debts" + debts.size(), record);
    }

    @Override
    public void onPrewriteFailed(LeaderTrade trade, Follower follower, Exception error) {
        events.add("prewriteFailed:" + follower.id());
        prewriteErrors.add(error);
    }
}
