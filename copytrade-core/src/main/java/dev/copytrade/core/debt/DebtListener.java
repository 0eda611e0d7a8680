package dev.copytrade.core.debt;

/**
 * Hooks for metrics and notifications about debts being recovered; every method has an empty default,
 * so implement only what you need. Called on the recovery loop's (or the operator's) thread after the
 * ledger write; an exception thrown here is logged and swallowed, never allowed to change an outcome.
 * The debt accrued by an execution is reported by {@code CopyTradeListener.onDebtsRecorded}.
 */
public interface DebtListener {

    /** The settler repaid it (now REPAID, with the settler's reference). */
    default void onRepaid(Debt debt) {}

    /** An attempt is proven not to have paid; the debt is OPEN again, due after a backoff. */
    default void onAttemptFailed(Debt debt) {}

    /** Too many failed attempts: the debt is ESCALATED and waits for a human (retry now, or write off). */
    default void onEscalated(Debt debt) {}

    /** The outcome of a repayment is unknown; it is looked up again before anything else is tried. */
    default void onRepaymentUnresolved(Debt debt) {}

    /** The debtor cannot cover it now (or its balance could not be read); no attempt was counted. */
    default void onWaitingForFunds(Debt debt) {}

    /** An operator asked for an attempt now. */
    default void onRetryRequested(Debt debt) {}

    /** An operator wrote it off (the reason is in its history). */
    default void onWrittenOff(Debt debt) {}
}
