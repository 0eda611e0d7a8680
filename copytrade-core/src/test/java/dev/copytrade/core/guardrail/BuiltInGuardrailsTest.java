package dev.copytrade.core.guardrail;

import static dev.copytrade.core.guardrail.GuardrailChainTest.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copytrade.core.executor.Fixtures;
import dev.copytrade.core.guardrail.MaxNotionalPerTrade.OverCap;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.Price;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.model.Side;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.policy.VenueRules;
import dev.copytrade.core.record.ReasonCode;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BuiltInGuardrailsTest {
    private static final GuardrailContext PRE_TRADE = Fixtures.preTrade();

    private static GuardrailContext withRealMoney(boolean realMoney, boolean dryRun) {
        return Fixtures.context(Fixtures.follower(1), GuardrailContext.Phase.PRE_TRADE, dryRun, realMoney);
    }

    private static Decision.Skip skip(Decision d) {
        assertThat(d).isInstanceOf(Decision.Skip.class);
        return (Decision.Skip) d;
    }

    private static GuardrailChain.Verdict chainOf(Guardrail g, CopyOrder order, VenueRules venue) {
        GuardrailContext ctx = new GuardrailContext(PRE_TRADE.now(), PRE_TRADE.trade(), PRE_TRADE.follower(),
                GuardrailContext.Phase.PRE_TRADE, false, false, venue);
        return GuardrailChain.of(g).evaluate(order, ctx);
    }

    @Test
    @DisplayName("Scenario: Real-money adapter is skipped until real trading is enabled")
    void realMoneyIsSkippedUntilEnabled() {
        Decision.Skip off = skip(RealTradingSwitch.disabled().evaluate(order("20"), withRealMoney(true, false)));

        assertThat(off.reason()).isEqualTo(ReasonCode.REAL_TRADING_DISABLED);
        assertThat(RealTradingSwitch.enabled().evaluate(order("20"), withRealMoney(true, false)))
                .isEqualTo(Decision.allow());
        // a dry run sends nothing, so the switch need not stop it
        assertThat(RealTradingSwitch.disabled().evaluate(order("20"), withRealMoney(true, true)))
                .isEqualTo(Decision.allow());
    }

    @Test
    @DisplayName("Scenario: Simulated adapter is not blocked by the master switch")
    void simulatedAdapterIsNotBlocked() {
        assertThat(RealTradingSwitch.disabled().evaluate(order("20"), withRealMoney(false, false)))
                .isEqualTo(Decision.allow());
    }

    @Test
    @DisplayName("Scenario: Exactly at the cap passes")
    void exactlyAtTheCapPasses() {
        // 20 shares at 0.50 cost exactly $10
        assertThat(new MaxNotionalPerTrade(Usdc.of("10"), OverCap.SKIP).evaluate(order("20"), PRE_TRADE))
                .isEqualTo(Decision.allow());
        assertThat(new MaxNotionalPerTrade(Usdc.of("10"), OverCap.CLAMP).evaluate(order("20"), PRE_TRADE))
                .isEqualTo(Decision.allow());
    }

    @Test
    @DisplayName("Scenario: One cent over the cap is skipped")
    void oneCentOverTheCapIsSkipped() {
        // 20.02 shares at 0.50 cost $10.01
        Decision.Skip s = skip(new MaxNotionalPerTrade(Usdc.of("10"), OverCap.SKIP).evaluate(order("20.02"), PRE_TRADE));

        assertThat(s.reason()).isEqualTo(ReasonCode.NOTIONAL_CAP_EXCEEDED);
        assertThat(s.detail()).containsEntry("notional", "10.010000").containsEntry("cap", "10.000000");
    }

    @Test
    @DisplayName("Scenario: One cent over the cap is skipped")
    void oneMicroDollarOverTheCapIsSkippedToo() {
        // 20.000001 shares at 0.50 cost $10.0000005: the notional rounds up, so half a micro-dollar over is over
        CopyOrder justOver = order("20.000001");

        assertThat(justOver.notional()).isEqualTo(Usdc.of("10.000001"));
        assertThat(new MaxNotionalPerTrade(Usdc.of("10"), OverCap.SKIP).evaluate(justOver, PRE_TRADE))
                .isInstanceOf(Decision.Skip.class);
    }

    @Test
    @DisplayName("Scenario: Clamp policy reduces the order to the cap")
    void clampReducesTheOrderToTheCap() {
        CopyOrder atOneThird = CopyOrder.of(order("1").market(), Side.BUY, Price.of("0.33"), Shares.of("100"));

        GuardrailChain.Verdict v = chainOf(new MaxNotionalPerTrade(Usdc.of("10"), OverCap.CLAMP), atOneThird,
                VenueRules.polymarketMarketOrders());

        assertThat(v).isInstanceOf(GuardrailChain.Verdict.Pass.class);
        CopyOrder clamped = ((GuardrailChain.Verdict.Pass) v).order();
        assertThat(clamped.shares()).isEqualTo(Shares.of("30.30"));
        assertThat(clamped.notional()).isLessThanOrEqualTo(Usdc.of("10"));
        assertThat(clamped.limitPrice()).isEqualTo(atOneThird.limitPrice());
        assertThat(((GuardrailChain.Verdict.Pass) v).notes()).containsKey("resized.MaxNotionalPerTrade");
    }

    @Test
    @DisplayName("Scenario: Clamped order below the venue minimum is skipped")
    void clampedBelowTheVenueMinimumIsSkipped() {
        // clamped to $0.50, under the $1 market-order minimum
        GuardrailChain.Verdict market = chainOf(new MaxNotionalPerTrade(Usdc.of("0.50"), OverCap.CLAMP), order("40"),
                VenueRules.polymarketMarketOrders());
        // clamped to 4 shares, under the 5-share limit-order minimum
        GuardrailChain.Verdict limit = chainOf(new MaxNotionalPerTrade(Usdc.of("2"), OverCap.CLAMP), order("40"),
                VenueRules.polymarketLimitOrders());

        for (GuardrailChain.Verdict v : new GuardrailChain.Verdict[] {market, limit}) {
            assertThat(v).isInstanceOf(GuardrailChain.Verdict.Stop.class);
            assertThat(((GuardrailChain.Verdict.Stop) v).reason()).isEqualTo(ReasonCode.BELOW_VENUE_MINIMUM);
            assertThat(((GuardrailChain.Verdict.Stop) v).detail()).containsEntry("guardrail", "MaxNotionalPerTrade");
        }
    }

    @Test
    @DisplayName("Scenario: Unlisted follower wallet is skipped")
    void unlistedFollowerWalletIsSkipped() {
        Follower listed = Fixtures.follower(1);
        Follower unlisted = Fixtures.follower(2);
        // listed in upper case: the same wallet however it is spelled
        FollowerAllowlist allowlist = FollowerAllowlist.of(listed.wallet().value().toUpperCase().replace("0X", "0x"));

        Decision.Skip s = skip(allowlist.evaluate(order("20"),
                Fixtures.context(unlisted, GuardrailContext.Phase.PRE_TRADE, false, false)));

        assertThat(s.reason()).isEqualTo(ReasonCode.FOLLOWER_NOT_ALLOWED);
        assertThat(s.detail()).containsEntry("wallet", unlisted.wallet().value());
        assertThat(allowlist.evaluate(order("20"), Fixtures.context(listed, GuardrailContext.Phase.PRE_TRADE, false,
                false))).isEqualTo(Decision.allow());
    }

    @Test
    void misconfiguredBuiltInsNameTheField() {
        assertThatThrownBy(() -> new FollowerAllowlist(Set.of())).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.field()).isEqualTo("executionAllowlist"));
        assertThatThrownBy(() -> FollowerAllowlist.of("0x123")).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.getMessage()).contains("executionAllowlist").contains("0x123"));
        assertThatThrownBy(() -> new MaxNotionalPerTrade(Usdc.ZERO, OverCap.SKIP))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("maxTradeUsd"));
    }

    @Test
    void emergencyPauseIsRealtimeAndReversible() {
        EmergencyPause pause = new EmergencyPause(true);

        assertThat(pause.realtime()).isTrue();
        assertThat(skip(pause.evaluate(order("20"), PRE_TRADE)).reason()).isEqualTo(ReasonCode.EMERGENCY_PAUSE);
        pause.resume();
        assertThat(pause.evaluate(order("20"), PRE_TRADE)).isEqualTo(Decision.allow());
    }
}
