package dev.copytrade.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.debt.Debt;
import dev.copytrade.core.debt.DebtAction;
import dev.copytrade.core.debt.DebtDraft;
import dev.copytrade.core.debt.DebtEvent;
import dev.copytrade.core.debt.DebtLedger;
import dev.copytrade.core.debt.DebtRecoveryLoop;
import dev.copytrade.core.debt.DebtRecoveryReport;
import dev.copytrade.core.debt.DebtStatus;
import dev.copytrade.core.debt.Repayment;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.sim.SimulatedDebtSettler;
import dev.copytrade.core.sim.SimulatedDebtSettler.Outcome;
import dev.copytrade.core.testkit.Concurrently;
import dev.copytrade.core.testkit.Debts;
import dev.copytrade.core.testkit.Records;
import dev.copytrade.core.testkit.Seeds;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two recovery loops, each on its own connection pool (two bot processes as far as PostgreSQL can tell),
 * each driven by several threads at once, repaying one table of debts through one simulated settler whose
 * ledger is the ground truth. The settler misbehaves on a seeded share of repayments (refuses, loses the
 * answer after paying, throws after paying, never receives), so reconciliation and retries are part of
 * every run. The clock only moves between rounds, so within a round leases never lapse by themselves.
 */
class DebtRecoveryAcrossProcessesTest {
    private static final int DEBTS = 1_000;
    private static final int DEBTORS = 20;
    private static final int THREADS_PER_LOOP = 4;
    private static final int MAX_ROUNDS = 40;
    /** Past the longest backoff (1 hour) and the claim lease (2 minutes): everything unsettled is due again. */
    private static final Duration BETWEEN_ROUNDS = Duration.ofMinutes(61);

    @Test
    @DisplayName("Scenario: Two recovery loops with separate pools repay 1,000 debts exactly once")
    void twoLoopsRepayEachDebtOnce() {
        long seed = Seeds.seed();
        try (HikariDataSource poolA = SharedPostgres.newPool(THREADS_PER_LOOP);
                HikariDataSource poolB = SharedPostgres.newPool(THREADS_PER_LOOP)) {
            Run run = new Run(seed, poolA, poolB, poolA);
            run.settleEverything(null, null);
            run.assertEachDebtRepaidOnce();
        }
    }

