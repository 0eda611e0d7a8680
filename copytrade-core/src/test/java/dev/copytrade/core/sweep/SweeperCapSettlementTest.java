package dev.copytrade.core.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.cap.Budget;
import dev.copytrade.core.cap.CapPolicy;
import dev.copytrade.core.executor.CopyResult.Outcome;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.memory.InMemoryCapLedger;
import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.sim.SimulatedChainAdapter.Behavior;
import dev.copytrade.core.testkit.CountingCapLedger;
import dev.copytrade.core.testkit.Seeds;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The sweeper settles the caps of a claimed batch in one commitAll and one releaseAll. */
class SweeperCapSettlementTest {
    private static final int RECORDS = 23;
    private static final int BATCH = 5;
    private static final long ORDER_MICROS = 3_000_000;

    private final SettableClock clock = new SettableClock(Instant.parse("2026-02-01T08:00:00Z"));
    private final InMemoryCopyTradeStore store = new InMemoryCopyTradeStore();
    private final InMemoryCapLedger memory = new InMemoryCapLedger();
    private final SimulatedChainAdapter venue = new SimulatedChainAdapter(clock, Duration.ZERO);
    private final Follower follower = Follower.eoa("swept", "0x" + "4".repeat(40),
            CopyPolicy.fixed(Usdc.of("3")).build());
    private final CapPolicy caps = CapPolicy.builder().global(Usdc.of("1000")).maxTradesPerFollower(1_000).build();

    private LeaderTrade trade(int n) {
        return LeaderTrade.builder().signalId(SignalId.venueFill("swept", "s" + n)).leader("0x" + "a".repeat(40))
                .market("0x" + "b".repeat(64), "42", "m").side("BUY").price("0.5").size("100")
                .timestamp(clock.instant()).build();
    }

    private Budget global() {
        LeaderTrade t = trade(0);
        return caps.moneyBudgets(dev.copytrade.core.model.CopyOrder.of(t.market(), t.side(), t.price(),
                dev.copytrade.core.model.Shares.of("6")), t, follower).get(0);
    }

    /**
     * Leaves {@link #RECORDS} records in flight, each received and filled or lost at random (seeded), with
     * their caps reserved; returns how many the venue filled.
     */
    private int strandInFlight(Random random) {
        CopyTradeExecutor ex = CopyTradeExecutor.builder().store(store).chainAdapter(venue).clock(clock)
                .inFlightTtl(Duration.ofMinutes(10)).parallelism(1).caps(memory, caps).build();
        int filled = 0;
        for (int i = 0; i < RECORDS; i++) {
            boolean fills = random.nextBoolean();
            filled += fills ? 1 : 0;
            venue.enqueue(fills ? Behavior.timeoutAfterReceive() : Behavior.lostBeforeReceive());
            assertThat(ex.execute(trade(i + 1), follower).outcome()).isEqualTo(Outcome.IN_FLIGHT);
        }
        assertThat(memory.used(global(), clock.instant())).isEqualTo(RECORDS * ORDER_MICROS);
        return filled;
    }

    private SweepReport sweep(CountingCapLedger ledger) {
        clock.advance(Duration.ofMinutes(11));
        return StaleSweeper.builder(store, venue).clock(clock).batchSize(BATCH).recheckUnknown(false).caps(ledger)
                .build().runOnce();
    }

    /** Every reservation was settled: the fills' money counts, nothing is left for the expiry to release. */
    private void assertExactlySettled(int filled, String seedNote) {
        assertThat(store.countByStatus().get(RecordStatus.EXECUTED)).as(seedNote).isEqualTo(filled);
        assertThat(memory.used(global(), clock.instant())).as(seedNote).isEqualTo(filled * ORDER_MICROS);
        assertThat(memory.used(caps.countBudgets(follower).get(0), clock.instant())).as(seedNote).isEqualTo(filled);
        assertThat(memory.releaseExpired(clock.instant().plus(Duration.ofDays(3650)), 1_000))
                .as("%s: no reservation was left unsettled", seedNote).isZero();
    }

    @Test
    @DisplayName("Scenario: The sweeper settles the caps of a batch in one call per kind of settlement")
    void oneCommitAllAndOneReleaseAllPerBatch() {
        long seed = Seeds.seed();
        String seedNote = "seed " + seed;
        int filled = strandInFlight(new Random(seed));
        CountingCapLedger ledger = new CountingCapLedger(memory);

        SweepReport report = sweep(ledger);

        int batches = (RECORDS + BATCH - 1) / BATCH;
        assertThat(report.claimed()).as(seedNote).isEqualTo(RECORDS);
        assertThat(ledger.calls("commitAll") + ledger.calls("commit")).as(seedNote).isLessThanOrEqualTo(batches);
        assertThat(ledger.calls("releaseAll") + ledger.calls("release")).as(seedNote).isLessThanOrEqualTo(batches);
        assertThat(ledger.calls("commit")).as("%s: no per-record commit", seedNote).isZero();
        assertThat(ledger.calls("release")).as("%s: no per-record release", seedNote).isZero();
        assertExactlySettled(filled, seedNote);
    }

    @Test
    @DisplayName("Scenario: A failed batch settlement falls back to settling each record")
    void failedBatchFallsBackToEachRecord() {
        long seed = Seeds.seed();
        String seedNote = "seed " + seed;
        int filled = strandInFlight(new Random(seed));
        CountingCapLedger ledger = new CountingCapLedger(memory).failBatchSettlements();

        sweep(ledger);

        assertThat(ledger.calls("commit") + ledger.calls("release")).as("%s: each record settled on its own", seedNote)
                .isGreaterThanOrEqualTo(RECORDS);
        assertExactlySettled(filled, seedNote);
    }
}
