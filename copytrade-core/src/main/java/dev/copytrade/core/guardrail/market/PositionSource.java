package dev.copytrade.core.guardrail.market;

import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.Market;
import dev.copytrade.core.model.Shares;

/**
 * What a follower holds, for {@link dev.copytrade.core.guardrail.RequirePosition}. Positions must be
 * observed (token balances, or the venue's positions endpoint), never computed from requested order
 * sizes: fills differ from what was asked. Must be thread-safe.
 */
@FunctionalInterface
public interface PositionSource {

    /**
     * Shares of {@code market}'s outcome token held by {@code wallet}; {@link Shares#ZERO} when none.
     *
     * @throws RuntimeException when the position cannot be read; the chain then skips the order with
     *     {@code GUARDRAIL_ERROR} (fail closed)
     */
    Shares position(Address wallet, Market market);
}
