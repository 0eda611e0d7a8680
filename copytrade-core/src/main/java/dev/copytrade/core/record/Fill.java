package dev.copytrade.core.record;

import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.model.Usdc;

/**
 * What the venue says was actually filled: positions come from fills, never from the requested size.
 *
 * @param shares shares filled (may be less than asked: a partial fill)
 * @param notional USDC actually paid or received
 * @param venueRef the venue's order id or the transaction hash that settled it
 */
public record Fill(Shares shares, Usdc notional, String venueRef) {
    public Fill {
        InvalidInputException.requireNonNull("fill.shares", shares);
        InvalidInputException.requireNonNull("fill.notional", notional);
        InvalidInputException.requireNonNull("fill.venueRef", venueRef);
        if (venueRef.isBlank() || venueRef.length() > 200) {
            throw new InvalidInputException("fill.venueRef", venueRef, "must be 1..200 characters");
        }
    }
}
