package dev.copytrade.core.debt;

import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.InvalidInputException;
import java.time.Instant;

/**
 * Money one party owes another because a settlement leg of a copy trade failed after money had moved.
 * Immutable: a ledger replaces it with {@link #apply(DebtTransition)} under compare-and-set on
 * {@link #version()}, or re-leases it with {@link #claimed}.
 *
 * @param id ledger-assigned, positive
 * @param recordId the copy-trade record it came from
 * @param legId the failed leg; (recordId, legId) is unique in the ledger
 * @param debtor who owes
 * @param creditor who is owed
 * @param asset what is owed (upper-case, e.g. {@code USDC})
 * @param amount base units owed, positive
 * @param reason why it is owed
 * @param status where it is in its lifecycle
 * @param attempts repayment attempts started so far
 * @param nextAttemptAt when the recovery loop may next work on it (attempt, or reconcile a REPAYING one)
 * @param lastError the latest attempt's error or why it waits; {@code null} if none
 * @param repaymentKey the idempotency key of the latest repayment attempt, written before the settler
 *     was called; required while REPAYING
 * @param repaymentRef the settler's reference of the repayment that paid it; required once REPAID
 * @param leaseOwner the recovery loop instance working on it, while its lease holds
 * @param leaseUntil until when that loop's claim (or attempt) holds
 * @param createdAt when it was accrued
 * @param updatedAt its last change of state
 * @param version incremented on every change, claims included: every change is a compare-and-set on it
 */
public record Debt(long id, long recordId, String legId, Address debtor, Address creditor, String asset, long amount,
        String reason, DebtStatus status, int attempts, Instant nextAttemptAt, String lastError, String repaymentKey,
        String repaymentRef, String leaseOwner, Instant leaseUntil, Instant createdAt, Instant updatedAt,
        long version) {

    public Debt {
        if (id <= 0) {
            throw new InvalidInputException("debt.id", id, "must be positive");
        }
        if (recordId <= 0) {
            throw new InvalidInputException("debt.recordId", recordId, "must be positive");
        }
        legId = DebtText.legId("debt.legId", legId);
        InvalidInputException.requireNonNull("debt.debtor", debtor);
        InvalidInputException.requireNonNull("debt.creditor", creditor);
        asset = DebtText.asset("debt.asset", asset);
        if (amount <= 0) {
            throw new InvalidInputException("debt.amount", amount, "must be positive (base units)");
        }
        reason = DebtText.required("debt.reason", reason);
        InvalidInputException.requireNonNull("debt.status", status);
        if (attempts < 0) {
            throw new InvalidInputException("debt.attempts", attempts, "must not be negative");
        }
        InvalidInputException.requireNonNull("debt.nextAttemptAt", nextAttemptAt);
        lastError = DebtText.cut(lastError);
        DebtText.optionalId("debt.repaymentKey", repaymentKey);
        DebtText.optionalId("debt.repaymentRef", repaymentRef);
        DebtText.optionalId("debt.leaseOwner", leaseOwner);
        if ((leaseOwner == null) != (leaseUntil == null)) {
            throw new InvalidInputException("debt.leaseUntil", leaseUntil, "is given exactly when leaseOwner is");
        }
        InvalidInputException.requireNonNull("debt.createdAt", createdAt);
        InvalidInputException.requireNonNull("debt.updatedAt", updatedAt);
        if (version < 0) {
            throw new InvalidInputException("debt.version", version, "must not be negative");
        }
        if (status == DebtStatus.REPAYING && repaymentKey == null) {
            throw new InvalidInputException("debt.repaymentKey", null, "is required while REPAYING");
        }
        if (status == DebtStatus.REPAID && repaymentRef == null) {
            throw new InvalidInputException("debt.repaymentRef", null, "is required once REPAID");
        }
    }

    /** {@code asset} as every debt spells it (trimmed, upper-case), for queries such as {@code openAmountOwedBy}. */
    public static String normalizeAsset(String asset) {
        return DebtText.asset("asset", asset);
    }

    /** The debt after {@code t}; the caller (a ledger) has checked {@code t} was made from this version. */
    public Debt apply(DebtTransition t) {
        if (t.id() != id || t.fromVersion() != version || t.from() != status) {
            throw new IllegalStateException("transition " + t + " does not apply to debt " + id + " v" + version
                    + " in " + status);
        }
        return new Debt(id, recordId, legId, debtor, creditor, asset, amount, reason, t.to(), t.attempts(),
                t.nextAttemptAt(), t.lastError(), t.repaymentKey(), t.repaymentRef(), t.leaseOwner(), t.leaseUntil(),
                createdAt, t.at(), version + 1);
    }

    /** The same debt leased to {@code owner} until {@code until}: what a claim returns (version + 1). */
    public Debt claimed(String owner, Instant until) {
        InvalidInputException.requireNonNull("owner", owner);
        InvalidInputException.requireNonNull("leaseUntil", until);
        return new Debt(id, recordId, legId, debtor, creditor, asset, amount, reason, status, attempts, nextAttemptAt,
                lastError, repaymentKey, repaymentRef, owner, until, createdAt, updatedAt, version + 1);
    }

    /**
     * True if the recovery loop may claim it at {@code now}: OPEN or REPAYING, its next attempt time
     * reached, and no live lease.
     */
    public boolean isDue(Instant now) {
        return status.isClaimable() && !nextAttemptAt.isAfter(now) && (leaseUntil == null || !leaseUntil.isAfter(now));
    }
}
