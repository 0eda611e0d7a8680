package dev.copytrade.jdbi;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.mutex.ScopedTxMutex;
import dev.copytrade.core.mutex.TxScope;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A bot process for the kill test, run in a JVM of its own: acquires one scope, prints {@link #MARKER}
 * and its fencing token, then holds the lease until it is killed. Arguments: JDBC URL, table prefix, scope.
 */
public final class MutexHolderProcess {
    static final String MARKER = "HOLDING token=";

    private MutexHolderProcess() {}

    public static void main(String[] args) throws Exception {
        HikariDataSource pool = CopyTradeDataSources.pool(args[0], "postgres", null, 2);
        JdbiScopedTxMutex mutex = JdbiScopedTxMutex.builder(pool).dialect(Dialect.POSTGRESQL)
                .tableNames(new TableNames(null, args[1])).holder("child-" + ProcessHandle.current().pid()).build();
        ScopedTxMutex.Lease lease = mutex.acquire(TxScope.of(args[2]), Duration.ofSeconds(30));
        System.out.println(MARKER + lease.fencingToken());
        System.out.flush();
        // never counted down: the lease is held until the parent kills this JVM
        new CountDownLatch(1).await();
    }
}
