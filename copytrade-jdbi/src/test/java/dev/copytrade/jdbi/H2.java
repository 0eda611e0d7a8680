package dev.copytrade.jdbi;

import com.zaxxer.hikari.HikariDataSource;
import java.util.concurrent.atomic.AtomicInteger;

/** In-memory H2 databases for the light-dialect tests; each pool gets its own database unless named. */
final class H2 {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private H2() {}

    static HikariDataSource newPool() {
        return pool("copytrade" + DATABASES.incrementAndGet());
    }

    /** Pools opened with the same name share one database (two "processes" on H2). */
    static HikariDataSource pool(String name) {
        return pool(name, 8);
    }

    static HikariDataSource pool(String name, int size) {
        return CopyTradeDataSources.pool("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "", size);
    }
}
