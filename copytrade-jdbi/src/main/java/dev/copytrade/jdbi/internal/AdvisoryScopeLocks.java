package dev.copytrade.jdbi.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Set;

/**
 * PostgreSQL: a session-level advisory lock on the scope's 64-bit key, held by the lease's connection.
 * The server drops it when that session ends, however it ends (close, crash, SIGKILL of the client,
 * {@code pg_terminate_backend}, {@code idle_session_timeout}), which is what releases a dead holder's
 * scope. Not API.
 *
 * <p>Lock and fence are one statement: a CTE takes the lock, and only when it was granted inserts or
 * increments the scope's fence row and returns the token; the statement commits on its own (the
 * connection is in auto-commit). So a token exists only for a granted lock, is committed before the
 * caller sees it, and a session that dies mid-statement leaves neither a lock nor a token behind.
 *
 * <p>A bounded wait is {@code SET lock_timeout} plus the blocking {@code pg_advisory_lock}: the server
 * grants the lock the moment it is free (no polling delay), and a timed-out wait ({@code 55P03}) leaves
 * nothing held. The caller waits in slices so it can notice an interrupt between them; a deadlock among
 * advisory locks ({@code 40P01}) or a cancelled statement ({@code 57014}, e.g. a host's shorter
 * {@code statement_timeout}) only ends the slice.
 */
public final class AdvisoryScopeLocks implements ScopeLocks {
    private static final Set<String> WAIT_ENDED = Set.of("55P03", "40P01", "57014");

    private final String tryLockSql;
    private final String lockSql;
    private final String unlockSql;
    private final String unlockAfterWaitSql;
    private final String holder;
    private final Clock clock;
    /** idle_session_timeout in ms for a held lease, or null for none. */
    private final String idleMillis;

    /**
     * @param fenceTable the qualified fence table
     * @param leaseTimeout if not null, the server ends a lease's session once it has been idle this long
     *     ({@code idle_session_timeout}, PostgreSQL 14+), which releases the lock of a holder that stalled
     */
    public AdvisoryScopeLocks(String fenceTable, String holder, Clock clock, Duration leaseTimeout) {
        this.holder = holder;
        this.clock = clock;
        this.idleMillis = leaseTimeout == null ? null : Long.toString(leaseTimeout.toMillis());
        String fence = "f AS (INSERT INTO " + fenceTable + " AS x (scope, token, lock_key, holder, acquired_at)"
                + " SELECT ?, 1, ?, ?, ? FROM l WHERE l.got"
                + " ON CONFLICT (scope) DO UPDATE SET token = x.token + 1, lock_key = EXCLUDED.lock_key,"
                + " holder = EXCLUDED.holder, acquired_at = EXCLUDED.acquired_at RETURNING x.token)"
                + " SELECT (SELECT token FROM f)"
                // set only once the lock is held: a connection that got nothing goes back to the pool untouched
                + (idleMillis == null ? "" : ", (SELECT set_config('idle_session_timeout', ?, false) FROM l WHERE l.got)");
        this.tryLockSql = "WITH l AS MATERIALIZED (SELECT pg_try_advisory_lock(?) AS got), " + fence;
        this.lockSql = "WITH l AS MATERIALIZED (SELECT true AS got FROM pg_advisory_lock(?)), " + fence;
        this.unlockSql = "SELECT pg_advisory_unlock(?)" + (idleMillis == null ? "" : reset("idle_session_timeout"));
        this.unlockAfterWaitSql = unlockSql + reset("lock_timeout");
    }

    /** A select-list item that does what {@code RESET name} does. */
    private static String reset(String name) {
        return ", set_config('" + name + "', (SELECT reset_val FROM pg_settings WHERE name = '" + name + "'), false)";
    }

    @Override
    public long tryLock(Connection c, Target t) throws SQLException {
        return lockAndFence(c, tryLockSql, t);
    }

    @Override
    public long lock(Connection c, Target t, long waitMillis) throws SQLException {
        try (Statement s = c.createStatement()) {
            // a number we formatted ourselves: SET takes no bind parameters
            s.execute("SET lock_timeout = " + Math.max(1, waitMillis));
        }
        try {
            return lockAndFence(c, lockSql, t);
        } catch (SQLException e) {
            if (WAIT_ENDED.contains(e.getSQLState())) {
                return 0;
            }
            throw e;
        }
    }

    @Override
    public void endWait(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("RESET lock_timeout");
        }
    }

    private long lockAndFence(Connection c, String sql, Target t) throws SQLException {
        OffsetDateTime at = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, t.key());
            ps.setString(2, t.scope());
            ps.setLong(3, t.key());
            ps.setString(4, holder);
            ps.setObject(5, at);
            if (idleMillis != null) {
                ps.setString(6, idleMillis);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long token = rs.getLong(1);
                return rs.wasNull() ? 0 : token;
            }
        }
    }

    @Override
    public void unlock(Connection c, Target t, boolean waited) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(waited ? unlockAfterWaitSql : unlockSql)) {
            ps.setLong(1, t.key());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    // only this session can release its advisory lock, so this is someone else's misuse of it
                    throw new SQLException("advisory lock " + t.key() + " of scope " + t.scope()
                            + " was not held by its lease's session");
                }
            }
        }
    }

    @Override
    public boolean holds(Connection c, Target t) throws SQLException {
        // a bigint advisory key shows in pg_locks as classid = high 32 bits, objid = low 32 bits, objsubid = 1
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype ="
                + " 'advisory' AND pid = pg_backend_pid() AND granted AND objsubid = 1 AND classid::bigint = ?"
                + " AND objid::bigint = ?)")) {
            ps.setLong(1, t.key() >>> 32);
            ps.setLong(2, t.key() & 0xffff_ffffL);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
