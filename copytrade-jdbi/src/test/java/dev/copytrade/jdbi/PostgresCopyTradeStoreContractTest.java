package dev.copytrade.jdbi;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.debt.DebtLedger;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.testkit.CopyTradeStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Scenario: The contract suite passes on PostgreSQL and on H2 (PostgreSQL)")
class PostgresCopyTradeStoreContractTest extends CopyTradeStoreContract {
    private static HikariDataSource pool;
    private static HikariDataSource otherPool;
    private static JdbiCopyTradeStore store;
    private static JdbiCopyTradeStore other;

    @BeforeAll
    static void open() {
        TableNames tables = SharedPostgres.freshTables();
        pool = SharedPostgres.newPool(20);
        otherPool = SharedPostgres.newPool(20);
        store = JdbiCopyTradeStore.builder(pool).tableNames(tables).migrate(true).build();
        // another process as far as PostgreSQL can tell: its own pool on the same table
        other = JdbiCopyTradeStore.builder(otherPool).tableNames(tables).build();
    }

    @AfterAll
    static void close() {
        pool.close();
        otherPool.close();
    }

    @Override
    protected CopyTradeStore store() {
        return store;
    }

    @Override
    protected DebtLedger debtLedger() {
        return store.debtLedger();
    }

    @Override
    protected CopyTradeStore otherStore() {
        return other;
    }
}
