package dev.copytrade.core.policy;

import static dev.copytrade.core.executor.Fixtures.fixed;
import static dev.copytrade.core.executor.Fixtures.trade;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copytrade.core.executor.Fixtures;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.Price;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.model.Side;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.record.ReasonCode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CopyPolicyTest {
    private static final VenueRules MARKET = VenueRules.polymarketMarketOrders();

    private static CopyOrder sized(SizingResult r) {
        assertThat(r).isInstanceOf(SizingResult.Sized.class);
        return ((SizingResult.Sized) r).order();
    }

    private static SizingResult.Skipped skipped(SizingResult r) {
        assertThat(r).isInstanceOf(SizingResult.Skipped.class);
        return (SizingResult.Skipped) r;
    }

    private static Usdc usdc(String v) {
        return Usdc.of(v);
    }

    @Test
    @DisplayName("Scenario: Fixed notional sizing")
    void fixedNotionalSizing() {
        LeaderTrade trade = trade("BUY", "0.40", "100");

        CopyOrder order = sized(fixed("10").size(trade, MARKET));

        assertThat(order.side()).isEqualTo(Side.BUY);
        assertThat(order.market()).isEqualTo(trade.market());
        assertThat(order.limitPrice()).isEqualTo(Price.of("0.40"));
        assertThat(order.shares()).isEqualTo(Shares.of("25"));
        assertThat(order.notional()).isEqualTo(usdc("10"));
        // the leader's size does not matter for a fixed policy
        assertThat(sized(fixed("10").size(trade("BUY", "0.40", "100000"), MARKET)).shares()).isEqualTo(Shares.of("25"));
    }

    @Test
    @DisplayName("Scenario: Proportional sizing with a scale")
    void proportionalSizingWithAScale() {
        LeaderTrade fiveHundredDollars = trade("BUY", "0.50", "1000");

        assertThat(sized(CopyPolicy.proportional("0.1").build().size(fiveHundredDollars, MARKET)).notional())
                .isEqualTo(usdc("50"));
        assertThat(sized(CopyPolicy.proportional("2.5").build().size(trade("SELL", "0.50", "100"), MARKET)).shares())
                .isEqualTo(Shares.of("250"));
        // the scaled target is rounded down to the micro-dollar, never up
        assertThat(sized(CopyPolicy.proportional("0.333333").build().size(trade("BUY", "0.50", "7"), MARKET))
                .notional()).isLessThanOrEqualTo(usdc("1.166665"));
    }

    @Test
    @DisplayName("Scenario: Clamped to max per trade")
    void clampedToMaxPerTrade() {
        CopyPolicy policy = CopyPolicy.proportional("1").maxPerTrade(usdc("20")).build();

        CopyOrder order = sized(policy.size(trade("BUY", "0.50", "1000"), MARKET));

        assertThat(order.notional()).isEqualTo(usdc("20"));
        assertThat(order.shares()).isEqualTo(Shares.of("40"));
    }

    @Test
    @DisplayName("Scenario: Below min per trade is skipped")
    void belowMinPerTradeIsSkipped() {
        CopyPolicy policy = CopyPolicy.proportional("0.01").minPerTrade(usdc("5")).build();

        SizingResult.Skipped skip = skipped(policy.size(trade("BUY", "0.50", "100"), MARKET));

        assertThat(skip.reason()).isEqualTo(ReasonCode.BELOW_MIN_PER_TRADE);
        assertThat(skip.detail()).containsEntry("target", "0.500000").containsEntry("minPerTrade", "5.000000");
    }

    @Test
    @DisplayName("Scenario: Leader trade below the trigger is skipped")
    void leaderTradeBelowTheTriggerIsSkipped() {
        CopyPolicy policy = CopyPolicy.fixed(usdc("10")).minLeaderNotional(usdc("100")).build();

        SizingResult.Skipped skip = skipped(policy.size(trade("BUY", "0.50", "199.99"), MARKET));

        assertThat(skip.reason()).isEqualTo(ReasonCode.LEADER_TRADE_TOO_SMALL);
        assertThat(skip.detail()).containsEntry("leaderNotional", "99.995000")
                .containsEntry("minLeaderNotional", "100.000000");
        assertThat(policy.size(trade("BUY", "0.50", "200"), MARKET)).isInstanceOf(SizingResult.Sized.class);
    }

    @Test
    @DisplayName("Scenario: Side filter skips the other side")
    void sideFilterSkipsTheOtherSide() {
        CopyPolicy buysOnly = CopyPolicy.fixed(usdc("10")).sideFilter(SideFilter.BUY_ONLY).build();
        CopyPolicy sellsOnly = CopyPolicy.fixed(usdc("10")).sideFilter(SideFilter.SELL_ONLY).build();

        SizingResult.Skipped skip = skipped(buysOnly.size(trade("SELL", "0.50", "100"), MARKET));

        assertThat(skip.reason()).isEqualTo(ReasonCode.SIDE_FILTERED);
        assertThat(skip.detail()).containsEntry("leaderSide", "SELL").containsEntry("sideFilter", "BUY_ONLY");
        assertThat(skipped(sellsOnly.size(trade("BUY", "0.50", "100"), MARKET)).reason())
                .isEqualTo(ReasonCode.SIDE_FILTERED);
        assertThat(sized(buysOnly.size(trade("BUY", "0.50", "100"), MARKET)).side()).isEqualTo(Side.BUY);
        assertThat(sized(sellsOnly.size(trade("SELL", "0.50", "100"), MARKET)).side()).isEqualTo(Side.SELL);
    }

    @Test
    @DisplayName("Scenario: Counter direction trades the opposite side")
    void counterDirectionTradesTheOppositeSide() {
        CopyPolicy counter = CopyPolicy.fixed(usdc("10")).direction(Direction.COUNTER).build();
        LeaderTrade buy = trade("BUY", "0.50", "100");

        CopyOrder order = sized(counter.size(buy, MARKET));

        assertThat(order.side()).isEqualTo(Side.SELL);
        assertThat(order.market()).isEqualTo(buy.market());
        assertThat(order.limitPrice()).isEqualTo(buy.price());
        assertThat(sized(counter.size(trade("SELL", "0.50", "100"), MARKET)).side()).isEqualTo(Side.BUY);
    }

    @Test
    @DisplayName("Scenario: Below venue minimum is skipped, never raised over a cap")
    void belowVenueMinimumIsSkippedNeverRaisedOverACap() {
        LeaderTrade trade = trade("BUY", "0.50", "100");

        SizingResult.Skipped skip = skipped(fixed("0.50").size(trade, MARKET));
        assertThat(skip.reason()).isEqualTo(ReasonCode.BELOW_VENUE_MINIMUM);
        assertThat(skip.detail()).containsEntry("shares", "1.000000").containsEntry("venueMinNotional", "1.000000");

        // raising to the $1 minimum would cross the $0.80 cap: still a skip
        CopyPolicy raiseUnderLowCap = CopyPolicy.fixed(usdc("0.50")).maxPerTrade(usdc("0.80"))
                .raiseToVenueMinimum(true).build();
        assertThat(skipped(raiseUnderLowCap.size(trade, MARKET)).reason()).isEqualTo(ReasonCode.BELOW_VENUE_MINIMUM);
    }

    @Test
    @DisplayName("Scenario: Below venue minimum is skipped, never raised over a cap")
    void raiseToVenueMinimumRaisesOnlyWithinTheCap() {
        LeaderTrade trade = trade("BUY", "0.50", "100");
        CopyPolicy raiseUncapped = CopyPolicy.fixed(usdc("0.50")).raiseToVenueMinimum(true).build();
        CopyPolicy raiseToExactlyTheCap = CopyPolicy.fixed(usdc("0.50")).maxPerTrade(usdc("1"))
                .raiseToVenueMinimum(true).build();

        SizingResult.Sized raised = (SizingResult.Sized) raiseUncapped.size(trade, MARKET);
        assertThat(raised.order().shares()).isEqualTo(Shares.of("2"));
        assertThat(raised.order().notional()).isEqualTo(usdc("1"));
        assertThat(raised.detail()).containsEntry("sizing.raisedToVenueMinimumFrom", "1.000000");
        assertThat(sized(raiseToExactlyTheCap.size(trade, MARKET)).notional()).isEqualTo(usdc("1"));

        // limit orders: a 5-share minimum; $2 at 0.50 is 4 shares
        VenueRules limit = VenueRules.polymarketLimitOrders();
        assertThat(skipped(fixed("2").size(trade, limit)).reason()).isEqualTo(ReasonCode.BELOW_VENUE_MINIMUM);
        assertThat(sized(CopyPolicy.fixed(usdc("2")).maxPerTrade(usdc("5")).raiseToVenueMinimum(true).build()
                .size(trade, limit)).shares()).isEqualTo(Shares.of("5"));
        assertThat(skipped(CopyPolicy.fixed(usdc("2")).maxPerTrade(usdc("2.49")).raiseToVenueMinimum(true).build()
                .size(trade, limit)).reason()).isEqualTo(ReasonCode.BELOW_VENUE_MINIMUM);
    }

    @Test
    void sharesAreRoundedDownToTheVenueStepAndNeverCostMoreThanTheTarget() {
        LeaderTrade atOneThird = trade("BUY", "0.33", "100");

        CopyOrder onGrid = sized(fixed("10").size(atOneThird, MARKET));
        CopyOrder unstepped = sized(fixed("10").size(atOneThird, VenueRules.none()));

        assertThat(onGrid.shares()).isEqualTo(Shares.of("30.30"));
        assertThat(unstepped.shares()).isEqualTo(Shares.of("30.303030"));
        assertThat(onGrid.notional()).isEqualTo(usdc("9.999"));
        assertThat(unstepped.notional()).isLessThanOrEqualTo(usdc("10"));
    }

    @Test
    void aTargetBeyondTheLargestSizeIsCappedNotAnError() {
        // $1,001 at the lowest price would be 1.001 billion shares, more than a Shares can hold
        LeaderTrade atTheFloor = trade("BUY", "0.000001", "100");

        CopyOrder order = sized(fixed("1001").size(atTheFloor, VenueRules.none()));

        assertThat(order.shares()).isEqualTo(Shares.ofMicros(Shares.MAX_MICROS));
        assertThat(order.notional()).isLessThanOrEqualTo(usdc("1001"));
    }

    @Test
    void builderRejectsInconsistentLimitsNamingTheField() {
        assertThatThrownBy(() -> CopyPolicy.fixed(usdc("10")).minPerTrade(usdc("5")).maxPerTrade(usdc("4")).build())
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.field()).isEqualTo("policy.minPerTrade"));
        assertThatThrownBy(() -> CopyPolicy.fixed(Usdc.ZERO)).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.field()).isEqualTo("policy.fixedNotional"));
        for (String scale : new String[] {"0", "-1", "1000.000001", "ten"}) {
            assertThatThrownBy(() -> CopyPolicy.proportional(scale)).as(scale)
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                        assertThat(e.field()).isEqualTo("policy.scale");
                        assertThat(e.getMessage()).contains(scale);
                    });
        }
    }

    // ---- property: whatever the trade and policy, limits hold ----

    @Test
    void sizedOrdersNeverExceedTheCapOrTheTargetAndSkipsAlwaysSayWhy() {
        long seed = Fixtures.seed();
        Random rnd = new Random(seed);
        for (int i = 0; i < 5_000; i++) {
            LeaderTrade trade = randomTrade(rnd);
            CopyPolicy policy = randomPolicy(rnd);
            VenueRules venue = randomVenue(rnd);
            String what = "seed=" + seed + " case " + i + ": " + trade.side() + " " + trade.size() + " @ "
                    + trade.price() + ", " + policy + ", " + venue;

            SizingResult result;
            try {
                result = policy.size(trade, venue);
            } catch (RuntimeException e) {
                throw new AssertionError(what + " threw " + e, e);
            }

            if (result instanceof SizingResult.Skipped s) {
                assertThat(s.reason()).as(what).isNotNull();
                assertThat(s.detail()).as(what).isNotEmpty();
                continue;
            }
            SizingResult.Sized sized = (SizingResult.Sized) result;
            CopyOrder order = sized.order();
            boolean raised = sized.detail().containsKey("sizing.raisedToVenueMinimumFrom");
            if (policy.maxPerTrade() != null) {
                assertThat(order.notional()).as(what).isLessThanOrEqualTo(policy.maxPerTrade());
            }
            if (raised) {
                assertThat(policy.raiseToVenueMinimum()).as(what).isTrue();
            } else {
                assertThat(order.notional().toBigDecimal()).as(what).isLessThanOrEqualTo(target(trade, policy));
            }
            assertThat(order.shares().micros() % venue.shareStep().micros()).as(what).isZero();
            assertThat(CopyPolicy.meetsVenueMinimum(order.shares(), order.limitPrice(), venue)).as(what).isTrue();
            assertThat(order.limitPrice()).as(what).isEqualTo(trade.price());
            assertThat(order.side()).as(what).isEqualTo(
                    policy.direction() == Direction.FOLLOW ? trade.side() : trade.side().opposite());
        }
    }

    /** The spend the policy aims at, computed independently of the code under test. */
    private static BigDecimal target(LeaderTrade trade, CopyPolicy policy) {
        BigDecimal t = policy.fixedNotional() != null ? policy.fixedNotional().toBigDecimal()
                : trade.price().toBigDecimal().multiply(trade.size().toBigDecimal()).setScale(6, RoundingMode.HALF_UP)
                        .multiply(policy.scale());
        return policy.maxPerTrade() == null ? t : t.min(policy.maxPerTrade().toBigDecimal());
    }

    /** Spread evenly over orders of magnitude, so tiny prices and huge sizes are as likely as ordinary ones. */
    private static long logUniform(Random rnd, long min, long max) {
        double lo = Math.log(min);
        double hi = Math.log(max);
        long v = Math.round(Math.exp(lo + rnd.nextDouble() * (hi - lo)));
        return Math.max(min, Math.min(max, v));
    }

    private static LeaderTrade randomTrade(Random rnd) {
        long price = rnd.nextInt(4) == 0 ? logUniform(rnd, 1, 999_999) : 10_000L * (1 + rnd.nextInt(99));
        long size = logUniform(rnd, 1, Shares.MAX_MICROS);
        return Fixtures.trade(rnd.nextBoolean() ? "BUY" : "SELL", Price.ofMicros(price).toString(),
                Shares.ofMicros(size).toString());
    }

    private static CopyPolicy randomPolicy(Random rnd) {
        CopyPolicy.Builder b = rnd.nextBoolean()
                ? CopyPolicy.fixed(Usdc.ofMicros(logUniform(rnd, 1, 10_000_000_000_000L)))
                : CopyPolicy.proportional(BigDecimal.valueOf(logUniform(rnd, 1, 1_000_000_000L), 6));
        Usdc max = rnd.nextBoolean() ? Usdc.ofMicros(logUniform(rnd, 1, 100_000_000_000L)) : null;
        b.maxPerTrade(max);
        if (rnd.nextInt(3) == 0) {
            long minCeiling = max == null ? 100_000_000_000L : max.micros();
            b.minPerTrade(Usdc.ofMicros(logUniform(rnd, 1, minCeiling)));
        }
        if (rnd.nextInt(3) == 0) {
            b.minLeaderNotional(Usdc.ofMicros(logUniform(rnd, 1, 1_000_000_000L)));
        }
        return b.sideFilter(SideFilter.values()[rnd.nextInt(3)])
                .direction(Direction.values()[rnd.nextInt(2)])
                .raiseToVenueMinimum(rnd.nextBoolean())
                .build();
    }

    private static VenueRules randomVenue(Random rnd) {
        switch (rnd.nextInt(4)) {
            case 0:
                return VenueRules.polymarketMarketOrders();
            case 1:
                return VenueRules.polymarketLimitOrders();
            case 2:
                return VenueRules.none();
            default:
                return new VenueRules(Usdc.ofMicros(rnd.nextInt(5_000_000)), Shares.ofMicros(rnd.nextInt(10_000_000)),
                        Shares.ofMicros(new long[] {1, 10_000, 1_000_000}[rnd.nextInt(3)]));
        }
    }
}
