package dev.copytrade.core.debt;

import static dev.copytrade.core.debt.DebtStatus.ESCALATED;
import static dev.copytrade.core.debt.DebtStatus.OPEN;
import static dev.copytrade.core.debt.DebtStatus.REPAID;
import static dev.copytrade.core.debt.DebtStatus.REPAYING;
import static dev.copytrade.core.debt.DebtStatus.WRITTEN_OFF;

import dev.copytrade.core.model.InvalidInputException;
import java.time.Instant;

/**
 * A compare-and-set change of one debt: applied only if the debt is still at {@link #fromVersion()}
 * (and so still in {@link #from()}). It carries the debt's whole mutable state after the change, so a
 * ledger writes it as it is; build it with the factories, which derive that state from the debt as the
 * caller last saw it. Checked against the status table and the action on construction, so an illegal
 * change never reaches a ledger.
 *
 * @param id the debt
 * @param fromVersion the version the caller saw; the change applies only if the debt still has it
 * @param from the status the caller saw
 * @param to the status after
 * @param action what happened, for the history
 * @param at when
 * @param actor who did it: a recovery loop's instance id or an operator's name
 * @param note the history entry's text (the error, why it waits, the write-off reason); may be null
 * @param attempts attempts started, after the change
 * @param nextAttemptAt when the debt is next due, after the change
 * @param lastError the debt's latest error, after the change
 * @param repaymentKey the latest attempt's idempotency key, after the change
 * @param repaymentRef the settler's reference of the repayment, after the change
 * @param leaseOwner the lease after the change: only an attempt in progress keeps one
 * @param leaseUntil the lease's end, after the change
 */
