package dev.copytrade.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.debt.Debt;
import dev.copytrade.core.debt.DebtAction;
import dev.copytrade.core.debt.DebtEvent;
import dev.copytrade.core.debt.DebtStatus;
import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.sweep.StaleSweeper;
import dev.copytrade.core.sweep.SweepReport;
import dev.copytrade.core.testkit.Debts;
import dev.copytrade.core.testkit.Records;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The executor on PostgreSQL with a float-and-reimburse venue: the bot buys with its own USDC and pulls
 * the reimbursement from the follower's proxy; that pull fails. The trade and the debt it leaves are one
 * database transaction, proven by making the database refuse the debt.
 */
class ExecutionDebtOnPostgresTest {
    private static HikariDataSource pool;

    @BeforeAll
    static void open() {
        pool = SharedPostgres.newPool(8);
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    private record Rig(TableNames names, JdbiCopyTradeStore store, JdbiDebtLedger ledger, SettableClock clock,
            SimulatedChainAdapter venue, CopyTradeExecutor executor) {}

    private static Rig rig() {
        TableNames names = SharedPostgres.freshTables();
        JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(pool).tableNames(names).migrate(true).build();
        SettableClock clock = new SettableClock(Records.T0);
        SimulatedChainAdapter venue = new SimulatedChainAdapter(clock, Duration.ZERO)
                .floatAndReimburse(Debts.BOT, order -> true);
        CopyTradeExecutor executor = CopyTradeExecutor.builder().store(store).chainAdapter(venue).clock(clock)
                .parallelism(1).build();
        return new Rig(names, store, store.debtLedger(), clock, venue, executor);
    }

    private static Follower proxyFollower() {
        return Follower.eoa(Records.unique("proxy-follower"), Debts.freshWallet().value(),
                CopyPolicy.fixed(Usdc.of("5")).build());
    }

    @Test
    @DisplayName("Scenario: A multi-leg execution on PostgreSQL whose reimbursement leg fails leaves an EXECUTED record and one OPEN debt")
    void failedReimbursementLeavesOneOpenDebt() {
        Rig rig = rig();
        Follower follower = proxyFollower();
        var trade = Records.trade();

        CopyResult result = rig.executor().execute(trade, follower);

        assertThat(result.outcome()).isEqualTo(CopyResult.Outcome.EXECUTED);
        CopyTradeRecord executed = rig.store().findById(result.record().id()).orElseThrow();
        assertThat(executed.status()).isEqualTo(RecordStatus.EXECUTED);
        Debt debt = rig.ledger().findByRecord(executed.id()).stream().reduce((x, y) -> {
            throw new AssertionError("more than one debt: " + x + ", " + y);
        }).orElseThrow();
        assertThat(debt.status()).isEqualTo(DebtStatus.OPEN);
        assertThat(debt.legId()).isEqualTo(SimulatedChainAdapter.REIMBURSE_LEG);
        assertThat(debt.debtor()).isEqualTo(follower.wallet());
        assertThat(debt.creditor()).isEqualTo(Debts.BOT);
        assertThat(debt.amount()).isEqualTo(executed.fill().notional().micros());
        assertThat(debt.createdAt()).isEqualTo(executed.updatedAt());
        assertThat(rig.ledger().history(debt.id())).extracting(DebtEvent::action).containsExactly(DebtAction.ACCRUED);

        // the same leader trade again (a second feed): no order, no second debt
        assertThat(rig.executor().execute(trade, follower).outcome()).isEqualTo(CopyResult.Outcome.DUPLICATE);
        assertThat(rig.venue().submitCalls()).isEqualTo(1);
        assertThat(rig.ledger().findByRecord(executed.id())).containsExactly(debt);
        assertThat(rig.ledger().openAmountOwedBy(follower.wallet(), "USDC")).isEqualTo(debt.amount());
    }

    @Test
    @DisplayName("Scenario: A debt the database refuses keeps the executed trade unrecorded until the sweep records both")
    void refusedDebtKeepsTradeAndDebtTogether() {
        Rig rig = rig();
        Jdbi jdbi = Jdbi.create(pool);
        ServerSideFailure.refuseInserts(jdbi, rig.names().debtTable(), rig.names().debtName(), "leg_id",
                SimulatedChainAdapter.REIMBURSE_LEG);
        List<Follower> followers = List.of(proxyFollower(), proxyFollower(), proxyFollower());

        List<CopyResult> results = rig.executor().executeAll(Records.trade(), followers);

        assertThat(results).extracting(CopyResult::outcome).containsOnly(CopyResult.Outcome.IN_FLIGHT);
        assertThat(rig.venue().receivedCount()).as("the orders did leave and fill").isEqualTo(3);
        List<Long> ids = new ArrayList<>();
        for (CopyResult r : results) {
            ids.add(r.record().id());
            assertThat(rig.store().findById(r.record().id()).orElseThrow().status())
                    .as("the final state was rolled back with its debt").isEqualTo(RecordStatus.PENDING);
            assertThat(rig.ledger().findByRecord(r.record().id())).isEmpty();
        }

        // the database accepts debts again; once the leases run out the sweep asks the venue, which reports
        // the fill and the failed leg: one batch writes all three verdicts and their debts together
        ServerSideFailure.allowInserts(jdbi, rig.names().debtTable(), rig.names().debtName());
        rig.clock().advance(Duration.ofMinutes(11));
        SweepReport sweep = StaleSweeper.builder(rig.store(), rig.venue()).clock(rig.clock()).build().runOnce();

        assertThat(sweep.executed()).isEqualTo(3);
        for (int i = 0; i < ids.size(); i++) {
            CopyTradeRecord r = rig.store().findById(ids.get(i)).orElseThrow();
            assertThat(r.status()).isEqualTo(RecordStatus.EXECUTED);
            List<Debt> debts = rig.ledger().findByRecord(r.id());
            assertThat(debts).singleElement().satisfies(d -> {
                assertThat(d.status()).isEqualTo(DebtStatus.OPEN);
                assertThat(d.amount()).isEqualTo(r.fill().notional().micros());
            });
            assertThat(debts.get(0).debtor()).isEqualTo(followers.get(i).wallet());
        }
        assertThat(rig.venue().submitCalls()).as("nothing was sent again").isEqualTo(3);
    }
}
