package dev.copytrade.core.policy;

import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.model.Usdc;

/**
 * What the venue accepts. An order below a minimum is skipped (reason {@code BELOW_VENUE_MINIMUM}),
 * unless the follower's policy allows raising it to the minimum and the raised order still fits
 * under the policy's maximum: a minimum is never allowed to push an order over a cap.
 *
 * @param minNotional smallest order value accepted (Polymarket market orders: about $1)
 * @param minShares smallest order size accepted (Polymarket limit orders: 5 shares; 0 for none)
 * @param shareStep sizes are rounded down to a multiple of this (Polymarket: 0.01)
 */
public record VenueRules(Usdc minNotional, Shares minShares, Shares shareStep) {

    public VenueRules {
        InvalidInputException.requireNonNull("venueRules.minNotional", minNotional);
        InvalidInputException.requireNonNull("venueRules.minShares", minShares);
        InvalidInputException.requireNonNull("venueRules.shareStep", shareStep);
        if (shareStep.isZero()) {
            throw new InvalidInputException("venueRules.shareStep", shareStep, "must be positive");
        }
    }

    /** Polymarket CLOB market orders (FOK/FAK): $1 minimum notional, sizes in steps of 0.01 share. */
    public static VenueRules polymarketMarketOrders() {
        return new VenueRules(Usdc.of("1"), Shares.ZERO, Shares.of("0.01"));
    }

    /** Polymarket CLOB limit orders (GTC/GTD): 5 shares minimum, sizes in steps of 0.01 share. */
    public static VenueRules polymarketLimitOrders() {
        return new VenueRules(Usdc.ZERO, Shares.of("5"), Shares.of("0.01"));
    }

    /** No minimum at all; sizes in base units. For tests and venues without rules. */
    public static VenueRules none() {
        return new VenueRules(Usdc.ZERO, Shares.ZERO, Shares.ofMicros(1));
    }
}
