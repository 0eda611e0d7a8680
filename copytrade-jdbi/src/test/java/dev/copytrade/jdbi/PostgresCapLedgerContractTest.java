package dev.copytrade.jdbi;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.cap.CapLedger;
import dev.copytrade.core.testkit.CapLedgerContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PostgresCapLedgerContractTest extends CapLedgerContract {
    private static HikariDataSource pool;
    private static JdbiCapLedger ledger;

    @BeforeAll
    static void open() {
        pool = SharedPostgres.newPool(20);
        ledger = JdbiCapLedger.builder(pool).tableNames(SharedPostgres.freshTables()).migrate(true).build();
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @Override
    protected CapLedger ledger() {
        return ledger;
    }
}
