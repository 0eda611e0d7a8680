package dev.copytrade.core.cap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.memory.InMemoryCapLedger;
import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.sim.SimulatedChainAdapter.Behavior;
import dev.copytrade.core.sweep.StaleSweeper;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The executor and the sweeper charging a cap ledger: reserve, commit, release. */
class ExecutorCapsTest {
    private final SettableClock clock = new SettableClock(Instant.parse("2026-06-01T10:00:00Z"));
    private final InMemoryCopyTradeStore store = new InMemoryCopyTradeStore();
    private final InMemoryCapLedger ledger = new InMemoryCapLedger();
    private final SimulatedChainAdapter venue = new SimulatedChainAdapter(clock, Duration.ZERO);
    private final Follower follower = Follower.eoa("capped", "0x" + "2".repeat(40),
            CopyPolicy.fixed(Usdc.of("7")).build());
    private final CapPolicy caps = CapPolicy.builder().global(Usdc.of("20")).maxTradesPerFollower(5).build();
    private final Budget global = caps.moneyBudgets(order(), trade(0), follower).get(0);
    private final AtomicInteger signals = new AtomicInteger(100);

    private CopyTradeExecutor executor() {
        return CopyTradeExecutor.builder().store(store).chainAdapter(venue).clock(clock).parallelism(1)
                .caps(ledger, caps).build();
    }

    private LeaderTrade trade(int n) {
        return LeaderTrade.builder().signalId(SignalId.venueFill("caps", "t" + n)).leader("0x" + "a".repeat(40))
                .market("0x" + "c".repeat(64), "5", "capped").side("BUY").price("0.5").size("100")
                .timestamp(clock.instant()).build();
    }

    private dev.copytrade.core.model.CopyOrder order() {
        LeaderTrade t = trade(0);
        return dev.copytrade.core.model.CopyOrder.of(t.market(), t.side(), t.price(),
                dev.copytrade.core.model.Shares.of("14"));
    }

    @Test
    @DisplayName("Scenario: An order the budget cannot take is a SKIPPED record with BUDGET_EXHAUSTED")
    void exhaustedBudgetSkips() {
        CopyTradeExecutor ex = executor();
        assertThat(ex.execute(trade(signals.incrementAndGet()), follower).outcome()).isEqualTo(CopyResult.Outcome.EXECUTED);
        assertThat(ex.execute(trade(signals.incrementAndGet()), follower).outcome()).isEqualTo(CopyResult.Outcome.EXECUTED);
        CopyResult third = ex.execute(trade(signals.incrementAndGet()), follower);

        assertThat(third.outcome()).isEqualTo(CopyResult.Outcome.SKIPPED);
        assertThat(third.record().reason()).isEqualTo(ReasonCode.BUDGET_EXHAUSTED);
        assertThat(third.record().detail()).containsEntry("budget", "usd:global").containsEntry("available", "6.000000");
        assertThat(ledger.used(global, clock.instant())).isEqualTo(14_000_000);
        assertThat(venue.receivedCount()).isEqualTo(2);
    }

    @Test
    @DisplayName("Scenario: A failed or skipped order gives its reservation back; a fill commits what was filled")
    void settlesByOutcome() {
        venue.enqueue(Behavior.reject("no liquidity"), Behavior.partial("0.5"));
        CopyTradeExecutor ex = executor();
        assertThat(ex.execute(trade(signals.incrementAndGet()), follower).outcome()).isEqualTo(CopyResult.Outcome.FAILED);
        assertThat(ledger.used(global, clock.instant())).as("a rejection releases").isZero();
        CopyResult partial = ex.execute(trade(signals.incrementAndGet()), follower);
        assertThat(partial.outcome()).isEqualTo(CopyResult.Outcome.EXECUTED);
        assertThat(ledger.used(global, clock.instant())).as("only the filled half counts")
                .isEqualTo(partial.record().fill().notional().micros());
    }

    @Test
    @DisplayName("Scenario: Trade counts per window skip with TRADE_COUNT_EXCEEDED")
    void tradeCountLimit() {
        CapPolicy fewTrades = CapPolicy.builder().maxTradesPerFollower(2).build();
        CopyTradeExecutor ex = CopyTradeExecutor.builder().store(store).chainAdapter(venue).clock(clock)
                .parallelism(1).caps(ledger, fewTrades).build();
        ex.execute(trade(signals.incrementAndGet()), follower);
        ex.execute(trade(signals.incrementAndGet()), follower);
        CopyResult third = ex.execute(trade(signals.incrementAndGet()), follower);
        assertThat(third.record().reason()).isEqualTo(ReasonCode.TRADE_COUNT_EXCEEDED);
        clock.advance(Duration.ofHours(24).plusSeconds(1));
        assertThat(ex.execute(trade(signals.incrementAndGet()), follower).outcome())
                .as("the rolling window forgets old trades").isEqualTo(CopyResult.Outcome.EXECUTED);
    }

