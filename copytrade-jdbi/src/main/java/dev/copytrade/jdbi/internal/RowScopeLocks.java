package dev.copytrade.jdbi.internal;

import dev.copytrade.jdbi.TableNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import javax.sql.DataSource;

/**
 * H2: the scope's row in the lock table, locked with {@code SELECT … FOR UPDATE} by a transaction the
 * lease keeps open on its connection; H2 rolls that transaction back and drops the lock when the session
 * ends. Not API.
 *
 * <p>The fencing counter cannot be written in the lease's transaction (it would commit only at release,
 * and a holder that died would roll it back, handing its token to the next holder too), so it is
 * incremented on a second, short-lived connection in a commit of its own, after the row lock is granted.
 * The lease's connection is then checked to be alive: if it is, it held the lock from before the
 * increment to after it, so no other holder can have come in between, and tokens follow lease order. A
 * lease therefore needs two pooled connections while it is being acquired, one while it is held.
 *
 * <p>Waits use the session's {@code LOCK_TIMEOUT}, set for the one statement and restored after it, so
 * the pooled connection keeps the host's setting.
 */
public final class RowScopeLocks implements ScopeLocks {
    /** A lock wait that ran out, a deadlock, a cancelled statement. */
    private static final Set<String> WAIT_ENDED = Set.of("HYT00", "40001", "57014");
    /** Two sessions creating the same scope's lock row at once: the loser finds the winner's row. */
    private static final String DUPLICATE_KEY = "23505";

    private final DataSource dataSource;
    private final String lockTable;
    private final String fenceTable;
    private final String holder;
    private final Clock clock;

    public RowScopeLocks(DataSource dataSource, TableNames names, String holder, Clock clock) {
        this.dataSource = dataSource;
        this.lockTable = names.mutexLockTable();
        this.fenceTable = names.mutexFenceTable();
        this.holder = holder;
        this.clock = clock;
    }

    @Override
    public long tryLock(Connection c, Target t) throws SQLException {
        // one millisecond: H2 reads a lock timeout of 0 as its default
        return lock(c, t, 1);
    }

    @Override
    public long lock(Connection c, Target t, long waitMillis) throws SQLException {
        Boolean locked = lockRow(c, t, waitMillis);
        if (locked == null) {
            createRow(t);
            locked = lockRow(c, t, waitMillis);
        }
        if (locked == null || !locked) {
            c.setAutoCommit(true);
            return 0;
        }
        long token = fence(t);
        if (!c.isValid(5)) {
            throw new SQLException("the lease's session of scope " + t.scope() + " ended while its fence was written");
        }
        return token;
    }

    /** True: locked; false: someone else holds it; null: the row does not exist yet. Nothing held unless true. */
    private Boolean lockRow(Connection c, Target t, long waitMillis) throws SQLException {
        c.setAutoCommit(false);
        int previous;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT LOCK_TIMEOUT()")) {
            rs.next();
            previous = rs.getInt(1);
        }
        setLockTimeout(c, Math.max(1, waitMillis));
        try (PreparedStatement ps = c.prepareStatement("SELECT scope FROM " + lockTable + " WHERE scope = ? FOR UPDATE")) {
            ps.setString(1, t.scope());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return true;
                }
            }
            c.rollback();
            return null;
        } catch (SQLException e) {
            c.rollback();
            if (WAIT_ENDED.contains(e.getSQLState())) {
                return false;
            }
            throw e;
        } finally {
            setLockTimeout(c, previous);
        }
    }

    private static void setLockTimeout(Connection c, long millis) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCK_TIMEOUT " + millis);
        }
    }

    private void createRow(Target t) throws SQLException {
        try (Connection side = dataSource.getConnection()) {
            side.setAutoCommit(true);
            try (PreparedStatement ps = side.prepareStatement("INSERT INTO " + lockTable + " (scope) VALUES (?)")) {
                ps.setString(1, t.scope());
                ps.executeUpdate();
            } catch (SQLException e) {
                if (!DUPLICATE_KEY.equals(e.getSQLState())) {
                    throw e;
                }
            }
        }
    }

    /** Increments the scope's counter in a commit of its own; only the lock's holder ever gets here. */
    private long fence(Target t) throws SQLException {
        OffsetDateTime at = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        try (Connection side = dataSource.getConnection()) {
            side.setAutoCommit(false);
            try {
                int updated;
                try (PreparedStatement ps = side.prepareStatement("UPDATE " + fenceTable + " SET token = token + 1,"
                        + " lock_key = ?, holder = ?, acquired_at = ? WHERE scope = ?")) {
                    ps.setLong(1, t.key());
                    ps.setString(2, holder);
                    ps.setObject(3, at);
                    ps.setString(4, t.scope());
                    updated = ps.executeUpdate();
                }
                if (updated == 0) {
                    try (PreparedStatement ps = side.prepareStatement("INSERT INTO " + fenceTable
                            + " (scope, token, lock_key, holder, acquired_at) VALUES (?, 1, ?, ?, ?)")) {
                        ps.setString(1, t.scope());
                        ps.setLong(2, t.key());
                        ps.setString(3, holder);
                        ps.setObject(4, at);
                        ps.executeUpdate();
                    }
                }
                long token;
                try (PreparedStatement ps = side.prepareStatement("SELECT token FROM " + fenceTable + " WHERE scope = ?")) {
                    ps.setString(1, t.scope());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        token = rs.getLong(1);
                    }
                }
                side.commit();
                return token;
            } catch (SQLException | RuntimeException e) {
                side.rollback();
                throw e;
            } finally {
                side.setAutoCommit(true);
            }
        }
    }

    @Override
    public void endWait(Connection c) {
        // every lock() restored the session's lock timeout itself
    }

    @Override
    public void unlock(Connection c, Target t, boolean waited) throws SQLException {
        // the lease's transaction changed nothing; ending it is what releases the row lock
        c.rollback();
        c.setAutoCommit(true);
    }

    @Override
    public boolean holds(Connection c, Target t) throws SQLException {
        // the row lock lasts exactly as long as the lease's transaction, which only the session's end can cut
        return c.isValid(5) && !c.getAutoCommit();
    }
}
