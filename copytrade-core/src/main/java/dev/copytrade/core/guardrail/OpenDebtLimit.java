package dev.copytrade.core.guardrail;

import dev.copytrade.core.chain.SettlementLeg;
import dev.copytrade.core.debt.Debt;
import dev.copytrade.core.guardrail.market.OpenDebtSource;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.Side;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.record.ReasonCode;

/**
 * Anti-overdraft: the bot does not front new funds for a follower whose wallet (proxy) already owes it
 * more than {@code maxOpen} in open debts. A BUY for such a follower is skipped with
 * {@code DEBT_OUTSTANDING}; SELLs pass (they front nothing), without a look-up.
 *
 * <p>Realtime by default: a debt recorded by the previous order's failed reimbursement must stop the next
 * BUY even when both passed the pre-trade check together, so it is asked again under the signer's lock.
 * That is one read per phase; give it a cached {@link OpenDebtSource} if reads are dear.
 */
public final class OpenDebtLimit implements Guardrail {
    private final OpenDebtSource source;
    private final String asset;
    private final long maxOpen;
    private final boolean realtime;

    /**
     * @param maxOpen the most a wallet may owe and still be fronted funds; {@link Usdc#ZERO} means any open
     *     debt stops new BUYs
     */
    public OpenDebtLimit(OpenDebtSource source, Usdc maxOpen) {
        this(source, SettlementLeg.USDC, InvalidInputException.requireNonNull("maxOpenDebt", maxOpen).micros(), true);
    }

    /**
     * @param asset the asset the debts are counted in
     * @param maxOpen base units the wallet may owe and still be fronted funds, not negative
     * @param realtime also check under the signer's lock, just before the order leaves
     */
    public OpenDebtLimit(OpenDebtSource source, String asset, long maxOpen, boolean realtime) {
        this.source = InvalidInputException.requireNonNull("openDebtSource", source);
        this.asset = Debt.normalizeAsset(InvalidInputException.requireNonNull("asset", asset));
        if (maxOpen < 0) {
            throw new InvalidInputException("maxOpenDebt", maxOpen, "must not be negative");
        }
        this.maxOpen = maxOpen;
        this.realtime = realtime;
    }

    @Override
    public Decision evaluate(CopyOrder order, GuardrailContext context) {
        if (order.side() != Side.BUY) {
            return Decision.allow();
        }
        long owed = source.openAmountOwedBy(context.follower().wallet(), asset);
        if (owed <= maxOpen) {
            return Decision.allow();
        }
        return Decision.skip(ReasonCode.DEBT_OUTSTANDING, "wallet", context.follower().wallet().value(), "asset",
                asset, "openDebt", String.valueOf(owed), "maxOpenDebt", String.valueOf(maxOpen));
    }

    @Override
    public boolean realtime() {
        return realtime;
    }
}
