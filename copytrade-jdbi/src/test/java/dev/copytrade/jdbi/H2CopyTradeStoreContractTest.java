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
    private static JdbiCopyTradeStore store;

    @BeforeAll
    static void open() {
        pool = H2.newPool();
        store = JdbiCopyTradeStore.builder(pool).migrate(true).build();
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
    protected DebtLedger debtLedger() {
        return store.debtLedger();
    }
}
