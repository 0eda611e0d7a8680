package dev.copytrade.core.guardrail;

import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.record.ReasonCode;

/**
 * A hard cap on one order's notional. Over the cap the order is either skipped
 * ({@code NOTIONAL_CAP_EXCEEDED}) or clamped to the largest size under the cap; a clamped order that
 * falls below the venue minimum is skipped, never raised. An order exactly at the cap passes.
 */
public final class MaxNotionalPerTrade implements Guardrail {

    public enum OverCap {
        SKIP,
        CLAMP
    }

    private final Usdc cap;
    private final OverCap policy;

    public MaxNotionalPerTrade(Usdc cap, OverCap policy) {
        this.cap = InvalidInputException.requireNonNull("maxTradeUsd", cap);
        this.policy = InvalidInputException.requireNonNull("overCapPolicy", policy);
        if (cap.isZero()) {
            throw new InvalidInputException("maxTradeUsd", cap, "must be positive");
        }
    }

    public Usdc cap() {
        return cap;
    }

    @Override
    public Decision evaluate(CopyOrder order, GuardrailContext context) {
        if (!order.notional().greaterThan(cap)) {
            return Decision.allow();
        }
        if (policy == OverCap.SKIP) {
            return Decision.skip(ReasonCode.NOTIONAL_CAP_EXCEEDED, "notional", order.notional().toString(),
                    "cap", cap.toString());
        }
        Shares fits = order.limitPrice().sharesFor(cap).floorTo(context.venueRules().shareStep());
        if (fits.isZero()) {
            return Decision.skip(ReasonCode.NOTIONAL_CAP_EXCEEDED, "notional", order.notional().toString(),
                    "cap", cap.toString(), "clamped", "0");
        }
        return Decision.resize(order.withShares(fits), "clamped from " + order.notional() + " to cap " + cap);
    }
}
