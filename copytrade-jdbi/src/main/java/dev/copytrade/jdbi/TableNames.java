package dev.copytrade.jdbi;

import dev.copytrade.core.model.InvalidInputException;
import java.util.regex.Pattern;

/**
 * Where copytrade's tables live: an optional schema and a name prefix (default {@code copytrade_}),
 * so several bots or environments can share one database.
 *
 * @param schema the schema, or {@code null} for the connection's default
 * @param prefix prepended to every table name
 */
public record TableNames(String schema, String prefix) {
    private static final Pattern IDENT = Pattern.compile("[a-z_][a-z0-9_]{0,30}");
    private static final Pattern PREFIX = Pattern.compile("[a-z_][a-z0-9_]{0,30}|");

    public TableNames {
        if (schema != null && !IDENT.matcher(schema).matches()) {
            throw new InvalidInputException("schema", schema, "must match [a-z_][a-z0-9_]{0,30}");
        }
        InvalidInputException.requireNonNull("tablePrefix", prefix);
        if (!PREFIX.matcher(prefix).matches()) {
            throw new InvalidInputException("tablePrefix", prefix, "must match [a-z_][a-z0-9_]{0,30} or be empty");
        }
    }

    public static TableNames defaults() {
        return new TableNames(null, "copytrade_");
    }

    /** The unqualified record table name (also the stem of its index and constraint names). */
    public String recordName() {
        return prefix + "record";
    }

    /** The record table as used in SQL, schema-qualified when a schema is set. */
    public String recordTable() {
        return qualify(recordName());
    }

    /** The unqualified cap reservation table name (one row per reservation id). */
    public String capReservationName() {
        return prefix + "cap_reservation";
    }

    public String capReservationTable() {
        return qualify(capReservationName());
    }

    /** The unqualified cap budget table name (one counter or lock row per budget and UTC day). */
    public String capBudgetName() {
        return prefix + "cap_budget";
    }

    public String capBudgetTable() {
        return qualify(capBudgetName());
    }

    /** The unqualified cap charge table name (one row per reservation and budget it charges). */
    public String capChargeName() {
        return prefix + "cap_charge";
    }

    public String capChargeTable() {
        return qualify(capChargeName());
    }

    /** The unqualified mutex fence table name (one fencing counter per scope, since V3). */
    public String mutexFenceName() {
        return prefix + "mutex_fence";
    }

    public String mutexFenceTable() {
        return qualify(mutexFenceName());
    }

    /**
     * The unqualified mutex lock table name (H2 only: one row per scope, row-locked by the holder's open
     * transaction; PostgreSQL locks with advisory locks and has no such table).
     */
    public String mutexLockName() {
        return prefix + "mutex_lock";
    }

    public String mutexLockTable() {
        return qualify(mutexLockName());
    }

    /** The unqualified debt table name (one row per debt, unique per record and leg). */
    public String debtName() {
        return prefix + "debt";
    }

    public String debtTable() {
        return qualify(debtName());
    }

    /** The unqualified debt history table name (one row appended per change of a debt, never updated). */
    public String debtEventName() {
        return prefix + "debt_event";
    }

    public String debtEventTable() {
        return qualify(debtEventName());
    }

    /** The built-in migrator's bookkeeping table. */
    public String versionTable() {
        return qualify(prefix + "schema_version");
    }

    /** Every table copytrade creates under these names, dependents first (for {@code CopyTradeSchema.drop}). */
    public java.util.List<String> allTables() {
        return java.util.List.of(debtEventTable(), debtTable(), mutexLockTable(), mutexFenceTable(), capChargeTable(),
                capBudgetTable(), capReservationTable(), recordTable(), versionTable());
    }

    private String qualify(String name) {
        return schema == null ? name : schema + "." + name;
    }
}
