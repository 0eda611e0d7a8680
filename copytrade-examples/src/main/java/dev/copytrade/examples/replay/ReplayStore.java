package dev.copytrade.examples.replay;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.store.StoreException;
import dev.copytrade.jdbi.CopyTradeDataSources;
import dev.copytrade.jdbi.Dialect;
import dev.copytrade.jdbi.JdbiCopyTradeStore;
import dev.copytrade.jdbi.TableNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The store a replay writes to, and what to tell the user about it: an H2 file database (the
 * default, kept between runs), any JDBC database copytrade-jdbi speaks (PostgreSQL), or memory.
 */
public final class ReplayStore implements AutoCloseable {
    /** Relative to the working directory; {@code /data/} is git-ignored at the repository root. */
    public static final Path DEFAULT_H2_FILE = Path.of("data", "copytrade-replay");

    /** Own tables, so pointing the demo at a real bot's database never mixes the demo's records into its tables. */
    static final String TABLE_PREFIX = "copytrade_replay_";
    /**
     * A dry run's records are SKIPPED/DRY_RUN under the same idempotency keys a live run would use, so
     * sharing tables would make the next live run recognise every trade and send nothing.
     */
    static final String DRY_RUN_TABLE_PREFIX = "copytrade_replay_dry_";

    /** H2 keeps one database in these files; {@code .trace.db} appears only when H2 logs an error. */
    private static final List<String> H2_SUFFIXES = List.of(".mv.db", ".trace.db");

    private final CopyTradeStore store;
    private final String label;
    private final HikariDataSource pool;

    private ReplayStore(CopyTradeStore store, String label, HikariDataSource pool) {
        this.store = store;
        this.label = label;
        this.pool = pool;
    }

    public static ReplayStore inMemory() {
        return new ReplayStore(new InMemoryCopyTradeStore(), "in memory (forgotten when the run ends)", null);
    }

    /**
     * The H2 database in {@code <base>.mv.db}, created on first use. No {@code DB_CLOSE_DELAY}: the
     * database closes, fully written, when the pool closes its last connection at the end of the run.
     *
     * @throws StoreException when the file cannot be opened (e.g. another run holds it)
     */
    public static ReplayStore h2File(Path base, boolean dryRun) {
        Path abs = base.toAbsolutePath().normalize();
        try {
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
        } catch (IOException e) {
            throw new StoreException("cannot create the directory of the H2 database " + abs + ": " + e, e);
        }
        String url = "jdbc:h2:file:" + abs;
        return open(url, null, null, dryRun, "H2 file database " + abs + ".mv.db");
    }

    /**
     * Any database copytrade-jdbi speaks, by JDBC URL (PostgreSQL in practice).
     *
     * @throws StoreException naming the URL (password redacted) when it cannot be reached or migrated
     */
    public static ReplayStore jdbc(String jdbcUrl, String user, String password, boolean dryRun) {
        return open(jdbcUrl, user, password, dryRun, null);
    }

    /** {@code where} null: named by the detected dialect and the URL. */
    private static ReplayStore open(String url, String user, String password, boolean dryRun, String where) {
        TableNames tables = new TableNames(null, dryRun ? DRY_RUN_TABLE_PREFIX : TABLE_PREFIX);
        // one connection per signer executing in parallel (4 followers) plus the replay's own reads
        HikariDataSource pool = CopyTradeDataSources.pool(url, user, password, 6);
        try {
            JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(pool).tableNames(tables).migrate(true).build();
            String named = where != null ? where
                    : (store.dialect() == Dialect.POSTGRESQL ? "PostgreSQL" : store.dialect().name()) + " at "
                            + redact(url);
            return new ReplayStore(store, named + " (tables " + tables.prefix() + "*, kept between runs)", pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** Deletes the H2 database files of {@code base}; returns the files deleted (none if it did not exist). */
    public static List<Path> deleteH2Files(Path base) {
        Path abs = base.toAbsolutePath().normalize();
        List<Path> deleted = new ArrayList<>();
        for (String suffix : H2_SUFFIXES) {
            Path file = abs.resolveSibling(abs.getFileName() + suffix);
            try {
                if (Files.deleteIfExists(file)) {
                    deleted.add(file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + file, e);
            }
        }
        return deleted;
    }

    static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)password=[^&;]*", "password=***");
    }

    public CopyTradeStore store() {
        return store;
    }

    /** One line saying which store this is, for the summary. */
    public String label() {
        return label;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.close();
        }
    }
}
