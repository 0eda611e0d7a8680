package dev.copytrade.jdbi;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.debt.DebtLedger;
import dev.copytrade.core.testkit.DebtLedgerContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Scenario: The debt ledger contract passes on PostgreSQL and on H2 (PostgreSQL)")
class PostgresDebtLedgerContractTest extends DebtLedgerContract {
    private static HikariDataSource pool;
    private static JdbiDebtLedger ledger;

    @BeforeAll
    static void open() {
        pool = SharedPostgres.newPool(20);
        ledger = JdbiDebtLedger.builder(pool).tableNames(SharedPostgres.freshTables()).migrate(true).build();
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @Override
    protected DebtLedger ledger() {
        return ledger;
    }
}