    @Test
    @DisplayName("Scenario: Recovery loops whose database connections are killed mid-run still repay each debt once")
    void loopsSurviveKilledBackends() throws Exception {
        long seed = Seeds.seed();
        String app = "copytrade-debt-victim";
        AtomicInteger kills = new AtomicInteger();
        try (HikariDataSource poolA = CopyTradeDataSources.pool(SharedPostgres.jdbcUrl() + "&ApplicationName=" + app,
                        "postgres", null, THREADS_PER_LOOP);
                HikariDataSource poolB = CopyTradeDataSources.pool(SharedPostgres.jdbcUrl() + "&ApplicationName=" + app,
                        "postgres", null, THREADS_PER_LOOP);
                HikariDataSource admin = SharedPostgres.newPool(2)) {
            Run run = new Run(seed, poolA, poolB, admin);
            AtomicBoolean killing = new AtomicBoolean(true);
            CountDownLatch firstRound = new CountDownLatch(1);
            Thread killer = new Thread(() -> {
                Jdbi jdbi = Jdbi.create(admin);
                Random r = new Random(seed + 1);
                try {
                    firstRound.await();
                    while (killing.get()) {
                        kills.addAndGet(jdbi.withHandle(h -> h.createQuery("SELECT count(pg_terminate_backend(pid))"
                                + " FROM pg_stat_activity WHERE application_name = '" + app + "'"
                                + " AND pid <> pg_backend_pid()").mapTo(Integer.class).one()));
                        Thread.sleep(5 + r.nextInt(30));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "debt-backend-killer");
            killer.start();
            try {
                run.settleEverything(firstRound, killing);
            } finally {
                killing.set(false);
                killer.join();
            }
            assertThat(kills.get()).as("seed=" + seed + ": the test must actually kill backends").isPositive();
            assertThat(run.errors).as("seed=" + seed + ": the kills must actually hit the loops").isPositive();
            run.assertEachDebtRepaidOnce();
        }
    }

    /** One table of debts, the settler, the two loops and what they reported. */
    private static final class Run {
        final long seed;
        final SettableClock clock = new SettableClock(Records.T0);
        final SimulatedDebtSettler settler = new SimulatedDebtSettler();
        final JdbiDebtLedger a;
        final JdbiDebtLedger b;
        /** What the test reads through: a pool the killer leaves alone. */
        final JdbiDebtLedger observer;
        final DebtRecoveryLoop loopA;
        final DebtRecoveryLoop loopB;
        final Map<Long, Debt> accrued = new HashMap<>();
        final AtomicInteger claimedByA = new AtomicInteger();
        final AtomicInteger claimedByB = new AtomicInteger();
        /** Loop runs finished: what bounds a round (its length, 1,000 debts on PostgreSQL, is the machine's). */
        final AtomicLong runs = new AtomicLong();
        int errors;

        Run(long seed, HikariDataSource poolA, HikariDataSource poolB, HikariDataSource observerPool) {
            this.seed = seed;
            TableNames tables = SharedPostgres.freshTables();
            a = JdbiDebtLedger.builder(poolA).tableNames(tables).migrate(true).build();
            b = JdbiDebtLedger.builder(poolB).tableNames(tables).migrate(true).build();
            observer = JdbiDebtLedger.builder(observerPool).tableNames(tables).build();
            // decided by the key, so a second call with the same key could never be told a different story
            settler.setRule(r -> misbehaviour(seed, r));
            loopA = loop(a, "loop-a", seed);
            loopB = loop(b, "loop-b", seed + 2);
            Random random = new Random(seed);
            List<Address> debtors = new ArrayList<>();
            for (int i = 0; i < DEBTORS; i++) {
                debtors.add(Debts.freshWallet());
            }
            List<DebtDraft> drafts = new ArrayList<>(DEBTS);
            for (int i = 0; i < DEBTS; i++) {
                drafts.add(Debts.draft(Debts.freshRecordId(), "reimburse", debtors.get(random.nextInt(DEBTORS)),
                        1 + random.nextInt(50_000_000), clock.instant()));
            }
            observer.accrueAll(drafts).forEach(r -> accrued.put(r.debt().id(), r.debt()));
            assertThat(accrued).hasSize(DEBTS);
        }

        private DebtRecoveryLoop loop(DebtLedger ledger, String id, long seed) {
            // maxAttempts high: under killed connections an attempt may be proven never received several times
            return DebtRecoveryLoop.builder(ledger, settler).clock(clock).instanceId(id).batchSize(25)
                    .maxAttempts(1_000).random(new Random(seed)).build();
        }

        private static Outcome misbehaviour(long seed, Repayment r) {
            int roll = new Random(seed ^ r.idempotencyKey().hashCode()).nextInt(100);
            if (roll < 5) {
                return Outcome.UNKNOWN_AFTER_APPLY;
            }
            if (roll < 8) {
                return Outcome.THROW_AFTER_APPLY;
            }
            if (roll < 11) {
                return Outcome.FAIL;
            }
            if (roll < 13) {
                return Outcome.UNKNOWN_BEFORE_APPLY;
            }
            return Outcome.PAY;
        }

        /**
         * Rounds of both loops draining at once, the clock moved on between rounds, until all is repaid.
         * With a killer: {@code started} lets it go when the first round starts, and {@code killing} is
         * cleared after three rounds, so the last rounds run on a healthy database.
         */
        void settleEverything(CountDownLatch started, AtomicBoolean killing) {
            for (int round = 0; round < MAX_ROUNDS; round++) {
                if (started != null) {
                    started.countDown();
                }
                List<Integer> roundErrors = Concurrently.run(2 * THREADS_PER_LOOP, runs::get, t -> drain(
                        t < THREADS_PER_LOOP ? loopA : loopB, t < THREADS_PER_LOOP ? claimedByA : claimedByB, runs));
                errors += roundErrors.stream().mapToInt(Integer::intValue).sum();
                if (killing != null && round >= 2) {
                    killing.set(false);
                }
                clock.advance(BETWEEN_ROUNDS);
                if ((killing == null || !killing.get()) && observer.countByStatus().get(DebtStatus.REPAID) == DEBTS) {
                    return;
                }
            }
        }

        /** Runs the loop until a run claims nothing; returns the errors its runs reported. */
        private static int drain(DebtRecoveryLoop loop, AtomicInteger claimed, AtomicLong runs) {
            int errors = 0;
            DebtRecoveryReport report;
            do {
                report = loop.runOnce();
                runs.incrementAndGet();
                claimed.addAndGet(report.claimed());
                errors += report.errors();
            } while (report.claimed() > 0);
            return errors;
        }

        void assertEachDebtRepaidOnce() {
            String context = "seed=" + seed;
            assertThat(observer.countByStatus()).as(context).containsEntry(DebtStatus.REPAID, (long) DEBTS);
            assertThat(settler.duplicateRepayments()).as(context + ": no key was sent twice").isZero();
            assertThat(claimedByA.get()).as(context + ": loop A worked").isPositive();
            assertThat(claimedByB.get()).as(context + ": loop B worked").isPositive();
            Map<Long, SimulatedDebtSettler.Payment> paidFor = new HashMap<>();
            for (SimulatedDebtSettler.Payment p : settler.payments()) {
                if (p.paid()) {
                    for (long id : p.repayment().debtIds()) {
                        assertThat(paidFor.put(id, p)).as(context + ": debt " + id + " paid twice").isNull();
                    }
                }
            }
            assertThat(paidFor.keySet()).as(context + ": the settler paid exactly the accrued debts")
                    .isEqualTo(accrued.keySet());
            Function<Debt, String> owner = d -> context + " debt " + d.id();
            for (Debt accruedDebt : accrued.values()) {
                Debt now = observer.findById(accruedDebt.id()).orElseThrow();
                SimulatedDebtSettler.Payment paid = paidFor.get(now.id());
                assertThat(paid.repayment().amount()).as(owner.apply(now)).isEqualTo(accruedDebt.amount());
                assertThat(now.repaymentRef()).as(owner.apply(now)).isEqualTo(paid.reference());
                assertThat(now.repaymentKey()).as(owner.apply(now)).isEqualTo(paid.repayment().idempotencyKey());
                List<DebtEvent> history = observer.history(now.id());
                assertThat(history.get(0).action()).as(owner.apply(now)).isEqualTo(DebtAction.ACCRUED);
                assertThat(history.get(history.size() - 1).action()).as(owner.apply(now)).isEqualTo(DebtAction.REPAID);
                assertThat(history).as(owner.apply(now)).filteredOn(e -> e.action() == DebtAction.REPAID).hasSize(1);
            }
            Instant never = clock.instant().plus(Duration.ofDays(3650));
            assertThat(observer.claimDue(never, 10, "after", never.plusSeconds(1))).as(context + ": nothing left due").isEmpty();
        }
    }
}