public record DebtTransition(long id, long fromVersion, DebtStatus from, DebtStatus to, DebtAction action, Instant at,
        String actor, String note, int attempts, Instant nextAttemptAt, String lastError, String repaymentKey,
        String repaymentRef, String leaseOwner, Instant leaseUntil) {

    public DebtTransition {
        if (id <= 0) {
            throw new InvalidInputException("debtTransition.id", id, "must be positive");
        }
        if (fromVersion < 0) {
            throw new InvalidInputException("debtTransition.fromVersion", fromVersion, "must not be negative");
        }
        DebtStatus.requireTransition(from, to);
        InvalidInputException.requireNonNull("debtTransition.action", action);
        if (!fits(action, from, to)) {
            throw new IllegalDebtTransitionException(from, to, action);
        }
        InvalidInputException.requireNonNull("debtTransition.at", at);
        DebtText.optionalId("debtTransition.actor", actor);
        note = DebtText.cut(note);
        if (attempts < 0) {
            throw new InvalidInputException("debtTransition.attempts", attempts, "must not be negative");
        }
        InvalidInputException.requireNonNull("debtTransition.nextAttemptAt", nextAttemptAt);
        lastError = DebtText.cut(lastError);
        DebtText.optionalId("debtTransition.repaymentKey", repaymentKey);
        DebtText.optionalId("debtTransition.repaymentRef", repaymentRef);
        DebtText.optionalId("debtTransition.leaseOwner", leaseOwner);
        if ((leaseOwner == null) != (leaseUntil == null)) {
            throw new InvalidInputException("debtTransition.leaseUntil", leaseUntil,
                    "is given exactly when leaseOwner is");
        }
        if (leaseOwner != null && action != DebtAction.ATTEMPT_STARTED) {
            throw new InvalidInputException("debtTransition.leaseOwner", leaseOwner,
                    "only an attempt in progress keeps a lease");
        }
        if (to == REPAYING && repaymentKey == null) {
            throw new InvalidInputException("debtTransition.repaymentKey", null, "is required to be REPAYING");
        }
        if (to == REPAID && repaymentRef == null) {
            throw new InvalidInputException("debtTransition.repaymentRef", null, "is required to reach REPAID");
        }
        if (action == DebtAction.WRITTEN_OFF || action == DebtAction.RETRY_REQUESTED) {
            InvalidInputException.requireNonNull("debtTransition.actor", actor);
        }
        if (action == DebtAction.WRITTEN_OFF) {
            note = DebtText.required("debtTransition.note", note);
        }
    }

    private static boolean fits(DebtAction action, DebtStatus from, DebtStatus to) {
        return switch (action) {
            case ACCRUED -> false;
            case ATTEMPT_STARTED -> from == OPEN && to == REPAYING;
            case REPAID -> from == REPAYING && to == REPAID;
            case ATTEMPT_FAILED -> from == REPAYING && to == OPEN;
            case RECONCILE_LATER -> from == REPAYING && to == REPAYING;
            case DEFERRED -> from == OPEN && to == OPEN;
            case ESCALATED -> to == ESCALATED;
            case RETRY_REQUESTED -> to == OPEN && (from == OPEN || from == ESCALATED);
            case WRITTEN_OFF -> to == WRITTEN_OFF;
        };
    }

    private static DebtTransition of(Debt d, DebtStatus to, DebtAction action, Instant at, String actor, String note,
            int attempts, Instant nextAttemptAt, String lastError, String repaymentKey, String repaymentRef,
            String leaseOwner, Instant leaseUntil) {
        InvalidInputException.requireNonNull("debt", d);
        return new DebtTransition(d.id(), d.version(), d.status(), to, action, at, actor, note, attempts, nextAttemptAt,
                lastError, repaymentKey, repaymentRef, leaseOwner, leaseUntil);
    }

    /**
     * OPEN → REPAYING: the attempt's idempotency key is made durable before the settler is called, with
     * the caller's lease until {@code leaseUntil}; if the caller dies, the debt is due for reconciliation
     * (a lookup of that key) when the lease ends.
     */
    public static DebtTransition attemptStarted(Debt d, Instant at, String repaymentKey, String owner,
            Instant leaseUntil) {
        InvalidInputException.requireNonNull("leaseUntil", leaseUntil);
        return of(d, REPAYING, DebtAction.ATTEMPT_STARTED, at, owner, null, d.attempts() + 1, leaseUntil,
                d.lastError(), repaymentKey, d.repaymentRef(), owner, leaseUntil);
    }

    /** REPAYING → REPAID with the settler's reference. */
    public static DebtTransition repaid(Debt d, Instant at, String repaymentRef, String actor) {
        return of(d, REPAID, DebtAction.REPAID, at, actor, null, d.attempts(), d.nextAttemptAt(),
                d.lastError(), d.repaymentKey(), repaymentRef, null, null);
    }

    /** REPAYING → OPEN: the attempt is proven not to have paid; due again at {@code nextAttemptAt}. */
    public static DebtTransition attemptFailed(Debt d, Instant at, String error, Instant nextAttemptAt, String actor) {
        return of(d, OPEN, DebtAction.ATTEMPT_FAILED, at, actor, error, d.attempts(), nextAttemptAt, error,
                d.repaymentKey(), d.repaymentRef(), null, null);
    }

    /** REPAYING → REPAYING: the outcome is unknown; the key is looked up again from {@code nextAttemptAt}. */
    public static DebtTransition reconcileLater(Debt d, Instant at, String error, Instant nextAttemptAt, String actor) {
        return of(d, REPAYING, DebtAction.RECONCILE_LATER, at, actor, error, d.attempts(), nextAttemptAt, error,
                d.repaymentKey(), d.repaymentRef(), null, null);
    }

    /** OPEN → OPEN: not attempted now, no attempt counted; due again at {@code nextAttemptAt}. */
    public static DebtTransition deferred(Debt d, Instant at, String why, Instant nextAttemptAt, String actor) {
        return of(d, OPEN, DebtAction.DEFERRED, at, actor, why, d.attempts(), nextAttemptAt, why, d.repaymentKey(),
                d.repaymentRef(), null, null);
    }

    /**
     * OPEN or REPAYING → ESCALATED. From REPAYING only once the attempt is proven failed: a repayment
     * that may have paid is never escalated, it is reconciled.
     */
    public static DebtTransition escalated(Debt d, Instant at, String error, String actor) {
        return of(d, ESCALATED, DebtAction.ESCALATED, at, actor, error, d.attempts(), d.nextAttemptAt(),
                error != null ? error : d.lastError(), d.repaymentKey(), d.repaymentRef(), null, null);
    }

    /** OPEN or ESCALATED → OPEN, due at once: an operator's retry (attempts are kept). */
    public static DebtTransition retryRequested(Debt d, Instant at, String actor, String note) {
        return of(d, OPEN, DebtAction.RETRY_REQUESTED, at, actor, note, d.attempts(), at, d.lastError(),
                d.repaymentKey(), d.repaymentRef(), null, null);
    }

    /** OPEN or ESCALATED → WRITTEN_OFF, with the operator and the reason in the history. */
    public static DebtTransition writtenOff(Debt d, Instant at, String actor, String reason) {
        return of(d, WRITTEN_OFF, DebtAction.WRITTEN_OFF, at, actor, reason, d.attempts(), d.nextAttemptAt(),
                d.lastError(), d.repaymentKey(), d.repaymentRef(), null, null);
    }
}
