package dev.copytrade.core.guardrail;

import dev.copytrade.core.guardrail.market.PositionSource;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.model.Side;
import dev.copytrade.core.record.ReasonCode;

/**
 * A follower can only sell what its wallet holds. A SELL when the wallet holds none of the token (or
 * less than one venue step of it) is skipped with {@code NO_POSITION}; a SELL larger than the position
 * is shrunk to the held size rounded down to the venue's step, and if that falls below the venue
 * minimum the chain skips it ({@code BELOW_VENUE_MINIMUM}). BUYs pass untouched, without a look-up.
 *
 * <p>Pre-trade only, not realtime: a realtime check may not shrink an order, and a position read under
 * the signer's lock would hold the lock for an I/O call. An oversell that slips through (two SELLs of
 * the same follower racing) is refused by the venue and recorded as FAILED; nothing extra is sold.
 */
public final class RequirePosition implements Guardrail {
    private final PositionSource positions;

    public RequirePosition(PositionSource positions) {
        this.positions = InvalidInputException.requireNonNull("positionSource", positions);
    }

    @Override
    public Decision evaluate(CopyOrder order, GuardrailContext context) {
        if (order.side() != Side.SELL) {
            return Decision.allow();
        }
        Shares held = positions.position(context.follower().wallet(), order.market());
        if (held == null) {
            throw new IllegalStateException("position source returned no position for " + order.market().label());
        }
        if (order.shares().compareTo(held) <= 0) {
            return Decision.allow();
        }
        Shares sellable = held.floorTo(context.venueRules().shareStep());
        if (sellable.isZero()) {
            return Decision.skip(ReasonCode.NO_POSITION, "wallet", context.follower().wallet().value(), "held",
                    held.toString(), "requested", order.shares().toString());
        }
        return Decision.resize(order.withShares(sellable),
                "capped to the held position " + held + " (requested " + order.shares() + ")");
    }
}
