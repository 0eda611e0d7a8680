package dev.copytrade.jdbi.internal;

import dev.copytrade.core.store.StoreException;
import java.sql.SQLException;
import java.util.Set;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * Runs a transaction again, whole, when it lost to another one (deadlock, serialization check, a racing
 * insert): nothing it did survived, so the retry is as safe as the first try. Shared by the ledgers.
 */
public final class Retry {
    /** PostgreSQL's serialization failure and deadlock. */
    public static final Set<String> POSTGRES_TRANSIENT = Set.of("40001", "40P01");

    private Retry() {}

    /**
     * {@code work} in a transaction of {@code jdbi}, retried up to {@code attempts} times while it fails with
     * a SQLState in {@code transientStates}; any other failure, or the last one, is a {@link StoreException}
     * ({@code what} failed: the database's own message).
     */
    public static <T> T inTransaction(Jdbi jdbi, String what, Set<String> transientStates, int attempts,
            HandleCallback<T, RuntimeException> work) {
        return run(jdbi, what, transientStates, attempts, true, work);
    }

    /**
     * As {@link #inTransaction}, or, when {@code transaction} is false, on a handle in auto-commit: for
     * work that is a single statement, atomic on its own, so BEGIN and COMMIT would be round trips for nothing.
     */
    public static <T> T run(Jdbi jdbi, String what, Set<String> transientStates, int attempts, boolean transaction,
            HandleCallback<T, RuntimeException> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return transaction ? jdbi.inTransaction(work) : jdbi.withHandle(work);
            } catch (JdbiException | StoreException e) {
                if (!transientStates.contains(sqlState(e)) || attempt >= attempts) {
                    throw e instanceof StoreException se ? se
                            : new StoreException(what + " failed: " + rootMessage(e), e);
                }
            }
        }
    }

    /** The SQLState of the first SQL exception among {@code e}'s causes, or "" if none. */
    public static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                return s.getSQLState();
            }
        }
        return "";
    }

    /** The innermost cause's message: what the database said, without JDBI's wrapping. */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }
}
