package dev.copytrade.jdbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.debt.Debt;
import dev.copytrade.core.debt.DebtAction;
import dev.copytrade.core.debt.DebtDraft;
import dev.copytrade.core.debt.DebtEvent;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.record.Transition;
import dev.copytrade.core.store.StoreException;
import dev.copytrade.core.store.TransitionResult;
import dev.copytrade.core.testkit.Debts;
import dev.copytrade.core.testkit.Records;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** PostgreSQL-only behaviour of the debt tables that the dialect-neutral contracts cannot state. */
class PostgresDebtBehaviourTest {
    private static final Instant AT = Records.T0.plusSeconds(10);
    private static HikariDataSource pool;

    @BeforeAll
    static void open() {
        pool = SharedPostgres.newPool(8);
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    private static CopyTradeRecord submitted(JdbiCopyTradeStore store) {
        CopyTradeRecord pending = store.prewrite(Records.pending(Records.T0.plusSeconds(600))).record();
        TransitionResult r = store.transition(Transition.submitted(pending.id(), Records.T0.plusSeconds(1), "ref-"
                + pending.id(), null, Records.OWNER, Records.T0.plusSeconds(600)));
        assertThat(r.applied()).isTrue();
        return r.current();
    }

    private static Transition executedOwing(CopyTradeRecord r, Address proxy, String leg) {
        return Transition.executed(r.id(), RecordStatus.SUBMITTED, AT, Records.fill(), Map.of())
                .withDebts(List.of(Debts.draft(r.id(), leg, proxy, Debts.AMOUNT, AT)));
    }

    @Test
    @DisplayName("Scenario: A debt the database refuses leaves the record's final state unwritten")
    void refusedDebtRollsBackTheTransition() {
        TableNames names = SharedPostgres.freshTables();
        JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(pool).tableNames(names).migrate(true).build();
        Jdbi jdbi = Jdbi.create(pool);
        ServerSideFailure.refuseInserts(jdbi, names.debtTable(), names.debtName(), "leg_id", "poison");
        Address proxy = Debts.freshWallet();

        CopyTradeRecord one = submitted(store);
        assertThatThrownBy(() -> store.transition(one, executedOwing(one, proxy, "poison")))
                .isInstanceOf(StoreException.class).hasMessageContaining(ServerSideFailure.MESSAGE);
        assertThat(store.findById(one.id())).as("the record did not move").contains(one);

        // a batch (one PostgreSQL transaction): the refused debt of the last record undoes all three
        List<CopyTradeRecord> batch = List.of(submitted(store), submitted(store), submitted(store));
        List<Transition> finals = List.of(executedOwing(batch.get(0), proxy, "reimburse"),
                Transition.failed(batch.get(1).id(), RecordStatus.SUBMITTED, AT, ReasonCode.VENUE_REJECTED, "no"),
                executedOwing(batch.get(2), proxy, "poison"));
        assertThatThrownBy(() -> store.transitionAll(finals)).isInstanceOf(StoreException.class)
                .hasMessageContaining(ServerSideFailure.MESSAGE);
        for (CopyTradeRecord r : batch) {
            assertThat(store.findById(r.id())).as("record %d did not move", r.id()).contains(r);
        }
        assertThat(store.debtLedger().openAmountOwedBy(proxy, "USDC")).as("no debt was recorded").isZero();

        // once the database accepts the debt again, the same final write records the trade and its debt together
        ServerSideFailure.allowInserts(jdbi, names.debtTable(), names.debtName());
        TransitionResult done = store.transition(one, executedOwing(one, proxy, "poison"));
        assertThat(done.applied()).isTrue();
        assertThat(store.debtLedger().findByRecord(one.id())).singleElement()
                .satisfies(d -> assertThat(d.amount()).isEqualTo(Debts.AMOUNT));
    }

    @Test
    @DisplayName("Scenario: A batch of final writes records the debts of the applied transitions only")
    void batchRecordsOnlyTheWinnersDebts() {
        TableNames names = SharedPostgres.freshTables();
        JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(pool).tableNames(names).migrate(true).build();
        JdbiDebtLedger ledger = store.debtLedger();
        Address proxy = Debts.freshWallet();
        CopyTradeRecord won = submitted(store);
        CopyTradeRecord alreadyOwing = submitted(store);
        CopyTradeRecord lost = submitted(store);
        assertThat(store.transition(Transition.failed(lost.id(), RecordStatus.SUBMITTED, AT, ReasonCode.VENUE_REJECTED,
                "first")).applied()).isTrue();
        Debt earlier = ledger.accrue(Debts.draft(alreadyOwing.id(), "reimburse", proxy, 7, AT)).debt();

        List<TransitionResult> results = store.transitionAll(List.of(executedOwing(won, proxy, "reimburse"),
                executedOwing(alreadyOwing, proxy, "reimburse"), executedOwing(lost, proxy, "reimburse")));

        assertThat(results).extracting(TransitionResult::applied).containsExactly(true, true, false);
        Debt owed = ledger.findByLeg(won.id(), "reimburse").orElseThrow();
        DebtDraft asked = results.get(0).transition().debts().get(0);
        assertThat(owed).isEqualTo(asked.toDebt(owed.id()));
        assertThat(ledger.history(owed.id())).containsExactly(DebtEvent.accrued(owed));
        assertThat(ledger.findByRecord(alreadyOwing.id())).as("a leg already recorded is not recorded again")
                .containsExactly(earlier);
        assertThat(ledger.history(earlier.id())).extracting(DebtEvent::action).containsExactly(DebtAction.ACCRUED);
        assertThat(ledger.findByRecord(lost.id())).as("the losing transition left no debt").isEmpty();
        assertThat(ledger.openAmountOwedBy(proxy, "USDC")).isEqualTo(Debts.AMOUNT + 7);
    }

    @Test
    @DisplayName("Scenario: A database migrated before V4 gains the debt tables on the next migrate")
    void olderDatabaseGainsTheDebtTables() {
        TableNames names = SharedPostgres.freshTables();
        Jdbi jdbi = Jdbi.create(pool);
        // what a build without the debt ledger left behind: V1 and V2 applied and recorded
        jdbi.useTransaction(h -> {
            h.execute("CREATE TABLE " + names.versionTable() + " (version INTEGER PRIMARY KEY, script VARCHAR(200)"
                    + " NOT NULL, applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL)");
            for (String script : List.of("V1__copytrade_record.sql", "V2__copytrade_caps.sql")) {
                for (String statement : CopyTradeSchema.render(Dialect.POSTGRESQL, names, script).split(";\\s*\\n")) {
                    String sql = statement.lines().filter(l -> !l.trim().startsWith("--"))
                            .collect(java.util.stream.Collectors.joining("\n")).strip();
                    if (!sql.isEmpty()) {
                        h.execute(sql);
                    }
                }
                h.execute("INSERT INTO " + names.versionTable() + " (version, script) VALUES (?, ?)",
                        Integer.parseInt(script.substring(1, 2)), script);
            }
        });
        JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(pool).tableNames(names).migrate(true).build();

        List<Integer> versions = jdbi.withHandle(h -> h.createQuery("SELECT version FROM " + names.versionTable()
                + " ORDER BY version").mapTo(Integer.class).list());
        assertThat(versions).contains(1, 2, 4).doesNotHaveDuplicates();
        CopyTradeRecord r = submitted(store);
        assertThat(store.transition(executedOwing(r, Debts.freshWallet(), "reimburse")).applied()).isTrue();
        assertThat(store.debtLedger().findByRecord(r.id())).hasSize(1);
    }

    @Test
    @DisplayName("Scenario: The debt claim reads the partial index, not the table")
    void claimUsesThePartialIndex() {
        TableNames names = SharedPostgres.freshTables();
        JdbiDebtLedger ledger = JdbiDebtLedger.builder(pool).tableNames(names).migrate(true).build();
        List<DebtDraft> drafts = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            drafts.add(Debts.draft(AT));
        }
        List<Debt> debts = ledger.accrueAll(drafts).stream().map(r -> r.debt()).toList();
        // all but one in a hundred settled: the history a long-running bot accumulates
        Jdbi jdbi = Jdbi.create(pool);
        jdbi.useHandle(h -> {
            h.execute("UPDATE " + names.debtTable() + " SET status = 'REPAID', repayment_key = 'k', repayment_ref = 'r'"
                    + " WHERE MOD(id, 100) <> 0");
            h.execute("ANALYZE " + names.debtTable());
        });
        List<String> lines = jdbi.withHandle(h -> h.createQuery("EXPLAIN SELECT id FROM " + names.debtTable()
                + " WHERE status IN ('OPEN', 'REPAYING') AND next_attempt_at <= now() AND (lease_until IS NULL"
                + " OR lease_until <= now()) ORDER BY next_attempt_at, id LIMIT 100 FOR UPDATE SKIP LOCKED")
                .mapTo(String.class).list());
        String plan = String.join("\n", lines);
        assertThat(plan).as(plan).contains(names.debtName() + "_due_ix").doesNotContain("Seq Scan");
        assertThat(ledger.claimDue(AT, 1000, "loop", AT.plusSeconds(60))).as("only the open ones are claimed")
                .hasSize((int) debts.stream().filter(d -> d.id() % 100 == 0).count());
    }
}
