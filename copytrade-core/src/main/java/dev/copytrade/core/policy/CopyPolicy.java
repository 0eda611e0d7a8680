package dev.copytrade.core.policy;

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
import java.util.Map;

/**
 * How a follower sizes a copy of a leader trade. Immutable; build with {@link #fixed(Usdc)} or
 * {@link #proportional(BigDecimal)} and the builder's optional limits.
 *
 * <p>Sizing, in order: side filter → minimum leader trade → target notional (fixed, or leader notional
 * × scale, rounded down) → clamp to {@code maxPerTrade} → skip if under {@code minPerTrade} → shares =
 * target ÷ price, rounded down to the venue's step → venue minimum (skip, or raise only when
 * {@code raiseToVenueMinimum} is set and the raised order still fits under {@code maxPerTrade}).
 * The limit price is the leader's price. Nothing is ever rounded up past a limit.
 */
public final class CopyPolicy {
    private static final BigDecimal MAX_SCALE = BigDecimal.valueOf(1000);
    /**
     * More decimals than this cannot matter to a 6-decimal amount, and an exponent such as
     * {@code 1e-9999999} made every sizing take seconds (or overflow) instead of failing here.
     */
    private static final int MAX_SCALE_DECIMALS = 9;

    private final Usdc fixedNotional;
    private final BigDecimal scale;
    private final Usdc minPerTrade;
    private final Usdc maxPerTrade;
    private final Usdc minLeaderNotional;
    private final SideFilter sideFilter;
    private final Direction direction;
    private final boolean raiseToVenueMinimum;

    private CopyPolicy(Builder b) {
        this.fixedNotional = b.fixedNotional;
        this.scale = b.scale;
        this.minPerTrade = b.minPerTrade;
        this.maxPerTrade = b.maxPerTrade;
        this.minLeaderNotional = b.minLeaderNotional;
        this.sideFilter = b.sideFilter;
        this.direction = b.direction;
        this.raiseToVenueMinimum = b.raiseToVenueMinimum;
    }

    /** Every copy spends {@code notional} (before limits and venue rounding). */
    public static Builder fixed(Usdc notional) {
        Builder b = new Builder();
        b.fixedNotional = InvalidInputException.requireNonNull("policy.fixedNotional", notional);
        if (notional.isZero()) {
            throw new InvalidInputException("policy.fixedNotional", notional, "must be positive");
        }
        return b;
    }

    /** Every copy spends the leader's notional × {@code scale} (0 &lt; scale ≤ 1000, at most 9 decimals). */
    public static Builder proportional(BigDecimal scale) {
        InvalidInputException.requireNonNull("policy.scale", scale);
        if (scale.signum() <= 0 || scale.compareTo(MAX_SCALE) > 0) {
            throw new InvalidInputException("policy.scale", scale, "must be in (0, 1000]");
        }
        if (scale.stripTrailingZeros().scale() > MAX_SCALE_DECIMALS) {
            throw new InvalidInputException("policy.scale", scale, "must have at most " + MAX_SCALE_DECIMALS + " decimals");
        }
        Builder b = new Builder();
        b.scale = scale;
        return b;
    }

    public static Builder proportional(String scale) {
        return proportional(dev.copytrade.core.internal.Decimals.parse("policy.scale", scale));
    }

    /** Sizes a copy of {@code trade} for venue {@code venue}: an order, or a skip with its reason. */
    public SizingResult size(LeaderTrade trade, VenueRules venue) {
        if (!sideFilter.accepts(trade.side())) {
            return skip(ReasonCode.SIDE_FILTERED, "leaderSide", trade.side().name(), "sideFilter", sideFilter.name());
        }
        Usdc leaderNotional = trade.notional();
        if (minLeaderNotional != null && leaderNotional.lessThan(minLeaderNotional)) {
            return skip(ReasonCode.LEADER_TRADE_TOO_SMALL, "leaderNotional", leaderNotional.toString(),
                    "minLeaderNotional", minLeaderNotional.toString());
        }
        Side side = direction == Direction.FOLLOW ? trade.side() : trade.side().opposite();
        Usdc target = fixedNotional != null ? fixedNotional : scaled(leaderNotional);
        if (maxPerTrade != null && target.greaterThan(maxPerTrade)) {
            target = maxPerTrade;
        }
        if (minPerTrade != null && target.lessThan(minPerTrade)) {
            return skip(ReasonCode.BELOW_MIN_PER_TRADE, "target", target.toString(),
                    "minPerTrade", minPerTrade.toString());
        }
        Price price = trade.price();
        // at a tiny price a large target buys more shares than a Shares can hold: cap the size, never throw
        Usdc mostThatFits = price.notionalOf(Shares.ofMicros(Shares.MAX_MICROS), RoundingMode.DOWN);
        if (target.greaterThan(mostThatFits)) {
            target = mostThatFits;
        }
        Shares shares = price.sharesFor(target).floorTo(venue.shareStep());
        if (meetsVenueMinimum(shares, price, venue)) {
            return new SizingResult.Sized(CopyOrder.of(trade.market(), side, price, shares), Map.of());
        }
        Shares raised = venueMinimumShares(price, venue);
        Usdc raisedNotional = price.notionalOf(raised, RoundingMode.CEILING);
        if (raiseToVenueMinimum && (maxPerTrade == null || !raisedNotional.greaterThan(maxPerTrade))) {
            return new SizingResult.Sized(CopyOrder.of(trade.market(), side, price, raised),
                    Map.of("sizing.raisedToVenueMinimumFrom", shares.toString()));
        }
        return skip(ReasonCode.BELOW_VENUE_MINIMUM, "shares", shares.toString(),
                "notional", price.notionalOf(shares, RoundingMode.CEILING).toString(),
                "venueMinShares", raised.toString(), "venueMinNotional", venue.minNotional().toString());
    }

