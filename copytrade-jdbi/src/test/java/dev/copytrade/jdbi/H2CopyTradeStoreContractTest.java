package dev.copytrade.jdbi;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.debt.DebtLedger;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.testkit.CopyTradeStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Scenario: The contract suite passes on PostgreSQL and on H2 (H2)")
class H2CopyTradeStoreContractTest extends CopyTradeStoreContract {
    private static HikariDataSource pool;
    private static HikariDataSource otherPool;
    private static JdbiCopyTradeStore store;
    private static JdbiCopyTradeStore other;

    @BeforeAll
    static void open() {
        // two pools opened with one name share one in-memory database: two "processes" on H2
        String database = "store-contract-" + ProcessHandle.current().pid();
        pool = H2.pool(database);
        otherPool = H2.pool(database);
        store = JdbiCopyTradeStore.builder(pool).migrate(true).build();
        other = JdbiCopyTradeStore.builder(otherPool).build();
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
