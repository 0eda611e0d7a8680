package dev.copytrade.jdbi;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.cap.CapLedger;
import dev.copytrade.core.debt.DebtLedger;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.testkit.BadInputContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** Core's bad-input suite on the JDBI store, cap ledger and debt ledger of one dialect. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbiBadInputContract extends BadInputContract {
    private HikariDataSource pool;
    private JdbiCopyTradeStore store;
    private JdbiCapLedger ledger;

    /** A pool of the dialect under test; closed after the class. */
    protected abstract HikariDataSource newPool();

    protected abstract TableNames tables();

    @BeforeAll
    void open() {
        pool = newPool();
        TableNames tables = tables();
        store = JdbiCopyTradeStore.builder(pool).tableNames(tables).migrate(true).build();
        ledger = JdbiCapLedger.builder(pool).tableNames(tables).migrate(true).build();
    }

    @AfterAll
    void close() {
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
