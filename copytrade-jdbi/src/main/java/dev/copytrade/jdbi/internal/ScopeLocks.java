package dev.copytrade.jdbi.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * How one SQL dialect holds a scope for {@code JdbiScopedTxMutex}: on a connection the lease keeps for
 * itself, which no other thread uses while the lease is open. Not API.
 *
 * <p>Every method that takes the scope also advances its fencing counter, in a commit of its own and only
 * while the lock is held, so the token a holder gets is greater than every token of an earlier holder
 * and survives restarts. A token is positive; {@code 0} means "not acquired".
 */
public interface ScopeLocks {

    /** A scope as the database sees it: its text (the fence row's key) and its 64-bit lock key. */
    record Target(String scope, long key) {}

    /** Takes the scope if nobody holds it right now; returns its new fencing token, or 0. */
    long tryLock(Connection c, Target t) throws SQLException;

    /**
     * Waits at most {@code waitMillis} (at least 1) for the scope; returns its new fencing token, or 0 when
     * the wait ran out (or the server gave up on it: a deadlock, a cancel), leaving nothing held.
     */
    long lock(Connection c, Target t, long waitMillis) throws SQLException;

    /**
     * Undoes the session settings {@link #lock} changed, after an acquire's last wait when it did not get
     * the scope (when it did, {@link #unlock} with {@code waited} undoes them, sparing the new holder a
     * round trip before it can start).
     */
    void endWait(Connection c) throws SQLException;

    /**
     * Releases a held scope and restores the connection for the pool, including what {@link #lock} changed
     * when {@code waited}; throws when it cannot.
     */
    void unlock(Connection c, Target t, boolean waited) throws SQLException;

    /** Whether {@code c} still holds the scope: one round trip; throws when the connection is gone. */
    boolean holds(Connection c, Target t) throws SQLException;

    /**
     * The 64-bit lock key of a scope within a namespace (the fence table): the first eight bytes of
     * SHA-256 over both, so two namespaces are independent and keys spread over the whole space.
     */
    static long key(String namespace, String scope) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        sha.update(namespace.getBytes(StandardCharsets.UTF_8));
        // a separator no scope or table name contains, so ("ab", "c") and ("a", "bc") differ
        sha.update((byte) 0);
        byte[] d = sha.digest(scope.getBytes(StandardCharsets.UTF_8));
        long k = 0;
        for (int i = 0; i < 8; i++) {
            k = (k << 8) | (d[i] & 0xff);
        }
        return k;
    }
}
