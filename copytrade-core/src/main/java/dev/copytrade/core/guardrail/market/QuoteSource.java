package dev.copytrade.core.guardrail.market;

import dev.copytrade.core.model.Market;
import dev.copytrade.core.model.Side;

/**
 * Where {@link dev.copytrade.core.guardrail.PriceProtection} reads the current price: typically the
 * venue's order book endpoint, wrapped in a {@link CachingQuoteSource}. Must be thread-safe and must
 * bound its own waiting (an HTTP timeout): callers wait for as long as a call takes.
 */
@FunctionalInterface
public interface QuoteSource {

    /**
     * The current top of the book for {@code market}'s outcome token. {@code side} is the side of the
     * order being checked, for sources that fetch only the half of the book it needs.
     *
     * @throws RuntimeException when no quote can be had; the guardrail skips with {@code QUOTE_UNAVAILABLE}
     */
    Quote quote(Market market, Side side);
}
