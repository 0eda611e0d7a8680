package dev.copytrade.core.guardrail.market;

import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.Price;
import dev.copytrade.core.model.Side;
import java.time.Instant;

/**
 * The top of an outcome token's book at one moment.
 *
 * @param bid the best bid, or {@code null} when nobody bids
 * @param ask the best ask, or {@code null} when nobody asks
 * @param asOf when the book looked like this: the venue's own timestamp when it gives one, else when it was read
 */
public record Quote(Price bid, Price ask, Instant asOf) {

    public Quote {
        InvalidInputException.requireNonNull("quote.asOf", asOf);
        if (bid != null && ask != null && bid.compareTo(ask) > 0) {
            throw new InvalidInputException("quote.bid", bid, "is above the ask " + ask + " (crossed book)");
        }
    }

    /** The price an order on {@code side} trades against (BUY pays the ask, SELL gets the bid); null if none. */
    public Price priceFor(Side side) {
        return side == Side.BUY ? ask : bid;
    }
}
