package dev.copytrade.jdbi;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.cap.CapLedger;
import dev.copytrade.core.testkit.CapLedgerContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class H2CapLedgerContractTest extends CapLedgerContract {
    private static HikariDataSource pool;
    private static HikariDataSource otherPool;
    private static JdbiCapLedger ledger;
    private static JdbiCapLedger other;

    @BeforeAll
    static void open() {
        // two pools opened with one name share one in-memory database: two "processes" on H2
        String database = "caps-contract-" + ProcessHandle.current().pid();
        pool = H2.pool(database);
        otherPool = H2.pool(database);
        ledger = JdbiCapLedger.builder(pool).migrate(true).build();
        other = JdbiCapLedger.builder(otherPool).build();
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
