package dev.copytrade.jdbi;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.cap.CapLedger;
import dev.copytrade.core.testkit.CapLedgerContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class H2CapLedgerContractTest extends CapLedgerContract {
    private static HikariDataSource pool;
    private static JdbiCapLedger ledger;

    @BeforeAll
    static void open() {
        pool = H2.newPool();
        ledger = JdbiCapLedger.builder(pool).migrate(true).build();
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
