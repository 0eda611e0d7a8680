package dev.copytrade.core.debt;

import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.InvalidInputException;
import java.util.List;

/**
 * One repayment the recovery loop asks a {@link DebtSettler} to make: {@code amount} of {@code asset}
 * from {@code debtor} to {@code creditor}, settling {@code debtIds} (one debt, or several between the
 * same parties when batching is on).
 *
 * @param idempotencyKey unique per attempt and written on every debt it settles before the settler is
 *     called: {@code debt:<id>:<attempt>} for one debt, {@code debts:<lowest id>:<its attempt>} for a batch.
 *     The settler must execute a key at most once and answer {@link DebtSettler#lookup} for it
 * @param debtor pays
 * @param creditor is paid
 * @param asset upper-case asset
 * @param amount base units, the sum of the debts' amounts
 * @param debtIds the debts it settles, ascending
 */
public record Repayment(String idempotencyKey, Address debtor, Address creditor, String asset, long amount,
        List<Long> debtIds) {

    public Repayment {
        InvalidInputException.requireNonNull("repayment.idempotencyKey", idempotencyKey);
        DebtText.optionalId("repayment.idempotencyKey", idempotencyKey);
        InvalidInputException.requireNonNull("repayment.debtor", debtor);
        InvalidInputException.requireNonNull("repayment.creditor", creditor);
        asset = DebtText.asset("repayment.asset", asset);
        if (amount <= 0) {
            throw new InvalidInputException("repayment.amount", amount, "must be positive (base units)");
        }
        InvalidInputException.requireNonNull("repayment.debtIds", debtIds);
        debtIds = List.copyOf(debtIds);
        if (debtIds.isEmpty()) {
            throw new InvalidInputException("repayment.debtIds", debtIds, "must name at least one debt");
        }
    }

    /** The key of a repayment of one debt at its {@code attempt}-th attempt. */
    public static String keyOf(long debtId, int attempt) {
        return "debt:" + debtId + ":" + attempt;
    }

    /** The key of a batch led by its lowest debt id at that debt's {@code attempt}-th attempt. */
    public static String batchKeyOf(long lowestDebtId, int attempt) {
        return "debts:" + lowestDebtId + ":" + attempt;
    }
}
