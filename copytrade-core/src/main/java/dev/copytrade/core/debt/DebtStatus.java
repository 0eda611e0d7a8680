package dev.copytrade.core.debt;

import java.util.EnumSet;
import java.util.Set;

/**
 * The lifecycle of a debt, with the one transition table every ledger enforces.
 *
 * <pre>
 *  (accrue) ─► OPEN ─► OPEN (deferred, retry now) | REPAYING | ESCALATED | WRITTEN_OFF
 *              REPAYING ─► REPAYING (outcome unknown, reconcile later) | REPAID | OPEN (failed) | ESCALATED (failed)
 *              ESCALATED ─► OPEN (retry now) | WRITTEN_OFF
 *                                                      terminal: REPAID WRITTEN_OFF
 * </pre>
 *
 * REPAYING means a repayment may have left under the debt's recorded idempotency key: it is settled
 * only by the settler's answer for that key (repaid, or proven failed / not found), never by sending
 * again, and it can be neither written off nor retried while that answer is missing.
 */
public enum DebtStatus {
    OPEN,
    REPAYING,
    REPAID,
    ESCALATED,
    WRITTEN_OFF;

    private Set<DebtStatus> next;

    static {
        OPEN.next = EnumSet.of(OPEN, REPAYING, ESCALATED, WRITTEN_OFF);
        REPAYING.next = EnumSet.of(REPAYING, REPAID, OPEN, ESCALATED);
        ESCALATED.next = EnumSet.of(OPEN, WRITTEN_OFF);
        REPAID.next = EnumSet.noneOf(DebtStatus.class);
        WRITTEN_OFF.next = EnumSet.noneOf(DebtStatus.class);
    }

    /** True if no transition leaves this state. */
    public boolean isTerminal() {
        return next.isEmpty();
    }

    /** OPEN, REPAYING or ESCALATED: the money is still owed (counted by {@code openAmountOwedBy}). */
    public boolean isOutstanding() {
        return this == OPEN || this == REPAYING || this == ESCALATED;
    }

    /** OPEN or REPAYING: the recovery loop claims it when it is due. */
    public boolean isClaimable() {
        return this == OPEN || this == REPAYING;
    }

    public boolean canTransitionTo(DebtStatus to) {
        return next.contains(to);
    }

    /** The states reachable in one step, for documentation and tests. */
    public Set<DebtStatus> allowedNext() {
        return next.isEmpty() ? Set.of() : EnumSet.copyOf(next);
    }

    /** Throws {@link IllegalDebtTransitionException} unless {@code from → to} is in the table. */
    public static void requireTransition(DebtStatus from, DebtStatus to) {
        if (from == null || to == null || !from.canTransitionTo(to)) {
            throw new IllegalDebtTransitionException(from, to);
        }
    }
}
