package dev.copytrade.core.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.mutex.LocalScopedTxMutex;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordDraft;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.record.Transition;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.sim.SimulatedChainAdapter.Behavior;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StaleSweeperTest {
    private final SettableClock clock = new SettableClock(Instant.parse("2026-02-01T00:00:00Z"));
    private final InMemoryCopyTradeStore store = new InMemoryCopyTradeStore();
    private final SimulatedChainAdapter venue = new SimulatedChainAdapter(clock, Duration.ZERO);
    private final Follower follower = Follower.eoa("f-1", "0x" + "1".repeat(40),
            CopyPolicy.fixed(Usdc.of("5")).build());
    private final AtomicInteger signals = new AtomicInteger();

    private CopyTradeExecutor executor() {
        return CopyTradeExecutor.builder().store(store).chainAdapter(venue).clock(clock)
                .inFlightTtl(Duration.ofMinutes(10)).lockTimeout(Duration.ofSeconds(1)).parallelism(1).build();
    }

    private StaleSweeper sweeper() {
        return StaleSweeper.builder(store, venue).clock(clock).batchSize(7).build();
    }

    private LeaderTrade trade() {
        return LeaderTrade.builder().signalId(SignalId.venueFill("test", "s" + signals.incrementAndGet()))
                .leader("0x" + "a".repeat(40)).market("0x" + "b".repeat(64), "42", "m").side("BUY").price("0.5")
                .size("100").timestamp(clock.instant()).build();
    }

    @Test
    @DisplayName("Scenario: Unknown outcome is resolved from the venue after the lease runs out")
    void resolvesUnknownOutcomesFromTheVenue() {
        venue.enqueue(Behavior.timeoutAfterReceive(), Behavior.lostBeforeReceive(), Behavior.throwAfterReceive());
        CopyTradeExecutor ex = executor();
        CopyResult filled = ex.execute(trade(), follower);
        CopyResult lost = ex.execute(trade(), follower);
        CopyResult thrown = ex.execute(trade(), follower);
        assertThat(filled.outcome()).isEqualTo(CopyResult.Outcome.IN_FLIGHT);
        assertThat(lost.outcome()).isEqualTo(CopyResult.Outcome.IN_FLIGHT);

        SweepReport early = sweeper().runOnce();
        assertThat(early.claimed()).as("live leases are never touched").isZero();

        clock.advance(Duration.ofMinutes(10));
        SweepReport report = sweeper().runOnce();
        assertThat(report.claimed()).isEqualTo(3);
        assertThat(store.findById(filled.record().id()).orElseThrow().status()).isEqualTo(RecordStatus.EXECUTED);
        assertThat(store.findById(thrown.record().id()).orElseThrow().status()).isEqualTo(RecordStatus.EXECUTED);
        CopyTradeRecord expired = store.findById(lost.record().id()).orElseThrow();
        assertThat(expired.status()).isEqualTo(RecordStatus.EXPIRED);
        assertThat(expired.reason()).isEqualTo(ReasonCode.NOT_FOUND_AT_VENUE);
        assertThat(venue.submitCalls()).as("the sweeper never re-sends").isEqualTo(3);
    }

    @Test
    @DisplayName("Scenario: A stale PENDING record is resolved by asking the venue, not by guessing")
    void pendingRecordsAreLookedUp() {
        long never = stalePending("never-sent");
        long sent = stalePending("sent-then-crashed");
        CopyTradeRecord sentRecord = store.findById(sent).orElseThrow();
        // the process crashed after the venue filled the order and before it could record the outcome
        venue.submit(dev.copytrade.core.chain.PreparedOrder.of(new dev.copytrade.core.chain.OrderRequest(sent,
                sentRecord.key(), sentRecord.clientOrderId(), sentRecord.order(), sentRecord.wallet(),
                sentRecord.signer(), 137, 1)));
        clock.advance(Duration.ofSeconds(61));

        StaleSweeper s = sweeper();
        s.runOnce();
        assertThat(store.findById(never).orElseThrow().status()).isEqualTo(RecordStatus.EXPIRED);
        assertThat(store.findById(never).orElseThrow().reason()).isEqualTo(ReasonCode.NOT_FOUND_AT_VENUE);
        assertThat(store.findById(sent).orElseThrow().status()).isEqualTo(RecordStatus.EXECUTED);

        long later = stalePending("later");
        clock.advance(Duration.ofSeconds(61));
        venue.setLookupsUnavailable(true);
        s.runOnce();
        assertThat(store.findById(later).orElseThrow().status()).as("a venue that cannot answer never expires it")
                .isEqualTo(RecordStatus.UNKNOWN);
    }

    private long stalePending(String owner) {
        LeaderTrade t = trade();
        RecordDraft d = RecordDraft.pending(t, follower.id(), follower.wallet(), follower.signer(),
                dev.copytrade.core.model.CopyOrder.of(t.market(), t.side(), t.price(),
                        dev.copytrade.core.model.Shares.of("10")), Map.of(), false, owner,
                clock.instant().plusSeconds(60), clock.instant());
        return store.prewrite(d).record().id();
    }

    @Test
    @DisplayName("Scenario: A venue that cannot answer leaves the record UNKNOWN, never expired")
    void transportErrorIsNeverNotFound() {
        venue.enqueue(Behavior.timeoutAfterReceive());
        CopyResult r = executor().execute(trade(), follower);
        clock.advance(Duration.ofMinutes(11));
        venue.setLookupsUnavailable(true);
        SweepReport report = sweeper().runOnce();
        assertThat(report.unknown()).isEqualTo(1);
        assertThat(store.findById(r.record().id()).orElseThrow().status()).isEqualTo(RecordStatus.UNKNOWN);

        venue.setLookupsUnavailable(false);
        SweepReport recheck = sweeper().runOnce();
        assertThat(recheck.rechecked()).isEqualTo(1);
        assertThat(store.findById(r.record().id()).orElseThrow().status()).isEqualTo(RecordStatus.EXECUTED);
    }

    @Test
    @DisplayName("Scenario: Sweep cost follows the stale records in bounded batches")
    void sweepsInBatchesUntilNothingIsStale() {
        venue.setDefault(Behavior.lostBeforeReceive());
        CopyTradeExecutor ex = executor();
        for (int i = 0; i < 50; i++) {
            ex.execute(trade(), follower);
        }
        venue.setDefault(Behavior.fill());
        for (int i = 0; i < 5; i++) {
            ex.execute(trade(), follower);
        }
        clock.advance(Duration.ofMinutes(10));
        SweepReport report = sweeper().runOnce();
        assertThat(report.claimed()).isEqualTo(50);
        assertThat(report.expired()).isEqualTo(50);
        assertThat(store.countByStatus().get(RecordStatus.SUBMITTED)).isZero();
        assertThat(store.countByStatus().get(RecordStatus.EXECUTED)).isEqualTo(5);
    }

    @Test
    @DisplayName("Scenario: A sweep racing an executor that finishes at the same moment has one winner")
    void raceWithExecutorHasOneWinner() {
        venue.enqueue(Behavior.timeoutAfterReceive());
        CopyResult r = executor().execute(trade(), follower);
        clock.advance(Duration.ofMinutes(10));
        CopyTradeRecord claimed = store.claimStale(clock.instant(), 10, "sweeper", clock.instant().plusSeconds(60))
                .get(0);
        // the executor's late finalize and the sweeper's verdict race on the same CAS
        var executorWrite = store.transition(Transition.failed(claimed.id(), RecordStatus.SUBMITTED, clock.instant(),
                ReasonCode.VENUE_REJECTED, "late answer"));
        SweepReport report = sweeper().runOnce();
        assertThat(executorWrite.applied()).isTrue();
        assertThat(report.resolved()).isZero();
        assertThat(store.findById(r.record().id()).orElseThrow().status()).isEqualTo(RecordStatus.FAILED);
    }

    @Test
    @DisplayName("Scenario: Only one process sweeps at a time")
    void exclusiveSweep() {
        LocalScopedTxMutex mutex = new LocalScopedTxMutex();
        StaleSweeper s = StaleSweeper.builder(store, venue).clock(clock).exclusive(mutex).build();
        try (var held = mutex.acquire(StaleSweeper.SWEEP_SCOPE, Duration.ofSeconds(1))) {
            assertThat(s.runOnce()).isSameAs(SweepReport.SKIPPED);
        }
        assertThat(s.runOnce()).isNotSameAs(SweepReport.SKIPPED);
    }

    @Test
    @DisplayName("Scenario: The periodic sweep survives a failed run and stops on close")
    void periodicSweepSurvivesFailuresAndStops() throws Exception {
        LocalScopedTxMutex local = new LocalScopedTxMutex();
        AtomicInteger runs = new AtomicInteger();
        java.util.concurrent.CountDownLatch three = new java.util.concurrent.CountDownLatch(3);
        // the first run fails as if the database were down; the schedule must go on
        dev.copytrade.core.mutex.ScopedTxMutex flaky = new dev.copytrade.core.mutex.ScopedTxMutex() {
            @Override
            public Lease acquire(dev.copytrade.core.mutex.TxScope scope, Duration timeout) {
                return local.acquire(scope, timeout);
            }

            @Override
            public java.util.Optional<Lease> tryAcquire(dev.copytrade.core.mutex.TxScope scope) {
                int n = runs.incrementAndGet();
                three.countDown();
                if (n == 1) {
                    throw new IllegalStateException("database down");
                }
                return local.tryAcquire(scope);
            }
        };
        StaleSweeper s = StaleSweeper.builder(store, venue).clock(clock).interval(Duration.ofMillis(10))
                .exclusive(flaky).build().start();
        assertThat(three.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(s::start).isInstanceOf(IllegalStateException.class);
        s.close();
        int afterClose = runs.get();
        s.close();
        // close waited for the scheduler to terminate: no run can start any more
        assertThat(runs.get()).isEqualTo(afterClose);
        assertThat(local.activeScopes()).as("every run released the sweep scope").isZero();
    }

    @Test
    @DisplayName("Scenario: UNKNOWN records are re-checked page by page, none starves")
    void unknownRecheckPagesThroughAll() {
        venue.setDefault(Behavior.timeoutAfterReceive());
        CopyTradeExecutor ex = executor();
        for (int i = 0; i < 5; i++) {
            ex.execute(trade(), follower);
        }
        clock.advance(Duration.ofMinutes(11));
        venue.setLookupsUnavailable(true);
        StaleSweeper s = StaleSweeper.builder(store, venue).clock(clock).batchSize(2).build();
        SweepReport first = s.runOnce();
        assertThat(first.unknown()).isEqualTo(5);
        // each later run looks at the next page of UNKNOWN records, then starts over
        assertThat(List.of(s.runOnce().rechecked(), s.runOnce().rechecked(), s.runOnce().rechecked(),
                s.runOnce().rechecked())).containsExactly(2, 1, 2, 2);
    }
}
