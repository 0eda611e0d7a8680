package dev.copytrade.core.guardrail;

import static dev.copytrade.core.executor.Fixtures.follower;
import static dev.copytrade.core.guardrail.Rig.skip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.Fixtures;
import dev.copytrade.core.guardrail.market.PositionSource;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.time.SettableClock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RequirePositionTest {
    // follower(1) copies $10 a trade: 20 shares at the leader's 0.50
    private static final LeaderTrade SELL = Fixtures.trade("SELL", "0.50", "100");

    private final Map<Address, Shares> held = new ConcurrentHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private final PositionSource positions = (wallet, market) -> {
        lookups.incrementAndGet();
        return held.getOrDefault(wallet, Shares.ZERO);
    };
    private final RequirePosition guard = new RequirePosition(positions);

    private void holds(String shares) {
        held.put(follower(1).wallet(), Shares.of(shares));
    }

    private GuardrailChain.Verdict chain(LeaderTrade trade, String shares) {
        CopyOrder order = CopyOrder.of(trade.market(), trade.side(), trade.price(), Shares.of(shares));
        return GuardrailChain.of(guard).evaluate(order, Rig.preTrade(trade));
    }

    @Test
    @DisplayName("Scenario: SELL without a position is skipped")
    void sellWithoutAPositionIsSkipped() {
        held.put(follower(2).wallet(), Shares.of("100"));
        try (Rig rig = new Rig(new SettableClock(Fixtures.T0), List.of(guard))) {
            CopyResult r = rig.copy(SELL, follower(1));

            assertThat(r.record().status()).isEqualTo(RecordStatus.SKIPPED);
            assertThat(r.record().reason()).isEqualTo(ReasonCode.NO_POSITION);
            assertThat(r.record().detail()).containsEntry("held", "0.000000").containsEntry("requested", "20.000000")
                    .containsEntry("wallet", follower(1).wallet().value()).containsEntry("guardrail", "RequirePosition");
            assertThat(rig.venue.submitCalls()).isZero();
        }
    }

    @Test
    @DisplayName("Scenario: SELL larger than the position is capped to it")
    void sellLargerThanThePositionIsCappedToIt() {
        // 12.345678 held; the venue trades in steps of 0.01 share, so 12.34 can be sold
        holds("12.345678");
        try (Rig rig = new Rig(new SettableClock(Fixtures.T0), List.of(guard))) {
            CopyResult r = rig.copy(SELL, follower(1));

            assertThat(r.outcome()).isEqualTo(CopyResult.Outcome.EXECUTED);
            assertThat(r.record().order().shares()).isEqualTo(Shares.of("12.34"));
            assertThat(r.record().detail()).containsKey("resized.RequirePosition");
            assertThat(rig.venue.receivedOrders()).singleElement()
                    .satisfies(o -> assertThat(o.request().order().shares()).isEqualTo(Shares.of("12.34")));
        }
    }

    @Test
    @DisplayName("Scenario: SELL larger than the position is capped to it")
    void exactlyThePositionPassesAndOneMicroShareMoreIsCapped() {
        holds("20");

        assertThat(chain(SELL, "20")).isEqualTo(new GuardrailChain.Verdict.Pass(
                CopyOrder.of(SELL.market(), SELL.side(), SELL.price(), Shares.of("20")), Map.of()));
        GuardrailChain.Verdict over = chain(SELL, "20.000001");
        assertThat(over).isInstanceOfSatisfying(GuardrailChain.Verdict.Pass.class,
                p -> assertThat(p.order().shares()).isEqualTo(Shares.of("20")));
    }

    @Test
    void aCappedSellBelowTheVenueMinimumOrADustPositionIsSkipped() {
        // 1.50 shares at 0.50 is $0.75, under the $1 market-order minimum
        holds("1.50");
        GuardrailChain.Verdict belowMinimum = chain(SELL, "20");
        holds("0.009999");
        Decision.Skip dust = skip(guard.evaluate(
                CopyOrder.of(SELL.market(), SELL.side(), SELL.price(), Shares.of("20")), Rig.preTrade(SELL)));

        assertThat(belowMinimum).isInstanceOfSatisfying(GuardrailChain.Verdict.Stop.class,
                s -> assertThat(s.reason()).isEqualTo(ReasonCode.BELOW_VENUE_MINIMUM));
        assertThat(dust.reason()).isEqualTo(ReasonCode.NO_POSITION);
        assertThat(dust.detail()).containsEntry("held", "0.009999");
    }

    @Test
    void buysPassWithoutALookUp() {
        assertThat(chain(Fixtures.trade(), "20")).isInstanceOf(GuardrailChain.Verdict.Pass.class);
        assertThat(lookups.get()).isZero();
        assertThat(guard.realtime()).isFalse();
    }
}