    @Test
    @DisplayName("Scenario: A duplicate delivery charges nothing more")
    void duplicateChargesNothing() {
        CopyTradeExecutor ex = executor();
        LeaderTrade t = trade(signals.incrementAndGet());
        ex.execute(t, follower);
        assertThat(ex.execute(t, follower).outcome()).isEqualTo(CopyResult.Outcome.DUPLICATE);
        assertThat(ledger.used(global, clock.instant())).isEqualTo(7_000_000);
    }

    @Test
    @DisplayName("Scenario: The sweeper settles the caps of the records it resolves")
    void sweeperSettles() {
        venue.enqueue(Behavior.timeoutAfterReceive(), Behavior.lostBeforeReceive());
        CopyTradeExecutor ex = executor();
        ex.execute(trade(signals.incrementAndGet()), follower);
        ex.execute(trade(signals.incrementAndGet()), follower);
        assertThat(ledger.used(global, clock.instant())).as("both reserved while in flight").isEqualTo(14_000_000);
        clock.advance(Duration.ofMinutes(11));
        StaleSweeper.builder(store, venue).clock(clock).caps(ledger).build().runOnce();
        assertThat(store.countByStatus().get(RecordStatus.EXECUTED)).isEqualTo(1);
        assertThat(store.countByStatus().get(RecordStatus.EXPIRED)).isEqualTo(1);
        assertThat(ledger.used(global, clock.instant())).as("the fill committed, the expired one released")
                .isEqualTo(7_000_000);
    }

    @Test
    @DisplayName("Scenario: A SELL is not charged against money budgets")
    void sellsSpendNothing() {
        CopyTradeExecutor ex = executor();
        LeaderTrade sell = LeaderTrade.builder().signalId(SignalId.venueFill("caps", "sell")).leader("0x" + "a".repeat(40))
                .market("0x" + "c".repeat(64), "5", "capped").side("SELL").price("0.5").size("100")
                .timestamp(clock.instant()).build();
        assertThat(ex.execute(sell, follower).outcome()).isEqualTo(CopyResult.Outcome.EXECUTED);
        assertThat(ledger.used(global, clock.instant())).isZero();
    }

    @Test
    @DisplayName("Scenario: Counters follow every outcome and reason")
    void countersFollowEveryOutcome() {
        dev.copytrade.core.executor.ReasonCounters counters = new dev.copytrade.core.executor.ReasonCounters();
        venue.enqueue(Behavior.reject("no liquidity"), Behavior.lostBeforeReceive(), Behavior.timeoutAfterReceive());
        CopyTradeExecutor ex = CopyTradeExecutor.builder().store(store).chainAdapter(venue).clock(clock).parallelism(1)
                .caps(ledger, CapPolicy.builder().global(Usdc.of("25")).build()).listener(counters).build();
        ex.execute(trade(signals.incrementAndGet()), follower);        // FAILED VENUE_REJECTED
        ex.execute(trade(signals.incrementAndGet()), follower);        // in flight, never received
        ex.execute(trade(signals.incrementAndGet()), follower);        // in flight, received and filled
        LeaderTrade t = trade(signals.incrementAndGet());
        ex.execute(t, follower);                                       // EXECUTED
        ex.execute(t, follower);                                       // DUPLICATE
        ex.execute(trade(signals.incrementAndGet()), follower);        // BUDGET_EXHAUSTED (25 - 3 x 7 < 7)
        clock.advance(Duration.ofMinutes(11));
        StaleSweeper.builder(store, venue).clock(clock).caps(ledger).listener(counters).build().runOnce();

        var s = counters.snapshot();
        assertThat(s.failed()).containsEntry(ReasonCode.VENUE_REJECTED, 1L);
        assertThat(s.expired()).containsEntry(ReasonCode.NOT_FOUND_AT_VENUE, 1L);
        assertThat(s.skipped(ReasonCode.BUDGET_EXHAUSTED)).isEqualTo(1);
        assertThat(s.count(dev.copytrade.core.executor.ReasonCounters.Kind.OUTCOME_UNKNOWN)).isEqualTo(2);
        assertThat(s.count(dev.copytrade.core.executor.ReasonCounters.Kind.EXECUTED)).as("one live, one by the sweeper")
                .isEqualTo(2);
        assertThat(s.count(dev.copytrade.core.executor.ReasonCounters.Kind.DUPLICATE)).isEqualTo(1);
    }
}
