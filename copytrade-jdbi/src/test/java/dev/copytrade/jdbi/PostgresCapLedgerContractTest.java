package dev.copytrade.jdbi;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.cap.CapLedger;
import dev.copytrade.core.testkit.CapLedgerContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PostgresCapLedgerContractTest extends CapLedgerContract {
    private static HikariDataSource pool;
    private static HikariDataSource otherPool;
    private static JdbiCapLedger ledger;
    private static JdbiCapLedger other;

    @BeforeAll
    static void open() {
        TableNames tables = SharedPostgres.freshTables();
        pool = SharedPostgres.newPool(20);
        otherPool = SharedPostgres.newPool(20);
        ledger = JdbiCapLedger.builder(pool).tableNames(tables).migrate(true).build();
        // another process as far as PostgreSQL can tell: its own pool on the same tables
        other = JdbiCapLedger.builder(otherPool).tableNames(tables).build();
    }

    @AfterAll
    static void close() {
        pool.close();
        otherPool.close();
    }

    @Override
    protected CapLedger ledger() {
        return ledger;
    }

    @Override
    protected CapLedger otherLedger() {
        return other;
    }
}
