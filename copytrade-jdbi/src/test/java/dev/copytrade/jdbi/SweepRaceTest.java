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
import dev.copytrade.core.store.TransitionResult;
import dev.copytrade.core.sweep.StaleSweeper;
import dev.copytrade.core.sweep.SweepReport;
import dev.copytrade.core.testkit.Records;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The sweeper and late executors resolving the same stale records at the same moment, on PostgreSQL. */
class SweepRaceTest {

    @Test
    @DisplayName("Scenario: A sweep racing an executor that finishes at the same moment has one winner (PostgreSQL)")
    void oneWinnerPerRecord() throws Exception {
        int n = 400;
        SettableClock clock = new SettableClock(Records.T0);
        try (HikariDataSource executorPool = SharedPostgres.newPool(4); HikariDataSource sweeperPool = SharedPostgres.newPool(4)) {
            TableNames tables = SharedPostgres.freshTables();
            JdbiCopyTradeStore executorSide = JdbiCopyTradeStore.builder(executorPool).tableNames(tables).migrate(true).build();
            JdbiCopyTradeStore sweeperSide = JdbiCopyTradeStore.builder(sweeperPool).tableNames(tables).build();
            List<CopyTradeRecord> submitted = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                CopyTradeRecord p = executorSide.prewrite(Records.pending(Records.T0.plusSeconds(60))).record();
                submitted.add(executorSide.transition(Transition.submitted(p.id(), Records.T0, null, null, Records.OWNER,
                        Records.T0.plusSeconds(60))).current());
            }
            clock.advance(Duration.ofSeconds(61));
            // the venue says every order was never received; the late executors say they were filled
            StaleSweeper sweeper = StaleSweeper.builder(sweeperSide, new NeverReceived()).clock(clock).batchSize(50)
                    .build();
            CyclicBarrier start = new CyclicBarrier(3);
            ExecutorService threads = Executors.newFixedThreadPool(3);
            Future<SweepReport> sweep = threads.submit(() -> {
                start.await(30, TimeUnit.SECONDS);
                return sweeper.runOnce();
            });
            List<Future<Integer>> late = new ArrayList<>();
            for (int half = 0; half < 2; half++) {
                int from = half;
                late.add(threads.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    int won = 0;
                    for (int i = from; i < n; i += 2) {
                        CopyTradeRecord r = submitted.get(i);
                        TransitionResult t = executorSide.transition(r, Transition.executed(r.id(), RecordStatus.SUBMITTED,
                                clock.instant(), Records.fill(), java.util.Map.of()));
                        won += t.applied() ? 1 : 0;
                    }
                    return won;
                }));
            }
            int executorWins = late.get(0).get(2, TimeUnit.MINUTES) + late.get(1).get(2, TimeUnit.MINUTES);
            SweepReport report = sweep.get(2, TimeUnit.MINUTES);
            threads.shutdown();

            long executed = executorSide.countByStatus().get(RecordStatus.EXECUTED);
            long expired = executorSide.countByStatus().get(RecordStatus.EXPIRED);
            assertThat(executed).as("executor wins are exactly the EXECUTED rows").isEqualTo(executorWins);
            assertThat(expired).as("sweeper wins are exactly the EXPIRED rows").isEqualTo(report.expired());
            assertThat(executed + expired).as("every record resolved exactly once").isEqualTo(n);
            assertThat(report.lost() + report.expired()).as("what the sweeper did not win, it lost").isEqualTo(
                    report.claimed());
        }
    }

    private static final class NeverReceived implements ChainAdapter {
        @Override
        public String venue() {
            return "race";
        }

        @Override
        public SubmitResult submit(PreparedOrder order) {
            throw new UnsupportedOperationException("the sweeper never submits");
        }

        @Override
        public LookupResult lookup(OrderLookup lookup) {
            return new LookupResult.NotFound();
        }
    }
}
