package dev.copytrade.core.record;

import java.util.EnumSet;
import java.util.Set;

/**
 * The lifecycle of a copy-trade record, with the one transition table every store enforces.
 *
 * <pre>
 *  (prewrite) ──► PENDING ──► SUBMITTED ──► EXECUTED
 *  (prewrite) ──► SKIPPED      │   │  ▲ └─► FAILED
 *               PENDING ──► SKIPPED │  └─ SUBMITTED (amend: replacement tx, unknown outcome noted)
 *               PENDING ──► FAILED  ├─► EXPIRED (proven never received)
 *               PENDING ──► EXPIRED └─► UNKNOWN ──► EXECUTED | FAILED | EXPIRED
 * </pre>
 *
 * PENDING means nothing has been sent. SUBMITTED means the order may have reached the venue, so it is
 * only ever resolved by the venue's answer, never re-sent. UNKNOWN is what reconciliation leaves when
 * the venue could not tell; it waits for a later reconcile or a human.
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
        PENDING.next = EnumSet.of(SUBMITTED, SKIPPED, FAILED, EXPIRED);
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
