package dev.copytrade.jdbi;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.cap.CapLedger;
import dev.copytrade.core.debt.DebtLedger;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.testkit.BadInputContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Bad input at the door on PostgreSQL: "nothing half-written" proven on the real store, where a value
 * the database cannot hold (a NUL, a year it cannot store) would otherwise fail at every trade.
 */
class PostgresBadInputTest extends BadInputContract {
    private static HikariDataSource pool;
    private static JdbiCopyTradeStore store;
    private static JdbiCapLedger ledger;

    @BeforeAll
    static void open() {
        pool = SharedPostgres.newPool(8);
        TableNames tables = SharedPostgres.freshTables();
        store = JdbiCopyTradeStore.builder(pool).tableNames(tables).migrate(true).build();
        ledger = JdbiCapLedger.builder(pool).tableNames(tables).migrate(true).build();
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @Override
    protected CopyTradeStore store() {
        return store;
    }

    @Override
    protected CapLedger capLedger() {
        return ledger;
    }

    @Override
    protected DebtLedger debtLedger() {
        return store.debtLedger();
    }

    @Override
    protected int cases() {
        return 400;
    }
}
