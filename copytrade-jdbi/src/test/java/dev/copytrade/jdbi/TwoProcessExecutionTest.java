package dev.copytrade.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.sim.SimulatedChainAdapter.Behavior;
import dev.copytrade.core.sweep.StaleSweeper;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two executors, each with its own connection pool (two bot processes as far as PostgreSQL can
 * tell), fed the same signals at the same time against one database and one venue.
 */
class TwoProcessExecutionTest {
    private static final int SIGNALS = 10_000;

    @Test
    @DisplayName("Scenario: Two processes fed the same signals execute each key exactly once")
    void eachKeyExactlyOnceAcrossTwoPools() throws Exception {
        long seed = Long.getLong("copytrade.seed", System.nanoTime());
        Random random = new Random(seed);
        TableNames tables = SharedPostgres.freshTables();
        SettableClock clock = new SettableClock(Instant.parse("2026-03-01T00:00:00Z"));
        SimulatedChainAdapter venue = new SimulatedChainAdapter(clock, Duration.ZERO);
        // a few answers get lost, so some records are left in flight for the sweeper
        venue.setRule(r -> r.recordId() % 97 == 0 ? Behavior.timeoutAfterReceive() : Behavior.fill());

        List<Follower> followers = new ArrayList<>();
        for (int f = 0; f < 8; f++) {
            followers.add(Follower.eoa("f" + f, String.format("0x%040x", 0xabc00 + f),
                    CopyPolicy.fixed(Usdc.of("5")).build()));
        }
        List<LeaderTrade> trades = new ArrayList<>(SIGNALS);
        for (int i = 0; i < SIGNALS; i++) {
            trades.add(LeaderTrade.builder().signalId(SignalId.venueFill("twoproc", seed + "-" + i))
                    .leader("0x" + "a".repeat(40)).market("0x" + "c".repeat(64), "7", "two-proc").side("BUY")
                    .price("0.5").size("20").timestamp(clock.instant()).build());
        }

        try (HikariDataSource poolA = SharedPostgres.newPool(8); HikariDataSource poolB = SharedPostgres.newPool(8)) {
            JdbiCopyTradeStore storeA = JdbiCopyTradeStore.builder(poolA).tableNames(tables).migrate(true).build();
            JdbiCopyTradeStore storeB = JdbiCopyTradeStore.builder(poolB).tableNames(tables).migrate(true).build();
            CopyTradeExecutor a = executor(storeA, venue, clock, "A");
            CopyTradeExecutor b = executor(storeB, venue, clock, "B");
            ExecutorService threads = Executors.newFixedThreadPool(4);
            List<Future<Map<CopyResult.Outcome, Integer>>> runs = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                CopyTradeExecutor ex = w % 2 == 0 ? a : b;
                // each worker walks all signals in its own shuffled order, so the two "processes" collide often
                List<Integer> order = shuffled(SIGNALS, new Random(random.nextLong()));
                runs.add(threads.submit(() -> feed(ex, order, trades, followers)));
            }
            Map<CopyResult.Outcome, Integer> outcomes = new EnumMap<>(CopyResult.Outcome.class);
            for (Future<Map<CopyResult.Outcome, Integer>> f : runs) {
                f.get(10, TimeUnit.MINUTES).forEach((k, v) -> outcomes.merge(k, v, Integer::sum));
            }
            threads.shutdown();

            int keys = SIGNALS;
            assertThat(venue.duplicateSubmissions()).as("seed=" + seed).isZero();
            assertThat(venue.submitCalls()).as("seed=" + seed + " one send per key").isEqualTo(keys);
            assertThat(venue.receivedCount()).as("seed=" + seed).isEqualTo(keys);
            assertThat(outcomes.getOrDefault(CopyResult.Outcome.NOT_RECORDED, 0)).as("seed=" + seed).isZero();
            assertThat(outcomes.getOrDefault(CopyResult.Outcome.DUPLICATE, 0)).as("seed=" + seed)
                    .isEqualTo(3 * keys);

            clock.advance(Duration.ofMinutes(11));
            StaleSweeper.builder(storeB, venue).clock(clock).build().runOnce();
            Map<RecordStatus, Long> counts = storeA.countByStatus();
            assertThat(counts.get(RecordStatus.PENDING) + counts.get(RecordStatus.SUBMITTED)).as("seed=" + seed)
                    .isZero();
            assertThat(counts.get(RecordStatus.EXECUTED)).as("seed=" + seed).isEqualTo(keys);
            a.close();
            b.close();
        }
    }

    private static CopyTradeExecutor executor(JdbiCopyTradeStore store, SimulatedChainAdapter venue,
            SettableClock clock, String id) {
        return CopyTradeExecutor.builder().store(store).chainAdapter(venue).clock(clock).instanceId(id)
                .lockTimeout(Duration.ofSeconds(30)).parallelism(1).build();
    }

    /** Copies signal i for follower i % 8, in the worker's own order: every key is tried by every worker. */
    private static Map<CopyResult.Outcome, Integer> feed(CopyTradeExecutor ex, List<Integer> order,
            List<LeaderTrade> trades, List<Follower> followers) {
        Map<CopyResult.Outcome, Integer> out = new EnumMap<>(CopyResult.Outcome.class);
        for (int i : order) {
            CopyResult r = ex.execute(trades.get(i), followers.get(i % followers.size()));
            out.merge(r.outcome(), 1, Integer::sum);
        }
        return out;
    }

    private static List<Integer> shuffled(int n, Random random) {
        List<Integer> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(i);
        }
        java.util.Collections.shuffle(l, random);
        return l;
    }
}
