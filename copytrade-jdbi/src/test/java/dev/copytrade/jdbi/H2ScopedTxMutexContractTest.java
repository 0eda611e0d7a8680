package dev.copytrade.jdbi;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.mutex.ScopedTxMutex;
import dev.copytrade.core.testkit.ScopedTxMutexContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Core's mutex contract on H2: row locks held by open transactions, the fence committed beside them. */
class H2ScopedTxMutexContractTest extends ScopedTxMutexContract {
    private static HikariDataSource pool;
    private static JdbiScopedTxMutex mutex;

    @BeforeAll
    static void open() {
        // eight scopes held at once, and an acquire borrows a second connection for its fence
        pool = H2.pool("mutex-contract", 20);
        mutex = JdbiScopedTxMutex.builder(pool).migrate(true).build();
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @Override
    protected ScopedTxMutex mutex() {
        return mutex;
    }
}
