package dev.copytrade.jdbi;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.cap.CapLedger;
import dev.copytrade.core.debt.DebtLedger;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.testkit.BadInputContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Bad input at the door on H2, the light dialect: a value
 * the database cannot hold must be refused at the door here too.
 */
class H2BadInputTest extends BadInputContract {
    private static HikariDataSource pool;
    private static JdbiCopyTradeStore store;
    private static JdbiCapLedger ledger;

    @BeforeAll
    static void open() {
        pool = H2.newPool();
        TableNames tables = TableNames.defaults();
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
