package dev.copytrade.core.record;

import dev.copytrade.core.debt.DebtDraft;
import dev.copytrade.core.model.InvalidInputException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A compare-and-set change of one record: applied only if the record is still in {@link #from()}.
 * Validated against the transition table on construction, so an illegal transition never reaches a
 * store. Fields left {@code null} keep their current value; {@link #detail()} is merged.
 *
 * <p>{@link #debts()} are debts the execution left (a settlement leg that failed after money moved): a
 * store records them in the same atomic step as the compare-and-set, only if it is applied, and at most
 * once per (record id, leg id). Only a transition to EXECUTED or FAILED may carry debts.
 */
public record Transition(long id, RecordStatus from, RecordStatus to, Instant at, ReasonCode reason,
        Map<String, String> detail, String venueRef, Long nonce, Fill fill, String lastError, String leaseOwner,
        Instant leaseUntil, List<DebtDraft> debts) {

    public Transition {
        if (id <= 0) {
            throw new InvalidInputException("transition.id", id, "must be positive");
        }
        InvalidInputException.requireNonNull("transition.at", at);
        RecordStatus.requireTransition(from, to);
        detail = detail == null ? Map.of() : Map.copyOf(detail);
        if (to == RecordStatus.EXECUTED && fill == null) {
            throw new InvalidInputException("transition.fill", null, "is required to reach EXECUTED");
        }
        if (to == RecordStatus.SKIPPED && reason == null) {
            throw new InvalidInputException("transition.reason", null, "is required to reach SKIPPED");
        }
        if ((to == RecordStatus.FAILED || to == RecordStatus.EXPIRED || to == RecordStatus.UNKNOWN)
                && reason == null && lastError == null) {
            throw new InvalidInputException("transition.reason", null, "a reason or an error is required to reach " + to);
        }
        if (lastError != null && lastError.length() > 2000) {
            lastError = lastError.substring(0, 2000);
        }
        debts = checkedDebts(id, to, debts);
    }

    /** A transition without debts (every transition before debts existed). */
    public Transition(long id, RecordStatus from, RecordStatus to, Instant at, ReasonCode reason,
            Map<String, String> detail, String venueRef, Long nonce, Fill fill, String lastError, String leaseOwner,
            Instant leaseUntil) {
        this(id, from, to, at, reason, detail, venueRef, nonce, fill, lastError, leaseOwner, leaseUntil, List.of());
    }

    private static List<DebtDraft> checkedDebts(long id, RecordStatus to, List<DebtDraft> debts) {
        if (debts == null || debts.isEmpty()) {
            return List.of();
        }
        if (to != RecordStatus.EXECUTED && to != RecordStatus.FAILED) {
            throw new InvalidInputException("transition.debts", debts.size() + " debts",
                    "only a transition to EXECUTED or FAILED may carry debts (was to " + to + ")");
        }
        Set<String> legs = new HashSet<>();
        for (int i = 0; i < debts.size(); i++) {
            DebtDraft d = InvalidInputException.requireNonNull("transition.debts[" + i + "]", debts.get(i));
            if (d.recordId() != id) {
                throw new InvalidInputException("transition.debts[" + i + "].recordId", d.recordId(),
                        "must be the transition's record " + id);
            }
            if (!legs.add(d.legId())) {
                throw new InvalidInputException("transition.debts[" + i + "].legId", d.legId(), "is repeated");
            }
        }
        return List.copyOf(debts);
    }

    /** This transition carrying {@code debts} as well (replacing any it had). */
    public Transition withDebts(List<DebtDraft> debts) {
        return new Transition(id, from, to, at, reason, detail, venueRef, nonce, fill, lastError, leaseOwner,
                leaseUntil, debts);
    }

    /** PENDING → SUBMITTED: written before the order leaves, with whatever reference is known already. */
    public static Transition submitted(long id, Instant at, String venueRef, Long nonce, String leaseOwner,
            Instant leaseUntil) {
        return new Transition(id, RecordStatus.PENDING, RecordStatus.SUBMITTED, at, null, null, venueRef, nonce, null,
                null, leaseOwner, leaseUntil);
    }

    /**
     * PENDING or SUBMITTED → SUBMITTED with the error noted: the order may have left and its outcome is
     * unknown; the reconciler settles it from the venue.
     */
    public static Transition outcomeUnknown(long id, RecordStatus from, Instant at, String error) {
        return new Transition(id, from, RecordStatus.SUBMITTED, at, null, null, null, null, null, error, null, null);
    }

    /** SUBMITTED → SUBMITTED: a replacement reference, or a note that the outcome is unknown. */
    public static Transition amend(long id, Instant at, String venueRef, Long nonce, String lastError) {
        return new Transition(id, RecordStatus.SUBMITTED, RecordStatus.SUBMITTED, at, null, null, venueRef, nonce,
                null, lastError, null, null);
    }

    public static Transition executed(long id, RecordStatus from, Instant at, Fill fill, Map<String, String> detail) {
        return new Transition(id, from, RecordStatus.EXECUTED, at, null, detail, fill.venueRef(), null, fill, null,
                null, null);
    }

    public static Transition failed(long id, RecordStatus from, Instant at, ReasonCode reason, String error) {
        return new Transition(id, from, RecordStatus.FAILED, at, reason, null, null, null, null, error, null, null);
    }

    public static Transition skipped(long id, Instant at, ReasonCode reason, Map<String, String> detail) {
        return new Transition(id, RecordStatus.PENDING, RecordStatus.SKIPPED, at, reason, detail, null, null, null,
                null, null, null);
    }

    public static Transition expired(long id, RecordStatus from, Instant at, ReasonCode reason, String note) {
        return new Transition(id, from, RecordStatus.EXPIRED, at, reason, null, null, null, null, note, null, null);
    }

    public static Transition unknown(long id, RecordStatus from, Instant at, String error) {
        return new Transition(id, from, RecordStatus.UNKNOWN, at, null, null, null, null, null,
                error, null, null);
    }
}
