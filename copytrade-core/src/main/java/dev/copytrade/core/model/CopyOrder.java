package dev.copytrade.core.model;

import java.math.RoundingMode;

/**
 * The follower's order as sized by its policy and possibly reduced by guardrails: what would be sent.
 *
 * @param market the market and outcome token
 * @param side BUY or SELL
 * @param limitPrice the worst price accepted
 * @param shares how many shares, positive
 * @param notional shares × limit price, rounded up: the most this order can spend, used against caps
 */
public record CopyOrder(Market market, Side side, Price limitPrice, Shares shares, Usdc notional) {

    public CopyOrder {
        InvalidInputException.requireNonNull("order.market", market);
        InvalidInputException.requireNonNull("order.side", side);
        InvalidInputException.requireNonNull("order.limitPrice", limitPrice);
        InvalidInputException.requireNonNull("order.shares", shares);
        InvalidInputException.requireNonNull("order.notional", notional);
        if (shares.isZero()) {
            throw new InvalidInputException("order.shares", shares, "must be positive");
        }
        Usdc expected = limitPrice.notionalOf(shares, RoundingMode.CEILING);
        if (!expected.equals(notional)) {
            throw new InvalidInputException("order.notional", notional,
                    "must equal shares × limitPrice rounded up (" + expected + ")");
        }
    }

    public static CopyOrder of(Market market, Side side, Price limitPrice, Shares shares) {
        return new CopyOrder(market, side, limitPrice, shares, limitPrice.notionalOf(shares, RoundingMode.CEILING));
    }

    /** The same order with fewer shares; never more. */
    public CopyOrder withShares(Shares fewer) {
        if (fewer.compareTo(shares) > 0) {
            throw new IllegalArgumentException("an order may only shrink: " + fewer + " > " + shares);
        }
        return of(market, side, limitPrice, fewer);
    }
}
