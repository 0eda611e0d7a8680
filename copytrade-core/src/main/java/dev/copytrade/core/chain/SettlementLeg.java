package dev.copytrade.core.chain;

import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.InvalidInputException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One money movement of a multi-step execution besides the order itself: the reimbursement the bot
 * pulls from a follower's proxy after buying with its own float, a refund to the proxy after an order
 * failed, a fee transfer. An adapter reports the legs it ran with the order's outcome; the executor
 * records a debt, in the same atomic step as the record's final state, for every leg that failed.
 *
 * @param legId unique within the record, stable across retries and lookups ({@code "reimburse"}); the
 *     debt's identity is (record id, leg id)
 * @param debtor who had to pay in this leg (and owes it if the leg failed)
 * @param creditor who had to be paid
 * @param asset upper-cased, e.g. {@link #USDC}
 * @param amount base units the leg had to move and, if it failed, did not (what is still owed)
 * @param settled true if the money moved
 * @param error why it did not; required exactly when not settled (never a secret)
 */
public record SettlementLeg(String legId, Address debtor, Address creditor, String asset, long amount,
        boolean settled, String error) {
    /** Polymarket's collateral, 6 decimals. */
    public static final String USDC = "USDC";
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9:._\\-]{1,100}");

    public SettlementLeg {
        InvalidInputException.requireNonNull("leg.legId", legId);
        if (!TOKEN.matcher(legId).matches()) {
            throw new InvalidInputException("leg.legId", legId, "must be 1..100 of letters, digits and : . _ -");
        }
        InvalidInputException.requireNonNull("leg.debtor", debtor);
        InvalidInputException.requireNonNull("leg.creditor", creditor);
        if (debtor.equals(creditor)) {
            throw new InvalidInputException("leg.creditor", creditor, "must differ from the debtor");
        }
        InvalidInputException.requireNonNull("leg.asset", asset);
        if (!TOKEN.matcher(asset.trim()).matches()) {
            throw new InvalidInputException("leg.asset", asset, "must be 1..100 of letters, digits and : . _ -");
        }
        asset = asset.trim().toUpperCase(Locale.ROOT);
        if (amount <= 0) {
            throw new InvalidInputException("leg.amount", amount, "must be positive (base units)");
        }
        if (settled && error != null) {
            throw new InvalidInputException("leg.error", error, "must be empty for a settled leg");
        }
        if (!settled && (error == null || error.isBlank())) {
            throw new InvalidInputException("leg.error", error, "is required for a failed leg");
        }
    }

    public static SettlementLeg settled(String legId, Address debtor, Address creditor, String asset, long amount) {
        return new SettlementLeg(legId, debtor, creditor, asset, amount, true, null);
    }

    public static SettlementLeg failed(String legId, Address debtor, Address creditor, String asset, long amount,
            String error) {
        return new SettlementLeg(legId, debtor, creditor, asset, amount, false, error);
    }

    /** {@code legs} copied, checked for null entries and for leg ids that repeat. */
    static List<SettlementLeg> checked(List<SettlementLeg> legs) {
        if (legs == null || legs.isEmpty()) {
            return List.of();
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < legs.size(); i++) {
            SettlementLeg leg = InvalidInputException.requireNonNull("legs[" + i + "]", legs.get(i));
            if (!ids.add(leg.legId())) {
                throw new InvalidInputException("legs[" + i + "].legId", leg.legId(), "is repeated");
            }
        }
        return List.copyOf(legs);
    }

    /** The legs among {@code legs} that failed. */
    public static List<SettlementLeg> failedOnly(List<SettlementLeg> legs) {
        if (legs.isEmpty()) {
            return List.of();  // every order without legs comes through here: no stream for nothing
        }
        return legs.stream().filter(l -> !l.settled()).toList();
    }
}
