package dev.copytrade.jdbi;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.mutex.ScopedTxMutex;
import dev.copytrade.core.testkit.ScopedTxMutexContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Core's mutex contract on PostgreSQL: one process's threads, queueing locally and holding advisory locks. */
class PostgresScopedTxMutexContractTest extends ScopedTxMutexContract {
    private static HikariDataSource pool;
    private static JdbiScopedTxMutex mutex;

    @BeforeAll
    static void open() {
        // the contract holds eight scopes at once, each lease keeping a connection
        pool = SharedPostgres.newPool(12);
        mutex = JdbiScopedTxMutex.builder(pool).tableNames(SharedPostgres.freshTables()).migrate(true).build();
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
