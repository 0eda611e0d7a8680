package dev.copytrade.core.debt;

import dev.copytrade.core.chain.SettlementLeg;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.InvalidInputException;
import java.time.Instant;

/**
 * A debt before the ledger has assigned its id: what {@code accrue} (or a store transition carrying
 * debts) records. Identified by ({@link #recordId}, {@link #legId}): accruing the same pair twice
 * records one debt.
 *
 * @param recordId the copy-trade record whose execution left the debt
 * @param legId the settlement leg that failed, unique within the record
 * @param debtor who owes (a follower's proxy wallet that was not pulled, or the bot that must refund)
 * @param creditor who is owed
 * @param asset what is owed, e.g. {@link SettlementLeg#USDC}; upper-cased
 * @param amount base units owed, positive (USDC: 6 decimals)
 * @param reason why it is owed (the leg's error); audit text, never a secret
 * @param createdAt when it was recorded; the debt is due for repayment from then on
 */
public record DebtDraft(long recordId, String legId, Address debtor, Address creditor, String asset, long amount,
        String reason, Instant createdAt) {

    public DebtDraft {
        if (recordId <= 0) {
            throw new InvalidInputException("debt.recordId", recordId, "must be positive");
        }
        legId = DebtText.legId("debt.legId", legId);
        InvalidInputException.requireNonNull("debt.debtor", debtor);
        InvalidInputException.requireNonNull("debt.creditor", creditor);
        if (debtor.equals(creditor)) {
            throw new InvalidInputException("debt.creditor", creditor, "must differ from the debtor");
        }
        asset = DebtText.asset("debt.asset", asset);
        if (amount <= 0) {
            throw new InvalidInputException("debt.amount", amount, "must be positive (base units)");
        }
        reason = DebtText.required("debt.reason", reason);
        InvalidInputException.requireNonNull("debt.createdAt", createdAt);
    }

    /**
     * The debt a failed leg leaves: the leg's debtor owes its creditor the leg's amount.
     *
     * @throws InvalidInputException if the leg settled (a settled leg leaves no debt)
     */
    public static DebtDraft fromFailedLeg(long recordId, SettlementLeg leg, Instant at) {
        InvalidInputException.requireNonNull("leg", leg);
        if (leg.settled()) {
            throw new InvalidInputException("leg.settled", true, "a settled leg leaves no debt");
        }
        return new DebtDraft(recordId, leg.legId(), leg.debtor(), leg.creditor(), leg.asset(), leg.amount(),
                "leg " + leg.legId() + " failed: " + leg.error(), at);
    }

    /** The debt this draft becomes once the ledger gives it {@code id}: OPEN, due at once, version 0. */
    public Debt toDebt(long id) {
        return new Debt(id, recordId, legId, debtor, creditor, asset, amount, reason, DebtStatus.OPEN, 0, createdAt,
                null, null, null, null, null, createdAt, createdAt, 0);
    }
}
