package dev.copytrade.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.time.SettableClock;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Its own PostgreSQL server (the shared one must stay up), stopped and started again under load. */
class DatabaseRestartTest {

    @Test
    @DisplayName("Scenario: The database stopped and restarted under load loses nothing and the executor recovers")
    void restartUnderLoad(@TempDir Path dataDir) throws Exception {
        long seed = Long.getLong("copytrade.seed", System.nanoTime());
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // startup bounded far above a loaded machine's (the library's default of 10 s is not)
        EmbeddedPostgres.Builder server = EmbeddedPostgres.builder().setDataDirectory(dataDir)
                .setCleanDataDirectory(false).setPort(port).setPGStartupWait(Duration.ofSeconds(120));
        EmbeddedPostgres first = server.start();
        SettableClock clock = new SettableClock(Instant.parse("2026-03-03T00:00:00Z"));
        SimulatedChainAdapter venue = new SimulatedChainAdapter(clock, Duration.ZERO);
        Follower follower = Follower.eoa("restart", "0x" + "f".repeat(40), CopyPolicy.fixed(Usdc.of("2")).build());
        // the load runs until the database has been down, is back and has taken more executions: a fixed count
        // could be used up before the outage on a fast machine, or the outage missed on a slow one
        int cap = 100_000;
        Map<Integer, CopyResult> results = new ConcurrentHashMap<>();

        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(first.getJdbcUrl("postgres", "postgres"));
        cfg.setMaximumPoolSize(4);
        cfg.setConnectionTimeout(1_000);
        cfg.setValidationTimeout(500);
        EmbeddedPostgres second = null;
        try (HikariDataSource pool = new HikariDataSource(cfg)) {
            JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(pool).migrate(true).build();
            CopyTradeExecutor ex = CopyTradeExecutor.builder().store(store).chainAdapter(venue).clock(clock)
                    .parallelism(1).build();
            AtomicInteger next = new AtomicInteger();
            CountDownLatch warm = new CountDownLatch(200);
            CountDownLatch felt = new CountDownLatch(1);
            AtomicBoolean back = new AtomicBoolean();
            CountDownLatch recovered = new CountDownLatch(200);
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService workers = Executors.newFixedThreadPool(4);
            for (int w = 0; w < 4; w++) {
                workers.submit(() -> {
                    for (int i = next.getAndIncrement(); i < cap && !stop.get(); i = next.getAndIncrement()) {
                        CopyResult r = ex.execute(trade(seed, i), follower);
                        results.put(i, r);
                        warm.countDown();
                        if (r.outcome() != CopyResult.Outcome.EXECUTED) {
                            felt.countDown();      // nothing but the outage fails an execution here
                        } else if (back.get()) {
                            recovered.countDown();
                        }
                    }
                });
            }
            assertThat(warm.await(2, TimeUnit.MINUTES)).isTrue();
            first.close();                 // the database goes away mid-run
            // the outage lasts until an execution has failed on it (each fails fast: 1 s connection timeout)
            assertThat(felt.await(2, TimeUnit.MINUTES)).as("seed=" + seed + ": the outage must have been felt")
                    .isTrue();
            second = server.start();       // and comes back on the same data and port
            back.set(true);
            boolean recoveredUnderLoad = recovered.await(5, TimeUnit.MINUTES);
            stop.set(true);
            workers.shutdown();
            assertThat(workers.awaitTermination(5, TimeUnit.MINUTES)).isTrue();
            assertThat(recoveredUnderLoad).as("seed=" + seed + ": executions succeed again under load").isTrue();

            long notRecorded = results.values().stream()
                    .filter(r -> r.outcome() == CopyResult.Outcome.NOT_RECORDED).count();
            assertThat(notRecorded + results.values().stream()
                    .filter(r -> r.outcome() == CopyResult.Outcome.IN_FLIGHT).count())
                    .as("seed=" + seed + ": the outage must have been felt").isPositive();
            VenueConsistency.assertNoOrphanOrder(store, venue, results, i -> trade(seed, i), follower, "seed=" + seed);
            assertThat(ex.execute(trade(seed, cap), follower).outcome()).as("recovers once the database is back")
                    .isEqualTo(CopyResult.Outcome.EXECUTED);
            VenueConsistency.assertResolvedAfterSweep(store, venue, clock, results.size() + 1, "seed=" + seed);
            ex.close();
        } finally {
            if (second != null) {
                second.close();
            }
        }
    }

    private static LeaderTrade trade(long seed, int i) {
        return LeaderTrade.builder().signalId(SignalId.venueFill("restart", seed + "-" + i))
                .leader("0x" + "a".repeat(40)).market("0x" + "e".repeat(64), "11", "restart").side("BUY")
                .price("0.40").size("10").timestamp(Instant.parse("2026-03-03T00:00:00Z")).build();
    }
}
