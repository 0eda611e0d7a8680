package dev.copytrade.jdbi;

import org.jdbi.v3.core.Jdbi;

/**
 * A real failure inside PostgreSQL, for atomicity tests: a trigger that refuses every row inserted into
 * {@code table} whose {@code column} equals {@code value}, with the message {@code "poisoned row"}. No
 * mock: the statement fails on the server, and the transaction it ran in is rolled back there.
 */
final class ServerSideFailure {
    static final String MESSAGE = "poisoned row";

    private ServerSideFailure() {}

    /** Installs the trigger; {@code name} (a bare identifier) names the function and the trigger. */
    static void refuseInserts(Jdbi jdbi, String table, String name, String column, String value) {
        jdbi.useHandle(h -> {
            h.execute("CREATE FUNCTION " + name + "_poison() RETURNS trigger AS $$ BEGIN IF NEW." + column + " = '"
                    + value + "' THEN RAISE EXCEPTION '" + MESSAGE + "'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql");
            h.execute("CREATE TRIGGER " + name + "_poison BEFORE INSERT ON " + table + " FOR EACH ROW EXECUTE FUNCTION "
                    + name + "_poison()");
        });
    }

    /** Removes what {@link #refuseInserts} installed. */
    static void allowInserts(Jdbi jdbi, String table, String name) {
        jdbi.useHandle(h -> {
            h.execute("DROP TRIGGER " + name + "_poison ON " + table);
            h.execute("DROP FUNCTION " + name + "_poison()");
        });
    }
}
