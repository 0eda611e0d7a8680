package dev.copytrade.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.cap.Budget;
import dev.copytrade.core.cap.CapPolicy;
import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The cap test end to end: executors, not just the ledger, on two pools against one database. */
class CappedExecutionAcrossProcessesTest {

    @Test
    @DisplayName("Scenario: Two executors on two pools with 16 threads each never overshoot a 1000 USDC cap")
    void twoProcessesNeverOvershoot() throws Exception {
        long seed = Long.getLong("copytrade.seed", System.nanoTime());
        TableNames tables = SharedPostgres.freshTables();
        Clock clock = Clock.fixed(Instant.parse("2026-06-02T12:00:00Z"), ZoneOffset.UTC);
        SimulatedChainAdapter venue = new SimulatedChainAdapter(clock, java.time.Duration.ZERO);
        CapPolicy caps = CapPolicy.builder().global(Usdc.of("1000")).build();
        List<Follower> followers = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            followers.add(Follower.eoa("cap-" + i, String.format("0x%040x", 0xcafe00 + i),
                    CopyPolicy.fixed(Usdc.of("7")).build()));
        }
        AtomicInteger signals = new AtomicInteger();
        AtomicInteger exhausted = new AtomicInteger();
        try (HikariDataSource poolA = SharedPostgres.newPool(16); HikariDataSource poolB = SharedPostgres.newPool(16)) {
            List<CopyTradeExecutor> executors = new ArrayList<>();
            for (HikariDataSource pool : List.of(poolA, poolB)) {
                executors.add(CopyTradeExecutor.builder()
                        .store(JdbiCopyTradeStore.builder(pool).tableNames(tables).migrate(true).build())
                        .caps(JdbiCapLedger.builder(pool).tableNames(tables).migrate(true).build(), caps)
                        .chainAdapter(venue).clock(clock).parallelism(1).build());
            }
            CyclicBarrier start = new CyclicBarrier(32);
            ExecutorService threads = Executors.newFixedThreadPool(32);
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 32; t++) {
                CopyTradeExecutor ex = executors.get(t % 2);
                Follower f = followers.get(t);
                runs.add(threads.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    // keep trading until this thread's orders are refused by the budget
                    while (true) {
                        CopyResult r = ex.execute(trade(seed, signals.incrementAndGet(), clock), f);
                        if (r.outcome() == CopyResult.Outcome.SKIPPED
                                && r.record().reason() == ReasonCode.BUDGET_EXHAUSTED) {
                            exhausted.incrementAndGet();
                            return null;
                        }
                    }
                }));
            }
            for (Future<?> f : runs) {
                f.get(5, TimeUnit.MINUTES);
            }
            threads.shutdown();

            long filledMicros = venue.receivedOrders().stream().mapToLong(o -> o.fill().notional().micros()).sum();
            JdbiCapLedger ledger = JdbiCapLedger.builder(poolA).tableNames(tables).build();
            Budget global = new Budget("usd:global", Usdc.of("1000").micros(), caps.moneyWindow());
            assertThat(filledMicros).as("seed=" + seed + " never more than the cap").isLessThanOrEqualTo(1_000_000_000L);
            assertThat(1_000_000_000L - filledMicros).as("seed=" + seed + " less than one order left unused")
                    .isLessThan(7_000_000L);
            assertThat(ledger.used(global, clock.instant())).as("seed=" + seed + " the ledger agrees with the venue")
                    .isEqualTo(filledMicros);
            JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(poolA).tableNames(tables).build();
            List<CopyTradeRecord> executed = store.findByStatus(RecordStatus.EXECUTED, 10_000);
            assertThat(executed).hasSize(venue.receivedCount());
            assertThat(exhausted.get()).isEqualTo(32);
            executors.forEach(CopyTradeExecutor::close);
        }
    }

    private static LeaderTrade trade(long seed, int n, Clock clock) {
        return LeaderTrade.builder().signalId(SignalId.venueFill("capx", seed + "-" + n)).leader("0x" + "a".repeat(40))
                .market("0x" + "7".repeat(64), "77", "capped-market").side("BUY").price("0.5").size("100")
                .timestamp(clock.instant()).build();
    }
}
