package dev.copytrade.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.chain.ChainAdapter;
import dev.copytrade.core.chain.LookupResult;
import dev.copytrade.core.chain.OrderLookup;
import dev.copytrade.core.chain.PreparedOrder;
import dev.copytrade.core.chain.SubmitResult;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.record.Transition;
import dev.copytrade.core.sweep.StaleSweeper;
import dev.copytrade.core.sweep.SweepReport;
import dev.copytrade.core.testkit.Concurrently;
import dev.copytrade.core.testkit.Records;
import dev.copytrade.core.testkit.Seeds;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code StaleSweeper.exclusive} with {@link JdbiScopedTxMutex}: two sweepers, each with its own pool, store
 * and mutex (two bot processes), on one database.
 */
class ExclusiveSweepAcrossProcessesTest {

    /** One sweeping "process": its pool, and a sweeper on its own store and mutex over the shared tables. */
    private record Process(HikariDataSource pool, JdbiCopyTradeStore store, JdbiScopedTxMutex mutex) implements
            AutoCloseable {
        static Process open(TableNames tables) {
            HikariDataSource pool = SharedPostgres.newPool(4);
            return new Process(pool, JdbiCopyTradeStore.builder(pool).tableNames(tables).migrate(true).build(),
                    JdbiScopedTxMutex.builder(pool).tableNames(tables).build());
        }

        StaleSweeper sweeper(ChainAdapter venue, SettableClock clock, String name) {
            return StaleSweeper.builder(store, venue).clock(clock).batchSize(5).exclusive(mutex).instanceId(name).build();
        }

        @Override
        public void close() {
            pool.close();
        }
    }

    @Test
    @DisplayName("Scenario: Two sweepers on two pools never sweep at the same time")
    void aSecondProcessSkipsWhileTheFirstSweeps() {
        TableNames tables = SharedPostgres.freshTables();
        SettableClock clock = new SettableClock(Records.T0);
        try (Process first = Process.open(tables); Process second = Process.open(tables)) {
            leaveStale(first.store(), 20);
            clock.advance(Duration.ofSeconds(61));
            GatedVenue gated = new GatedVenue();
            StaleSweeper a = first.sweeper(gated, clock, "sweeper-a");
            StaleSweeper b = second.sweeper(new CountingVenue(new LookupResult.NotFound()), clock, "sweeper-b");

            Concurrently.Task<SweepReport> running = Concurrently.start(a::runOnce);
            gated.awaitEntered();
            assertThat(b.runOnce()).as("the other process is mid-sweep").isSameAs(SweepReport.SKIPPED);
            gated.release();

            SweepReport done = running.join();
            assertThat(done.claimed()).isEqualTo(20);
            assertThat(done.expired()).isEqualTo(20);
            assertThat(b.runOnce()).as("once the first is done, the second sweeps").isNotSameAs(SweepReport.SKIPPED);
        }
    }

    @Test
    @DisplayName("two processes, three threads each, sweeping over and over: never two sweeps at once")
    void sweepsOfTwoProcessesNeverOverlap() {
        long seed = Seeds.seed();
        TableNames tables = SharedPostgres.freshTables();
        SettableClock clock = new SettableClock(Records.T0);
        try (Process first = Process.open(tables); Process second = Process.open(tables)) {
            leaveStale(first.store(), 30);
            clock.advance(Duration.ofSeconds(61));
            // the venue never knows: every record turns UNKNOWN and is looked up again by every sweep that runs
            CountingVenue venue = new CountingVenue(new LookupResult.Unknown("venue cannot tell"));
            StaleSweeper a = first.sweeper(venue, clock, "sweeper-a");
            StaleSweeper b = second.sweeper(venue, clock, "sweeper-b");
            AtomicInteger swept = new AtomicInteger();

            Concurrently.run(6, i -> {
                StaleSweeper sweeper = i % 2 == 0 ? a : b;
                Random random = new Random(seed + i);
                for (int k = 0; k < 40; k++) {
                    venue.yieldEvery = 1 + random.nextInt(4);
                    SweepReport report = sweeper.runOnce();
                    venue.runEnded();
                    if (report != SweepReport.SKIPPED) {
                        swept.incrementAndGet();
                    }
                }
                return null;
            });

            assertThat(swept.get()).as("seed=" + seed + " sweeps that ran").isPositive();
            assertThat(venue.lookups.get()).as("seed=" + seed + " lookups").isPositive();
            assertThat(venue.maxConcurrentSweeps.get()).as("seed=" + seed + " sweeps running at once").isEqualTo(1);
            assertThat(first.store().countByStatus().get(RecordStatus.UNKNOWN)).isEqualTo(30);
        }
    }

    private static void leaveStale(JdbiCopyTradeStore store, int n) {
        for (int i = 0; i < n; i++) {
            CopyTradeRecord p = store.prewrite(Records.pending(Records.T0.plusSeconds(60))).record();
            store.transition(Transition.submitted(p.id(), Records.T0, null, null, Records.OWNER, Records.T0.plusSeconds(60)));
        }
    }

    /** A venue for the sweeper only: it never sends. */
    private abstract static class LookupOnlyVenue implements ChainAdapter {
        @Override
        public String venue() {
            return "sweep-test";
        }

        @Override
        public SubmitResult submit(PreparedOrder order) {
            throw new UnsupportedOperationException("a sweeper never submits");
        }
    }

    /** Blocks the first lookup until released, so its sweep is provably in progress meanwhile. */
    private static final class GatedVenue extends LookupOnlyVenue {
        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        void awaitEntered() {
            await(entered);
        }

        void release() {
            released.countDown();
        }

        @Override
        public LookupResult lookup(OrderLookup lookup) {
            entered.countDown();
            await(released);
            return new LookupResult.NotFound();
        }

        private static void await(CountDownLatch latch) {
            try {
                assertThat(latch.await(Concurrently.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * Counts the sweeps in progress: a sweep starts at its thread's first lookup and ends when its
     * {@code runOnce} returns (the test calls {@link #runEnded()}), a span that lies inside its lease.
     */
    private static final class CountingVenue extends LookupOnlyVenue {
        private final LookupResult answer;
        private final ThreadLocal<Boolean> sweeping = ThreadLocal.withInitial(() -> false);
        private final AtomicInteger sweeps = new AtomicInteger();
        final AtomicInteger maxConcurrentSweeps = new AtomicInteger();
        final AtomicInteger lookups = new AtomicInteger();
        volatile int yieldEvery = 1;

        CountingVenue(LookupResult answer) {
            this.answer = answer;
        }

        @Override
        public LookupResult lookup(OrderLookup lookup) {
            if (!sweeping.get()) {
                sweeping.set(true);
                maxConcurrentSweeps.accumulateAndGet(sweeps.incrementAndGet(), Math::max);
            }
            if (lookups.incrementAndGet() % yieldEvery == 0) {
                // gives a second, unexcluded sweep every chance to start while this one is in progress
                Thread.yield();
            }
            return answer;
        }

        void runEnded() {
            if (sweeping.get()) {
                sweeping.set(false);
                sweeps.decrementAndGet();
            }
        }
    }
}
