package dev.copytrade.core.guardrail;

import dev.copytrade.core.guardrail.market.RealizedPnlSource;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.Side;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.record.ReasonCode;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Stops a follower's trading for the rest of the UTC day once its net realized loss that day (from a
 * {@link RealizedPnlSource}) has reached {@code dailyLimit}: {@code LOSS_LIMIT}. The day is the UTC
 * calendar day of the context's clock, so trading resumes at 00:00 UTC. A loss one micro-dollar below
 * the limit still trades; a loss exactly at it does not.
 *
 * <p>{@link Applies#ALL_ORDERS} (the default) stops every order. {@link Applies#BUYS_ONLY} still lets
 * the follower follow its leader out of positions, which lowers exposure but may realize more loss.
 * Pre-trade only: realized PnL changes when orders fill, not while one waits for its signer's lock.
 */
public final class RealizedLossLimit implements Guardrail {

    public enum Applies {
        ALL_ORDERS,
        BUYS_ONLY
    }

    private final RealizedPnlSource pnl;
    private final Usdc dailyLimit;
    private final Applies applies;

    public RealizedLossLimit(RealizedPnlSource pnl, Usdc dailyLimit) {
        this(pnl, dailyLimit, Applies.ALL_ORDERS);
    }

    public RealizedLossLimit(RealizedPnlSource pnl, Usdc dailyLimit, Applies applies) {
        this.pnl = InvalidInputException.requireNonNull("realizedPnlSource", pnl);
        this.dailyLimit = InvalidInputException.requireNonNull("dailyLossLimitUsd", dailyLimit);
        this.applies = InvalidInputException.requireNonNull("dailyLossLimitApplies", applies);
        if (dailyLimit.isZero()) {
            throw new InvalidInputException("dailyLossLimitUsd", dailyLimit, "must be positive");
        }
    }

    @Override
    public Decision evaluate(CopyOrder order, GuardrailContext context) {
        if (applies == Applies.BUYS_ONLY && order.side() == Side.SELL) {
            return Decision.allow();
        }
        LocalDate day = LocalDate.ofInstant(context.now(), ZoneOffset.UTC);
        Usdc loss = pnl.realizedLoss(context.follower(), day);
        if (loss == null) {
            throw new IllegalStateException("realized PnL source returned nothing for " + context.follower().id());
        }
        if (loss.lessThan(dailyLimit)) {
            return Decision.allow();
        }
        return Decision.skip(ReasonCode.LOSS_LIMIT, "day", day.toString(), "realizedLoss", loss.toString(), "limit",
                dailyLimit.toString());
    }
}
