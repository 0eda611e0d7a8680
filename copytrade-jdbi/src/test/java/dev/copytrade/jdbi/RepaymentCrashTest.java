package dev.copytrade.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.debt.Debt;
import dev.copytrade.core.debt.DebtAction;
import dev.copytrade.core.debt.DebtEvent;
import dev.copytrade.core.debt.DebtRecoveryLoop;
import dev.copytrade.core.debt.DebtRecoveryReport;
import dev.copytrade.core.debt.DebtSettler;
import dev.copytrade.core.debt.DebtStatus;
import dev.copytrade.core.debt.RepayResult;
import dev.copytrade.core.debt.Repayment;
import dev.copytrade.core.debt.RepaymentLookup;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.sim.SimulatedDebtSettler;
import dev.copytrade.core.testkit.Concurrently;
import dev.copytrade.core.testkit.Debts;
import dev.copytrade.core.testkit.Records;
import dev.copytrade.core.time.SettableClock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A repayment that was made but never recorded as made: the next loop must find it, not pay it again. */
class RepaymentCrashTest {

    @Test
    @DisplayName("Scenario: A loop killed between a successful repayment and the REPAID update is reconciled, not re-paid")
    void killedAfterRepaymentIsReconciled() throws Exception {
        TableNames names = SharedPostgres.freshTables();
        try (HikariDataSource pool = SharedPostgres.newPool(2)) {
            JdbiDebtLedger ledger = JdbiDebtLedger.builder(pool).tableNames(names).migrate(true).build();
            TableSettler chain = new TableSettler(pool, names);
            Debt debt = ledger.accrue(Debts.draft(Instant.now().minusSeconds(5))).debt();

            Process child = new ProcessBuilder(javaBinary(), "-cp", testClassPath(), RepayThenDie.class.getName(),
                    SharedPostgres.jdbcUrl(), names.prefix())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String applied;
            try {
                applied = Concurrently.start(() -> firstLineStartingWith(child, RepayThenDie.APPLIED))
                        .join(Concurrently.CHILD_JVM_SECONDS);
            } finally {
                child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally, no REPAID
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
            String key = Repayment.keyOf(debt.id(), 1);
            assertThat(applied).isEqualTo(RepayThenDie.APPLIED + key);
            assertThat(child.exitValue()).as("killed, not finished").isNotZero();
            Debt left = ledger.findById(debt.id()).orElseThrow();
            assertThat(left.status()).isEqualTo(DebtStatus.REPAYING);
            assertThat(left.repaymentKey()).isEqualTo(key);
            assertThat(left.leaseOwner()).isEqualTo(RepayThenDie.INSTANCE);
            assertThat(chain.paymentsOf(debt.id())).as("the money moved once").isEqualTo(1);

            // a new process, once the dead loop's lease has run out
            Clock later = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(3));
            DebtRecoveryReport report = DebtRecoveryLoop.builder(ledger, chain).clock(later).instanceId("survivor")
                    .build().runOnce();

            assertThat(report.repayments()).as("nothing was sent again").isZero();
            assertThat(report.repaid()).isEqualTo(1);
            Debt repaid = ledger.findById(debt.id()).orElseThrow();
            assertThat(repaid.status()).isEqualTo(DebtStatus.REPAID);
            assertThat(repaid.repaymentRef()).isEqualTo("tx-" + key);
            assertThat(chain.paymentsOf(debt.id())).as("still paid exactly once").isEqualTo(1);
            assertThat(chain.rows()).isEqualTo(1);
            assertThat(ledger.history(debt.id())).extracting(DebtEvent::action, DebtEvent::actor).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(DebtAction.ACCRUED, null),
                    org.assertj.core.groups.Tuple.tuple(DebtAction.ATTEMPT_STARTED, RepayThenDie.INSTANCE),
                    org.assertj.core.groups.Tuple.tuple(DebtAction.REPAID, "survivor"));
        }
    }

    @Test
    @DisplayName("Scenario: A repayment whose REPAID update fails is reconciled by the next loop, not re-paid")
    void failedRepaidWriteIsReconciled() {
        TableNames names = SharedPostgres.freshTables();
        SettableClock clock = new SettableClock(Records.T0);
        SimulatedDebtSettler chain = new SimulatedDebtSettler();
        List<Debt> debts;
        HikariDataSource doomedPool = SharedPostgres.newPool(2);
        try (HikariDataSource pool = SharedPostgres.newPool(2)) {
            JdbiDebtLedger ledger = JdbiDebtLedger.builder(pool).tableNames(names).migrate(true).build();
            Address proxy = Debts.freshWallet();
            // one debtor, batching on: one repayment settles both debts
            debts = List.of(ledger.accrue(Debts.draft(Debts.freshRecordId(), "reimburse", proxy, 1_000_000,
                            clock.instant())).debt(),
                    ledger.accrue(Debts.draft(Debts.freshRecordId(), "reimburse", proxy, 2_000_000,
                            clock.instant())).debt());
            // the loop's database goes away right after the settler paid: its REPAID writes cannot land
            DebtSettler payThenLoseTheDatabase = new DebtSettler() {
                @Override
                public RepayResult repay(Repayment repayment) {
                    RepayResult paid = chain.repay(repayment);
                    doomedPool.close();
                    return paid;
                }

                @Override
                public RepaymentLookup lookup(String idempotencyKey) {
                    return chain.lookup(idempotencyKey);
                }
            };
            JdbiDebtLedger doomedLedger = JdbiDebtLedger.builder(doomedPool).tableNames(names).build();
            DebtRecoveryReport first = DebtRecoveryLoop.builder(doomedLedger, payThenLoseTheDatabase).clock(clock)
                    .instanceId("doomed").batchRepayments(true, 10).build().runOnce();
            assertThat(first.repayments()).isEqualTo(1);
            assertThat(first.repaid()).isZero();
            assertThat(first.errors()).isEqualTo(2);
            for (Debt d : debts) {
                assertThat(ledger.findById(d.id()).orElseThrow().status()).isEqualTo(DebtStatus.REPAYING);
                assertThat(chain.timesPaid(d.id())).isEqualTo(1);
            }

            clock.advance(Duration.ofMinutes(3));
            DebtRecoveryReport second = DebtRecoveryLoop.builder(ledger, chain).clock(clock).instanceId("next")
                    .build().runOnce();

            assertThat(second.repayments()).as("nothing was sent again").isZero();
            assertThat(second.repaid()).isEqualTo(2);
            assertThat(chain.repayCalls()).isEqualTo(1);
            assertThat(chain.duplicateRepayments()).isZero();
            for (Debt d : debts) {
                Debt now = ledger.findById(d.id()).orElseThrow();
                assertThat(now.status()).isEqualTo(DebtStatus.REPAID);
                assertThat(chain.timesPaid(d.id())).isEqualTo(1);
            }
        } finally {
            doomedPool.close();
        }
    }

    private static String firstLineStartingWith(Process child, String prefix) throws Exception {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        }
        throw new AssertionError("the child process ended without applying a repayment (exit "
                + child.waitFor() + ")");
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Surefire runs tests from a manifest-only jar; it publishes the real class path in this property. */
    private static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
