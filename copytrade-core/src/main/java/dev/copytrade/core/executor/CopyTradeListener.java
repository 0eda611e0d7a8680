package dev.copytrade.core.executor;

import dev.copytrade.core.debt.DebtDraft;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.CopyTradeRecord;
import java.util.List;

/**
 * Hooks for metrics and notifications; every method has an empty default, so implement only what
 * you need. Called on the executing thread after the store write; an exception thrown here is logged
 * and swallowed, never allowed to change an outcome. Keep implementations fast.
 */
public interface CopyTradeListener {

    /** A SKIPPED record was written (pre-trade, under the lock, or a dry run). */
    default void onSkipped(CopyTradeRecord record) {}

    /** The key already had a record; nothing was done. */
    default void onDuplicate(CopyTradeRecord existing) {}

    /** The order is about to leave (the record is PENDING, or SUBMITTED when references were stored first). */
    default void onSubmitted(CopyTradeRecord record) {}

    /** The venue filled the order (compare {@code record.fill()} with the order for partial fills). */
    default void onExecuted(CopyTradeRecord record) {}

    /** The order failed without executing (rejected, lock timeout, prepare failed). */
    default void onFailed(CopyTradeRecord record) {}

    /**
     * The order may have left but its outcome is unknown; the record stays in flight for the
     * reconciler and is never re-sent. {@code cause} is the adapter's exception, or null.
     */
    default void onOutcomeUnknown(CopyTradeRecord record, Throwable cause) {}

    /** The sweeper expired a stale record: never submitted, or proven unknown to the venue. */
    default void onExpired(CopyTradeRecord record) {}

    /** The reconciler could not learn the outcome from the venue; the record is UNKNOWN until a later reconcile. */
    default void onUnresolved(CopyTradeRecord record) {}

    /**
     * The record's final state was written together with the debts its failed settlement legs left
     * (OPEN in the store's debt ledger, for the recovery loop; a leg recorded before is not recorded
     * twice). Called after {@link #onExecuted} or {@link #onFailed}, by the executor or the sweeper.
     */
    default void onDebtsRecorded(CopyTradeRecord record, List<DebtDraft> debts) {}

    /** The prewrite failed: no record, and nothing was sent. */
    default void onPrewriteFailed(LeaderTrade trade, Follower follower, Exception error) {}
}
