package dev.copytrade.core.guardrail;

import dev.copytrade.core.guardrail.market.Quote;
import dev.copytrade.core.guardrail.market.QuoteSource;
import dev.copytrade.core.internal.Decimals;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.Price;
import dev.copytrade.core.model.Side;
import dev.copytrade.core.record.ReasonCode;
import java.time.Duration;

/**
 * Checks the price before money moves, against a live quote from a {@link QuoteSource}:
 *
 * <ol>
 *   <li><b>Quote available</b>: the source answered and the book side the order trades against is not
 *       empty (BUY needs an ask, SELL a bid); otherwise {@code QUOTE_UNAVAILABLE} with the error.
 *   <li><b>Fresh</b>: the quote is at most {@code maxQuoteAge} old by the context's clock (exactly that
 *       old passes); otherwise {@code QUOTE_STALE}. Default {@value #DEFAULT_MAX_QUOTE_AGE_SECONDS} s.
 *   <li><b>Probability band, BUYs only</b>: the order's limit price (the worst it may fill at) and the
 *       current ask must both lie in [min, max], bounds included; otherwise {@code PRICE_OUT_OF_BAND}.
 *       "Max odds 0.95" is a band with max 0.95: buying a near-certain outcome risks 0.95 to make 0.05.
 *   <li><b>Deviation from the leader's price</b>: how much <em>worse</em> the current price is than the
 *       price the leader traded at, as an absolute difference in price (0.02 = two cents of probability),
 *       not in basis points: a two-cent move means the same at 0.10 as at 0.90, whereas in bps it would
 *       be 20 % at one end and 2 % at the other. BUY: ask − leader price; SELL: leader price − bid. A
 *       price that moved in the follower's favour passes. Over the limit: {@code QUOTE_DEVIATION}
 *       (exactly at it passes).
 * </ol>
 *
 * Realtime: quotes move while an order waits for its signer's lock, so the check runs again under the
 * lock, right before sending; wrap the source in a {@code CachingQuoteSource} so the two checks
 * usually cost one call.
 */
public final class PriceProtection implements Guardrail {
    public static final long DEFAULT_MAX_QUOTE_AGE_SECONDS = 10;

    private final QuoteSource quotes;
    private final Price buyMin;
    private final Price buyMax;
    private final long maxDeviationMicros;
    private final Duration maxQuoteAge;

    private PriceProtection(Builder b) {
        this.quotes = b.quotes;
        this.buyMin = b.buyMin;
        this.buyMax = b.buyMax;
        this.maxDeviationMicros = b.maxDeviationMicros;
        this.maxQuoteAge = b.maxQuoteAge;
    }

    public static Builder builder(QuoteSource quotes) {
        return new Builder(quotes);
    }

    @Override
    public boolean realtime() {
        return true;
    }

    @Override
    public Decision evaluate(CopyOrder order, GuardrailContext context) {
        boolean buy = order.side() == Side.BUY;
        if (buy) {
            Decision band = band("limit", order.limitPrice());
            if (band != null) {
                return band;
            }
        }
        Quote quote;
        try {
            quote = quotes.quote(order.market(), order.side());
        } catch (RuntimeException e) {
            return Decision.skip(ReasonCode.QUOTE_UNAVAILABLE, "error", String.valueOf(e));
        }
        if (quote == null) {
            return Decision.skip(ReasonCode.QUOTE_UNAVAILABLE, "error", "the quote source returned no quote");
        }
        Price current = quote.priceFor(order.side());
        if (current == null) {
            return Decision.skip(ReasonCode.QUOTE_UNAVAILABLE, "error", buy ? "no ask in the book" : "no bid in the book");
        }
        Duration age = Duration.between(quote.asOf(), context.now());
        if (age.compareTo(maxQuoteAge) > 0) {
            return Decision.skip(ReasonCode.QUOTE_STALE, "quoteAt", quote.asOf().toString(), "ageMs",
                    Long.toString(age.toMillis()), "maxAgeMs", Long.toString(maxQuoteAge.toMillis()));
        }
        if (buy) {
            Decision band = band("ask", current);
            if (band != null) {
                return band;
            }
        }
        if (maxDeviationMicros >= 0) {
            Price leader = context.trade().price();
            long worse = buy ? current.micros() - leader.micros() : leader.micros() - current.micros();
            if (worse > maxDeviationMicros) {
                return Decision.skip(ReasonCode.QUOTE_DEVIATION, buy ? "ask" : "bid", current.toString(),
                        "leaderPrice", leader.toString(), "deviation", Decimals.format(worse, Price.DECIMALS),
                        "maxDeviation", Decimals.format(maxDeviationMicros, Price.DECIMALS));
            }
        }
        return Decision.allow();
    }

    private Decision band(String which, Price p) {
        if ((buyMin != null && p.compareTo(buyMin) < 0) || (buyMax != null && p.compareTo(buyMax) > 0)) {
            return Decision.skip(ReasonCode.PRICE_OUT_OF_BAND, which, p.toString(),
                    "min", buyMin == null ? "none" : buyMin.toString(), "max", buyMax == null ? "none" : buyMax.toString());
        }
        return null;
    }

    /** Every check but freshness is off until configured; {@link #build()} validates the combination. */
    public static final class Builder {
        private final QuoteSource quotes;
        private Price buyMin;
        private Price buyMax;
        private long maxDeviationMicros = -1;
        private Duration maxQuoteAge = Duration.ofSeconds(DEFAULT_MAX_QUOTE_AGE_SECONDS);

        private Builder(QuoteSource quotes) {
            this.quotes = InvalidInputException.requireNonNull("quoteSource", quotes);
        }

        /** BUYs only at prices in [min, max]; either bound may be null for none. */
        public Builder buyBand(Price min, Price max) {
            this.buyMin = min;
            this.buyMax = max;
            return this;
        }

        /** BUYs only up to {@code max} (e.g. 0.95): the band [none, max]. */
        public Builder maxBuyPrice(Price max) {
            return buyBand(buyMin, max);
        }

        /** The most the current price may be worse than the leader's, in price units, e.g. {@code "0.02"}. */
        public Builder maxDeviation(String price) {
            this.maxDeviationMicros = Decimals.toBaseUnits("maxQuoteDeviation", price, Price.DECIMALS, 999_999);
            return this;
        }

        /** Default {@value PriceProtection#DEFAULT_MAX_QUOTE_AGE_SECONDS} s. */
        public Builder maxQuoteAge(Duration age) {
            this.maxQuoteAge = age;
            return this;
        }

        public PriceProtection build() {
            InvalidInputException.requireNonNull("maxQuoteAge", maxQuoteAge);
            if (maxQuoteAge.isNegative()) {
                throw new InvalidInputException("maxQuoteAge", maxQuoteAge, "must not be negative");
            }
            if (buyMin != null && buyMax != null && buyMin.compareTo(buyMax) > 0) {
                throw new InvalidInputException("buyBand", "[" + buyMin + ", " + buyMax + "]", "min is above max");
            }
            return new PriceProtection(this);
        }
    }
}