    /** True if the order clears both venue minimums (and is not empty). */
    public static boolean meetsVenueMinimum(Shares shares, Price price, VenueRules venue) {
        return !shares.isZero() && shares.compareTo(venue.minShares()) >= 0
                && !price.notionalOf(shares, RoundingMode.CEILING).lessThan(venue.minNotional());
    }

    private static Shares venueMinimumShares(Price price, VenueRules venue) {
        Shares forNotional = price.sharesFor(venue.minNotional());
        if (price.notionalOf(forNotional, RoundingMode.CEILING).lessThan(venue.minNotional())) {
            forNotional = Shares.ofMicros(forNotional.micros() + 1);
        }
        Shares need = forNotional.compareTo(venue.minShares()) >= 0 ? forNotional : venue.minShares();
        need = need.ceilTo(venue.shareStep());
        return need.isZero() ? venue.shareStep() : need;
    }

    private Usdc scaled(Usdc leaderNotional) {
        BigDecimal v = leaderNotional.toBigDecimal().multiply(scale).setScale(Usdc.DECIMALS, RoundingMode.DOWN);
        return v.compareTo(BigDecimal.valueOf(Usdc.MAX_MICROS, Usdc.DECIMALS)) > 0
                ? Usdc.ofMicros(Usdc.MAX_MICROS) : Usdc.of(v);
    }

    private static SizingResult skip(ReasonCode reason, String... kv) {
        Map<String, String> detail = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            detail.put(kv[i], kv[i + 1]);
        }
        return new SizingResult.Skipped(reason, detail);
    }

    public Usdc fixedNotional() {
        return fixedNotional;
    }

    public BigDecimal scale() {
        return scale;
    }

    public Usdc minPerTrade() {
        return minPerTrade;
    }

    public Usdc maxPerTrade() {
        return maxPerTrade;
    }

    public Usdc minLeaderNotional() {
        return minLeaderNotional;
    }

    public SideFilter sideFilter() {
        return sideFilter;
    }

    public Direction direction() {
        return direction;
    }

    public boolean raiseToVenueMinimum() {
        return raiseToVenueMinimum;
    }

    @Override
    public String toString() {
        return "CopyPolicy{" + (fixedNotional != null ? "fixed=" + fixedNotional : "scale=" + scale.toPlainString())
                + ", min=" + minPerTrade + ", max=" + maxPerTrade + ", minLeader=" + minLeaderNotional
                + ", sides=" + sideFilter + ", direction=" + direction + ", raiseToVenueMinimum=" + raiseToVenueMinimum
                + "}";
    }

    /** Optional limits; defaults: none, both sides, FOLLOW, never raise to the venue minimum. */
    public static final class Builder {
        private Usdc fixedNotional;
        private BigDecimal scale;
        private Usdc minPerTrade;
        private Usdc maxPerTrade;
        private Usdc minLeaderNotional;
        private SideFilter sideFilter = SideFilter.BOTH;
        private Direction direction = Direction.FOLLOW;
        private boolean raiseToVenueMinimum;

        private Builder() {}

        /** A copy whose target is under this is skipped ({@code BELOW_MIN_PER_TRADE}), never raised. */
        public Builder minPerTrade(Usdc min) {
            this.minPerTrade = min;
            return this;
        }

        /** A copy whose target is over this is reduced to it. */
        public Builder maxPerTrade(Usdc max) {
            this.maxPerTrade = max;
            return this;
        }

        /** Leader trades worth less than this are not copied ({@code LEADER_TRADE_TOO_SMALL}). */
        public Builder minLeaderNotional(Usdc min) {
            this.minLeaderNotional = min;
            return this;
        }

        public Builder sideFilter(SideFilter filter) {
            this.sideFilter = InvalidInputException.requireNonNull("policy.sideFilter", filter);
            return this;
        }

        public Builder direction(Direction direction) {
            this.direction = InvalidInputException.requireNonNull("policy.direction", direction);
            return this;
        }

        /** Raise an order below the venue minimum up to it, but only while it stays within {@code maxPerTrade}. */
        public Builder raiseToVenueMinimum(boolean raise) {
            this.raiseToVenueMinimum = raise;
            return this;
        }

        public CopyPolicy build() {
            if (minPerTrade != null && maxPerTrade != null && minPerTrade.greaterThan(maxPerTrade)) {
                throw new InvalidInputException("policy.minPerTrade", minPerTrade,
                        "must not exceed policy.maxPerTrade " + maxPerTrade);
            }
            if (maxPerTrade != null && maxPerTrade.isZero()) {
                throw new InvalidInputException("policy.maxPerTrade", maxPerTrade, "must be positive");
            }
            return new CopyPolicy(this);
        }
    }
}
