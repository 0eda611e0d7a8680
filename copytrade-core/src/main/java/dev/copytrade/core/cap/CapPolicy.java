package dev.copytrade.core.cap;

import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.Follower;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which budgets an order is charged against. Money budgets (in micro-USDC, over {@link #moneyWindow()}):
 * global, per follower wallet, per market (a default plus per-market overrides by slug or condition id)
 * and per leader; they limit spend, so only BUY orders are charged (a SELL returns money and exposure).
 * Count budgets (whole trades, over {@link #tradeWindow()}): global and per follower, every order.
 * Every limit is off unless set. Immutable.
 */
public final class CapPolicy {
    private final Usdc global;
    private final Usdc perWallet;
    private final Usdc perMarket;
    private final Map<String, Usdc> marketOverrides;
    private final Usdc perLeader;
    private final BudgetWindow moneyWindow;
    private final Integer maxTrades;
    private final Integer maxTradesPerFollower;
    private final BudgetWindow tradeWindow;

    private CapPolicy(Builder b) {
        this.global = b.global;
        this.perWallet = b.perWallet;
        this.perMarket = b.perMarket;
        this.marketOverrides = Map.copyOf(b.marketOverrides);
        this.perLeader = b.perLeader;
        this.moneyWindow = b.moneyWindow;
        this.maxTrades = b.maxTrades;
        this.maxTradesPerFollower = b.maxTradesPerFollower;
        this.tradeWindow = b.tradeWindow;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** No limits at all. */
    public static CapPolicy none() {
        return builder().build();
    }

    /** True if any money budget is set (only BUY orders are charged against them). */
    public boolean chargesMoney() {
        return global != null || perWallet != null || perMarket != null || !marketOverrides.isEmpty()
                || perLeader != null;
    }

    /** True if any trade-count budget is set. */
    public boolean countsTrades() {
        return maxTrades != null || maxTradesPerFollower != null;
    }

    public boolean isEmpty() {
        return global == null && perWallet == null && perMarket == null && marketOverrides.isEmpty()
                && perLeader == null && maxTrades == null && maxTradesPerFollower == null;
    }

    /** The money budgets {@code order} is charged against (its notional, in micro-USDC); none for a SELL. */
    public List<Budget> moneyBudgets(CopyOrder order, LeaderTrade trade, Follower follower) {
        if (order.side() != dev.copytrade.core.model.Side.BUY) {
            return List.of();
        }
        List<Budget> out = new ArrayList<>(4);
        if (global != null) {
            out.add(new Budget("usd:global", global.micros(), moneyWindow));
        }
        if (perWallet != null) {
            out.add(new Budget("usd:wallet:" + follower.wallet().value(), perWallet.micros(), moneyWindow));
        }
        Usdc market = marketLimit(order);
        if (market != null) {
            out.add(new Budget("usd:market:" + order.market().conditionId(), market.micros(), moneyWindow));
        }
        if (perLeader != null) {
            out.add(new Budget("usd:leader:" + trade.leader().value(), perLeader.micros(), moneyWindow));
        }
        return out;
    }

    /** The trade-count budgets one order uses one unit of. */
    public List<Budget> countBudgets(Follower follower) {
        List<Budget> out = new ArrayList<>(2);
        if (maxTrades != null) {
            out.add(new Budget("trades:global", maxTrades, tradeWindow));
        }
        if (maxTradesPerFollower != null) {
            out.add(new Budget("trades:follower:" + follower.id().value(), maxTradesPerFollower, tradeWindow));
        }
        return out;
    }

    private Usdc marketLimit(CopyOrder order) {
        Usdc bySlug = order.market().slug() == null ? null : marketOverrides.get(order.market().slug());
        if (bySlug != null) {
            return bySlug;
        }
        Usdc byCondition = marketOverrides.get(order.market().conditionId());
        return byCondition != null ? byCondition : perMarket;
    }

    /** The longest window any budget counts over: spend older than this no longer matters. */
    public Duration longestWindow() {
        return moneyWindow.length().compareTo(tradeWindow.length()) >= 0 ? moneyWindow.length() : tradeWindow.length();
    }

    public BudgetWindow moneyWindow() {
        return moneyWindow;
    }

    public BudgetWindow tradeWindow() {
        return tradeWindow;
    }

    @Override
    public String toString() {
        return "CapPolicy{global=" + global + ", perWallet=" + perWallet + ", perMarket=" + perMarket
                + ", marketOverrides=" + marketOverrides + ", perLeader=" + perLeader + ", moneyWindow=" + moneyWindow
                + ", maxTrades=" + maxTrades + ", maxTradesPerFollower=" + maxTradesPerFollower + ", tradeWindow="
                + tradeWindow + "}";
    }

    /** Defaults: every limit off; money over the UTC day; trade counts over a rolling 24 h. */
    public static final class Builder {
        private Usdc global;
        private Usdc perWallet;
        private Usdc perMarket;
        private final Map<String, Usdc> marketOverrides = new HashMap<>();
        private Usdc perLeader;
        private BudgetWindow moneyWindow = BudgetWindow.utcDay();
        private Integer maxTrades;
        private Integer maxTradesPerFollower;
        private BudgetWindow tradeWindow = BudgetWindow.rolling(Duration.ofHours(24));

        private Builder() {}

        public Builder global(Usdc limit) {
            this.global = positive("caps.global", limit);
            return this;
        }

        public Builder perWallet(Usdc limit) {
            this.perWallet = positive("caps.perWallet", limit);
            return this;
        }

        public Builder perMarket(Usdc limit) {
            this.perMarket = positive("caps.perMarket", limit);
            return this;
        }

        /** A limit for one market, by slug or condition id; overrides {@link #perMarket}. */
        public Builder market(String slugOrConditionId, Usdc limit) {
            InvalidInputException.requireNonNull("caps.market", slugOrConditionId);
            String k = slugOrConditionId.trim().toLowerCase(Locale.ROOT);
            if (!dev.copytrade.core.model.Market.isLabel(k)) {
                throw new InvalidInputException("caps.market", slugOrConditionId,
                        "must be a market slug ([a-z0-9._-]) or a condition id (0x + 64 hex)");
            }
            marketOverrides.put(k, positive("caps.market[" + k + "]", limit));
            return this;
        }

        public Builder perLeader(Usdc limit) {
            this.perLeader = positive("caps.perLeader", limit);
            return this;
        }

        public Builder moneyWindow(BudgetWindow window) {
            this.moneyWindow = InvalidInputException.requireNonNull("caps.moneyWindow", window);
            return this;
        }

        public Builder maxTrades(int max) {
            this.maxTrades = positive("caps.maxTrades", max);
            return this;
        }

        public Builder maxTradesPerFollower(int max) {
            this.maxTradesPerFollower = positive("caps.maxTradesPerFollower", max);
            return this;
        }

        public Builder tradeWindow(BudgetWindow window) {
            this.tradeWindow = InvalidInputException.requireNonNull("caps.tradeWindow", window);
            return this;
        }

        private static Usdc positive(String field, Usdc v) {
            InvalidInputException.requireNonNull(field, v);
            if (v.isZero()) {
                throw new InvalidInputException(field, v, "must be positive");
            }
            return v;
        }

        private static int positive(String field, int v) {
            if (v <= 0) {
                throw new InvalidInputException(field, v, "must be positive");
            }
            return v;
        }

        public CapPolicy build() {
            return new CapPolicy(this);
        }
    }
}
