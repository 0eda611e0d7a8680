package dev.copytrade.core.record;

import java.util.EnumSet;
import java.util.Set;

/**
 * The lifecycle of a copy-trade record, with the one transition table every store enforces.
 *
 * <pre>
 *  (prewrite) ─► SKIPPED                                   terminal: SKIPPED EXECUTED FAILED EXPIRED
 *  (prewrite) ─► PENDING ─► SKIPPED | FAILED | EXECUTED | EXPIRED | UNKNOWN
 *                PENDING ─► SUBMITTED ─► SUBMITTED (amend) | EXECUTED | FAILED | EXPIRED | UNKNOWN
 *                                        UNKNOWN ─► EXECUTED | FAILED | EXPIRED
 * </pre>
 *
 * PENDING: the record is durable and carries its client order id; the order may be about to leave or
 * may have left (an order whose only reference is its client order id goes straight from PENDING to
 * its outcome, one commit less). SUBMITTED: references created just before sending (a signed
 * transaction's hash and nonce) are stored, or the outcome of a send is unknown. Either way an
 * in-flight record is resolved only by the venue's answer, looked up by those references, and never
 * re-sent. UNKNOWN is what reconciliation leaves when the venue could not tell.
 */
public enum RecordStatus {
    SKIPPED,
    PENDING,
    SUBMITTED,
    EXECUTED,
    FAILED,
    EXPIRED,
    UNKNOWN;

    private Set<RecordStatus> next;

    static {
        SKIPPED.next = EnumSet.noneOf(RecordStatus.class);
        EXECUTED.next = EnumSet.noneOf(RecordStatus.class);
        FAILED.next = EnumSet.noneOf(RecordStatus.class);
        EXPIRED.next = EnumSet.noneOf(RecordStatus.class);
        PENDING.next = EnumSet.of(SUBMITTED, SKIPPED, FAILED, EXECUTED, EXPIRED, UNKNOWN);
        SUBMITTED.next = EnumSet.of(SUBMITTED, EXECUTED, FAILED, EXPIRED, UNKNOWN);
        UNKNOWN.next = EnumSet.of(EXECUTED, FAILED, EXPIRED);
    }

    /** True if no transition leaves this state. */
    public boolean isTerminal() {
        return next.isEmpty();
    }

    /** PENDING or SUBMITTED: an execution is (or was, if its lease ran out) under way. */
    public boolean isInFlight() {
        return this == PENDING || this == SUBMITTED;
    }

    /** A record is created only in one of these states. */
    public boolean isInitial() {
        return this == PENDING || this == SKIPPED;
    }

    public boolean canTransitionTo(RecordStatus to) {
        return next.contains(to);
    }

    /** The states reachable in one step, for documentation and tests. */
    public Set<RecordStatus> allowedNext() {
        return next.isEmpty() ? Set.of() : EnumSet.copyOf(next);
    }

    /** Throws {@link IllegalTransitionException} unless {@code from → to} is in the table. */
    public static void requireTransition(RecordStatus from, RecordStatus to) {
        if (from == null || to == null || !from.canTransitionTo(to)) {
            throw new IllegalTransitionException(from, to);
        }
    }
}
