package dev.copytrade.jdbi;

import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema, shipped as versioned SQL under {@code db/copytrade/<dialect>/V<n>__<name>.sql}
 * (Flyway-style, with placeholders {@code ${copytrade_table}} and {@code ${copytrade_name}} for the
 * record table, and {@code ${copytrade_cap_<reservation|budget|charge>_<table|name>}} for the cap
 * ledger's tables since V2, {@code ${copytrade_mutex_<fence|lock>_<table|name>}} for the mutex's since V3,
 * {@code ${copytrade_debt[_event]_<table|name>}} for the debt ledger's since V4: the qualified table and the
 * bare name for indexes and constraints), and a
 * built-in migrator for hosts that use neither Flyway nor Liquibase. The migrator records applied
 * versions in {@code <prefix>schema_version}; on PostgreSQL it holds an advisory lock while it works,
 * so several processes starting at once migrate exactly once.
 */
public final class CopyTradeSchema {
    private static final Logger log = LoggerFactory.getLogger(CopyTradeSchema.class);

    /** Every migration, in order. A new one is appended, never edited. */
    public static final List<String> MIGRATIONS = List.of("V1__copytrade_record.sql", "V2__copytrade_caps.sql",
            "V3__copytrade_mutex.sql", "V4__copytrade_debts.sql");

    private static final long ADVISORY_LOCK_KEY = 0x636f70797472L; // "copytr"

    private CopyTradeSchema() {}

    public static void migrate(DataSource dataSource, Dialect dialect, TableNames names) {
        migrate(Jdbi.create(dataSource), dialect, names);
    }

    /** Applies every migration not yet applied. Idempotent. */
    public static void migrate(Jdbi jdbi, Dialect dialect, TableNames names) {
        InvalidInputException.requireNonNull("dialect", dialect);
        InvalidInputException.requireNonNull("tableNames", names);
        try {
            jdbi.useTransaction(h -> {
                if (dialect == Dialect.POSTGRESQL) {
                    h.execute("SELECT pg_advisory_xact_lock(?)", ADVISORY_LOCK_KEY);
                }
                h.execute("CREATE TABLE IF NOT EXISTS " + names.versionTable()
                        + " (version INTEGER PRIMARY KEY, script VARCHAR(200) NOT NULL,"
                        + " applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL)");
                Set<Integer> applied = new TreeSet<>(h.createQuery("SELECT version FROM " + names.versionTable())
                        .mapTo(Integer.class).list());
                for (String script : MIGRATIONS) {
                    int version = versionOf(script);
                    if (applied.contains(version)) {
                        continue;
                    }
                    apply(h, dialect, names, script);
                    h.execute("INSERT INTO " + names.versionTable() + " (version, script) VALUES (?, ?)", version, script);
                    log.info("copytrade schema: applied {} to {}", script, names.recordTable());
                }
            });
        } catch (JdbiException e) {
            throw new StoreException("copytrade schema migration failed: " + e.getMessage(), e);
        }
    }

    /**
     * Drops every table the migrations created under {@code names}, and the bookkeeping table. For
     * throw-away tables (tests, the operator check); never called by the library itself.
     */
    public static void drop(Jdbi jdbi, TableNames names) {
        try {
            jdbi.useHandle(h -> {
                for (String table : names.allTables()) {
                    h.execute("DROP TABLE IF EXISTS " + table);
                }
            });
        } catch (JdbiException e) {
            throw new StoreException("dropping copytrade tables failed: " + e.getMessage(), e);
        }
    }

    private static void apply(Handle h, Dialect dialect, TableNames names, String script) {
        String sql = render(dialect, names, script);
        for (String statement : sql.split(";\\s*(\\r?\\n|$)")) {
            String s = stripComments(statement).trim();
            if (!s.isEmpty()) {
                h.execute(s);
            }
        }
    }

    /** The SQL of one migration with its placeholders filled in, for hosts that apply it themselves. */
    public static String render(Dialect dialect, TableNames names, String script) {
        String path = dialect.migrationFolder() + "/" + script;
        try (InputStream in = CopyTradeSchema.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new StoreException("migration " + path + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("${copytrade_table}", names.recordTable())
                    .replace("${copytrade_name}", names.recordName())
                    .replace("${copytrade_cap_reservation_table}", names.capReservationTable())
                    .replace("${copytrade_cap_reservation_name}", names.capReservationName())
                    .replace("${copytrade_cap_budget_table}", names.capBudgetTable())
                    .replace("${copytrade_cap_budget_name}", names.capBudgetName())
                    .replace("${copytrade_cap_charge_table}", names.capChargeTable())
                    .replace("${copytrade_cap_charge_name}", names.capChargeName())
                    .replace("${copytrade_mutex_fence_table}", names.mutexFenceTable())
                    .replace("${copytrade_mutex_fence_name}", names.mutexFenceName())
                    .replace("${copytrade_mutex_lock_table}", names.mutexLockTable())
                    .replace("${copytrade_mutex_lock_name}", names.mutexLockName())
                    .replace("${copytrade_debt_table}", names.debtTable())
                    .replace("${copytrade_debt_name}", names.debtName())
                    .replace("${copytrade_debt_event_table}", names.debtEventTable())
                    .replace("${copytrade_debt_event_name}", names.debtEventName());
        } catch (IOException e) {
            throw new StoreException("cannot read migration " + path, e);
        }
    }

    private static String stripComments(String statement) {
        StringBuilder sb = new StringBuilder();
        for (String line : statement.split("\\r?\\n")) {
            String trimmed = line.trim();
            if (!trimmed.startsWith("--")) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    private static int versionOf(String script) {
        return Integer.parseInt(script.substring(1, script.indexOf("__")));
    }
}
