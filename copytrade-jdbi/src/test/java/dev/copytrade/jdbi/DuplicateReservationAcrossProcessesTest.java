package dev.copytrade.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.cap.Budget;
import dev.copytrade.core.cap.CapPolicy;
import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyResult.Outcome;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordDraft;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.sim.SimulatedChainAdapter.Behavior;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.store.PrewriteResult;
import dev.copytrade.core.store.StoreException;
import dev.copytrade.core.testkit.Concurrently;
import dev.copytrade.core.testkit.ForwardingStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Duplicates of an in-flight order, delivered to another process whose prewrites fail, on PostgreSQL: they
 * find the original's reservation held, create nothing and give nothing back, so the cap still refuses.
 */
class DuplicateReservationAcrossProcessesTest {
    private static final int THREADS = 16;

    /** A store whose prewrites all fail, as a process whose database connection broke mid-request. */
    private static final class BrokenPrewrites extends ForwardingStore {
        BrokenPrewrites(CopyTradeStore delegate) {
            super(delegate);
        }

        @Override
        public PrewriteResult prewrite(RecordDraft draft) {
            throw new StoreException("simulated: connection lost during prewrite");
        }

        @Override
        public List<PrewriteResult> prewriteAll(List<RecordDraft> drafts) {
            throw new StoreException("simulated: connection lost during prewrite");
        }
    }

    @Test
    @DisplayName("Scenario: On PostgreSQL, duplicates whose prewrite fails in another process leave the original's reservation held")
    void duplicatesInAnotherProcessLeaveTheOriginalsReservation() {
        TableNames tables = SharedPostgres.freshTables();
        Clock clock = Clock.fixed(Instant.parse("2026-06-03T12:00:00Z"), ZoneOffset.UTC);
        SimulatedChainAdapter venue = new SimulatedChainAdapter(clock, Duration.ZERO);
        CapPolicy caps = CapPolicy.builder().global(Usdc.of("10")).build();
        Follower follower = Follower.eoa("dup-owner", "0x" + "8".repeat(40), CopyPolicy.fixed(Usdc.of("7")).build());
        Follower other = Follower.eoa("dup-other", "0x" + "9".repeat(40), CopyPolicy.fixed(Usdc.of("7")).build());
        LeaderTrade original = trade("original-" + UUID.randomUUID(), clock);
        try (HikariDataSource poolA = SharedPostgres.newPool(4); HikariDataSource poolB = SharedPostgres.newPool(THREADS)) {
            JdbiCapLedger ledgerA = JdbiCapLedger.builder(poolA).tableNames(tables).migrate(true).build();
            CopyTradeExecutor a = CopyTradeExecutor.builder()
                    .store(JdbiCopyTradeStore.builder(poolA).tableNames(tables).migrate(true).build())
                    .caps(ledgerA, caps).chainAdapter(venue).clock(clock).parallelism(1).build();
            CopyTradeExecutor b = CopyTradeExecutor.builder()
                    .store(new BrokenPrewrites(JdbiCopyTradeStore.builder(poolB).tableNames(tables).build()))
                    .caps(JdbiCapLedger.builder(poolB).tableNames(tables).build(), caps).chainAdapter(venue)
                    .clock(clock).parallelism(1).build();
            venue.enqueue(Behavior.timeoutAfterReceive());
            assertThat(a.execute(original, follower).outcome()).as("the original is in flight, holding 7.00")
                    .isEqualTo(Outcome.IN_FLIGHT);

            // the same signal delivered to the other process from many threads at once, single and fan-out
            List<Outcome> duplicates = Concurrently.run(THREADS, t -> t % 2 == 0
                    ? b.execute(original, follower).outcome()
                    : b.executeAll(original, List.of(follower)).get(0).outcome());

            assertThat(duplicates).containsOnly(Outcome.NOT_RECORDED);
            Budget global = new Budget("usd:global", Usdc.of("10").micros(), caps.moneyWindow());
            assertThat(ledgerA.used(global, clock.instant())).as("the original's reservation is still held")
                    .isEqualTo(7_000_000);
            CopyResult third = a.execute(trade("third-" + UUID.randomUUID(), clock), other);
            assertThat(third.outcome()).isEqualTo(Outcome.SKIPPED);
            assertThat(third.record().reason()).isEqualTo(ReasonCode.BUDGET_EXHAUSTED);
            assertThat(venue.receivedCount()).as("only the original reached the venue").isEqualTo(1);
            a.close();
            b.close();
        }
    }

    private static LeaderTrade trade(String id, Clock clock) {
        return LeaderTrade.builder().signalId(SignalId.venueFill("dupx", id)).leader("0x" + "a".repeat(40))
                .market("0x" + "6".repeat(64), "66", "dup-market").side("BUY").price("0.5").size("100")
                .timestamp(clock.instant()).build();
    }
}
