package dev.copytrade.core.debt;

import dev.copytrade.core.model.InvalidInputException;
import java.time.Instant;

/**
 * One entry of a debt's history: every change of state is appended, in the same atomic step as the
 * change, so a host can audit who did what and when. Claims (lease changes) are not entries.
 *
 * @param debtId the debt
 * @param version the debt's version after this change (ascending within a debt; claims leave gaps)
 * @param at when
 * @param action what happened
 * @param from the status before; {@code null} for {@link DebtAction#ACCRUED}
 * @param to the status after
 * @param attempts attempts started, after the change
 * @param nextAttemptAt when the debt is next due, after the change
 * @param actor a recovery loop's instance id or an operator; {@code null} for an accrual
 * @param note the error, why it waits, or the write-off reason; may be null
 * @param repaymentKey the latest attempt's idempotency key, after the change
 * @param repaymentRef the settler's reference, once repaid
 */
public record DebtEvent(long debtId, long version, Instant at, DebtAction action, DebtStatus from, DebtStatus to,
        int attempts, Instant nextAttemptAt, String actor, String note, String repaymentKey, String repaymentRef) {

    public DebtEvent {
        InvalidInputException.requireNonNull("event.at", at);
        InvalidInputException.requireNonNull("event.action", action);
        InvalidInputException.requireNonNull("event.to", to);
        InvalidInputException.requireNonNull("event.nextAttemptAt", nextAttemptAt);
        if ((from == null) != (action == DebtAction.ACCRUED)) {
            throw new InvalidInputException("event.from", from, "is null exactly for an ACCRUED entry");
        }
        note = DebtText.cut(note);
    }

    /** The entry an accrual writes: the new debt, OPEN at version 0. */
    public static DebtEvent accrued(Debt d) {
        return new DebtEvent(d.id(), d.version(), d.createdAt(), DebtAction.ACCRUED, null, d.status(), d.attempts(),
                d.nextAttemptAt(), null, d.reason(), d.repaymentKey(), d.repaymentRef());
    }

    /** The entry an applied transition writes; {@code after} is the debt it produced. */
    public static DebtEvent of(DebtTransition t, Debt after) {
        return new DebtEvent(t.id(), after.version(), t.at(), t.action(), t.from(), t.to(), t.attempts(),
                t.nextAttemptAt(), t.actor(), t.note(), t.repaymentKey(), t.repaymentRef());
    }
}
