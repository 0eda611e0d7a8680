package dev.copytrade.core.guardrail;

import static dev.copytrade.core.executor.Fixtures.T0;
import static dev.copytrade.core.executor.Fixtures.follower;
import static dev.copytrade.core.guardrail.Rig.skip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.Fixtures;
import dev.copytrade.core.guardrail.market.Quote;
import dev.copytrade.core.guardrail.market.QuoteSource;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.Price;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PriceProtectionTest {
    private final AtomicReference<Quote> book = new AtomicReference<>(quote("0.49", "0.51", T0));
    private final AtomicInteger calls = new AtomicInteger();
    private final QuoteSource source = (market, side) -> {
        calls.incrementAndGet();
        return book.get();
    };

    private static Quote quote(String bid, String ask, Instant at) {
        return new Quote(bid == null ? null : Price.of(bid), ask == null ? null : Price.of(ask), at);
    }

    /** Copies of the leader's trade: same market, side and price (the limit is the leader's price). */
    private Decision check(PriceProtection guard, String side, String leaderPrice) {
        LeaderTrade trade = Fixtures.trade(side, leaderPrice, "100");
        CopyOrder order = CopyOrder.of(trade.market(), trade.side(), trade.price(), Shares.of("10"));
        return guard.evaluate(order, Rig.preTrade(trade));
    }

    private void bookAt(String bid, String ask) {
        book.set(quote(bid, ask, T0));
    }

    @Test
    @DisplayName("Scenario: Stale quote is rejected")
    void staleQuoteIsRejected() {
        PriceProtection guard = PriceProtection.builder(source).maxQuoteAge(Duration.ofSeconds(10)).build();
        book.set(quote("0.49", "0.51", T0.minusSeconds(10)));
        assertThat(check(guard, "BUY", "0.50")).isEqualTo(Decision.allow());

        book.set(quote("0.49", "0.51", T0.minusSeconds(10).minusMillis(1)));
        Decision.Skip s = skip(check(guard, "BUY", "0.50"));

        assertThat(s.reason()).isEqualTo(ReasonCode.QUOTE_STALE);
        assertThat(s.detail()).containsEntry("ageMs", "10001").containsEntry("maxAgeMs", "10000")
                .containsEntry("quoteAt", "2024-12-31T23:59:49.999Z");
    }

    @Test
    @DisplayName("Scenario: Quote deviation beyond the limit is skipped")
    void quoteDeviationBeyondTheLimitIsSkipped() {
        PriceProtection guard = PriceProtection.builder(source).maxDeviation("0.02").build();

        bookAt("0.49", "0.52");
        assertThat(check(guard, "BUY", "0.50")).as("exactly two cents worse").isEqualTo(Decision.allow());
        bookAt("0.49", "0.520001");
        Decision.Skip buy = skip(check(guard, "BUY", "0.50"));
        bookAt("0.479999", "0.52");
        Decision.Skip sell = skip(check(guard, "SELL", "0.50"));

        assertThat(buy.reason()).isEqualTo(ReasonCode.QUOTE_DEVIATION);
        assertThat(buy.detail()).containsEntry("ask", "0.520001").containsEntry("leaderPrice", "0.500000")
                .containsEntry("deviation", "0.020001").containsEntry("maxDeviation", "0.020000");
        assertThat(sell.reason()).isEqualTo(ReasonCode.QUOTE_DEVIATION);
        assertThat(sell.detail()).containsEntry("bid", "0.479999");
        bookAt("0.48", "0.52");
        assertThat(check(guard, "SELL", "0.50")).isEqualTo(Decision.allow());
    }

    @Test
    @DisplayName("Scenario: Quote deviation beyond the limit is skipped")
    void aPriceThatMovedInTheFollowersFavourPasses() {
        PriceProtection guard = PriceProtection.builder(source).maxDeviation("0").build();

        bookAt("0.60", "0.61");
        assertThat(check(guard, "SELL", "0.50")).isEqualTo(Decision.allow());
        bookAt("0.30", "0.40");
        assertThat(check(guard, "BUY", "0.50")).isEqualTo(Decision.allow());
        bookAt("0.30", "0.500001");
        assertThat(skip(check(guard, "BUY", "0.50")).reason()).isEqualTo(ReasonCode.QUOTE_DEVIATION);
    }

    @Test
    void buysOutsideTheProbabilityBandAreSkipped() {
        PriceProtection maxOdds = PriceProtection.builder(source).maxBuyPrice(Price.of("0.95")).build();
        PriceProtection noLongshots = PriceProtection.builder(source).buyBand(Price.of("0.05"), null).build();

        bookAt("0.94", "0.95");
        assertThat(check(maxOdds, "BUY", "0.95")).as("exactly at max odds").isEqualTo(Decision.allow());
        bookAt("0.94", "0.950001");
        Decision.Skip askOver = skip(check(maxOdds, "BUY", "0.95"));
        int callsBefore = calls.get();
        Decision.Skip limitOver = skip(check(maxOdds, "BUY", "0.950001"));
        int callsAfter = calls.get();
        bookAt("0.01", "0.049999");
        Decision.Skip askUnder = skip(check(noLongshots, "BUY", "0.05"));

        assertThat(askOver.reason()).isEqualTo(ReasonCode.PRICE_OUT_OF_BAND);
        assertThat(askOver.detail()).containsEntry("ask", "0.950001").containsEntry("max", "0.950000")
                .containsEntry("min", "none");
        assertThat(limitOver.detail()).containsEntry("limit", "0.950001");
        assertThat(callsAfter).as("a limit outside the band needs no quote").isEqualTo(callsBefore);
        assertThat(askUnder.reason()).isEqualTo(ReasonCode.PRICE_OUT_OF_BAND);
        assertThat(askUnder.detail()).containsEntry("ask", "0.049999").containsEntry("min", "0.050000");
        bookAt("0.97", "0.98");
        assertThat(check(maxOdds, "SELL", "0.97")).as("the band is for BUYs").isEqualTo(Decision.allow());
    }

    @Test
    void noQuoteMeansNoTrade() {
        PriceProtection guard = PriceProtection.builder(source).build();
        PriceProtection broken = PriceProtection.builder((m, s) -> {
            throw new IllegalStateException("book endpoint returned 503");
        }).build();
        PriceProtection silent = PriceProtection.builder((m, s) -> null).build();

        Decision.Skip down = skip(check(broken, "BUY", "0.50"));
        bookAt("0.49", null);
        Decision.Skip noAsk = skip(check(guard, "BUY", "0.50"));
        bookAt(null, "0.51");
        Decision.Skip noBid = skip(check(guard, "SELL", "0.50"));

        assertThat(down.reason()).isEqualTo(ReasonCode.QUOTE_UNAVAILABLE);
        assertThat(down.detail().get("error")).contains("503");
        assertThat(skip(check(silent, "BUY", "0.50")).reason()).isEqualTo(ReasonCode.QUOTE_UNAVAILABLE);
        assertThat(noAsk.reason()).isEqualTo(ReasonCode.QUOTE_UNAVAILABLE);
        assertThat(noAsk.detail()).containsEntry("error", "no ask in the book");
        assertThat(noBid.detail()).containsEntry("error", "no bid in the book");
        assertThat(check(guard, "BUY", "0.50")).isEqualTo(Decision.allow());
    }

    @Test
    void badConfigurationAndCrossedQuotesAreRefused() {
        assertThatThrownBy(() -> PriceProtection.builder(source).maxDeviation("-0.01"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("maxQuoteDeviation"));
        assertThatThrownBy(() -> PriceProtection.builder(source).buyBand(Price.of("0.9"), Price.of("0.1")).build())
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("buyBand"));
        assertThatThrownBy(() -> quote("0.60", "0.40", T0))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("quote.bid"));
    }

    @Test
    void aQuoteThatMovedWhileTheOrderWaitedStopsItUnderTheLock() {
        SettableClock clock = new SettableClock(T0);
        // the book moves right after the pre-trade check, before the order is re-checked under the lock
        QuoteSource moving = (market, side) -> calls.incrementAndGet() == 1 ? quote("0.49", "0.51", T0)
                : quote("0.55", "0.56", T0);
        PriceProtection guard = PriceProtection.builder(moving).maxDeviation("0.02").build();

        try (Rig rig = new Rig(clock, List.of(guard))) {
            CopyResult r = rig.copy(Fixtures.trade(), follower(1));

            assertThat(guard.realtime()).isTrue();
            assertThat(r.record().status()).isEqualTo(RecordStatus.SKIPPED);
            assertThat(r.record().reason()).isEqualTo(ReasonCode.QUOTE_DEVIATION);
            assertThat(calls.get()).isEqualTo(2);
            assertThat(rig.venue.submitCalls()).isZero();
        }
    }
}
