package dev.copytrade.jdbi;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.store.StoreException;

/**
 * A HikariCP pool with settings that suit copytrade: auto-commit (every store call is its own
 * commit), short connection timeout (a database that is down fails the prewrite fast, and nothing
 * is sent), bounded size. Hosts that own a pool pass their {@code DataSource} to the store instead.
 */
public final class CopyTradeDataSources {
    private CopyTradeDataSources() {}

    /**
     * @param jdbcUrl e.g. {@code jdbc:postgresql://localhost:5432/bot}; the password is never logged
     * @param maxPoolSize connections; about the number of signers executed in parallel plus two
     */
    public static HikariDataSource pool(String jdbcUrl, String user, String password, int maxPoolSize) {
        InvalidInputException.requireNonNull("jdbcUrl", jdbcUrl);
        if (!jdbcUrl.startsWith("jdbc:")) {
            throw new InvalidInputException("jdbcUrl", redact(jdbcUrl),
                    "must start with jdbc:");
        }
        if (maxPoolSize < 1 || maxPoolSize > 500) {
            throw new InvalidInputException("maxPoolSize", maxPoolSize, "must be in 1..500");
        }
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(jdbcUrl);
        if (user != null) {
            c.setUsername(user);
        }
        if (password != null) {
            c.setPassword(password);
        }
        c.setPoolName("copytrade");
        c.setMaximumPoolSize(maxPoolSize);
        c.setMinimumIdle(Math.min(2, maxPoolSize));
        c.setAutoCommit(true);
        c.setConnectionTimeout(5_000);
        c.setValidationTimeout(2_000);
        c.setMaxLifetime(30 * 60_000L);
        c.setIdleTimeout(10 * 60_000L);
        // fail at start-up with a clear error when the database is unreachable, rather than at the first trade
        c.setInitializationFailTimeout(5_000);
        // Hikari gives up at once when a connection dies while being set up (a backend terminated, a
        // failover), not only after initializationFailTimeout: keep trying for that long ourselves
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(5_000);
        while (true) {
            try {
                return new HikariDataSource(c);
            } catch (RuntimeException e) {
                if (System.nanoTime() + 250_000_000L >= deadline) {
                    throw cannotConnect(jdbcUrl, e);
                }
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while connecting to the copytrade database at " + redact(jdbcUrl),
                        ie);
            }
        }
    }

    private static StoreException cannotConnect(String jdbcUrl, RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return new StoreException("cannot connect to the copytrade database at " + redact(jdbcUrl) + ": "
                + root.getMessage(), e);
    }

    private static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)password=[^&;]*", "password=***");
    }

    public static HikariDataSource pool(String jdbcUrl, String user, String password) {
        return pool(jdbcUrl, user, password, 10);
    }
}
