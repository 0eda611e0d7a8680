package dev.copytrade.core.debt;

/** What happened to a debt, as written to its history ({@link DebtEvent}). */
public enum DebtAction {
    /** The debt was recorded (OPEN). */
    ACCRUED,
    /** A repayment attempt started: OPEN → REPAYING, its idempotency key written before the settler is called. */
    ATTEMPT_STARTED,
    /** The settler repaid it: REPAYING → REPAID. */
    REPAID,
    /** The settler proved the attempt failed (or never received it): REPAYING → OPEN, due again after a backoff. */
    ATTEMPT_FAILED,
    /** The attempt's outcome is unknown: REPAYING → REPAYING, to be looked up again before anything else. */
    RECONCILE_LATER,
    /** Not attempted now (the debtor cannot cover it, or its balance cannot be read): OPEN → OPEN, no attempt counted. */
    DEFERRED,
    /** Too many failed attempts (or an operator's call): → ESCALATED, for a human. */
    ESCALATED,
    /** An operator asked for an attempt now: OPEN or ESCALATED → OPEN, due at once. */
    RETRY_REQUESTED,
    /** An operator wrote it off with a reason: OPEN or ESCALATED → WRITTEN_OFF. */
    WRITTEN_OFF
}
