package dev.copytrade.jdbi;

import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.mutex.LocalScopedTxMutex;
import dev.copytrade.core.mutex.MutexInterruptedException;
import dev.copytrade.core.mutex.MutexTimeoutException;
import dev.copytrade.core.mutex.ScopedTxMutex;
import dev.copytrade.core.mutex.TxScope;
import dev.copytrade.core.store.StoreException;
import dev.copytrade.jdbi.internal.AdvisoryScopeLocks;
import dev.copytrade.jdbi.internal.RowScopeLocks;
import dev.copytrade.jdbi.internal.ScopeLocks;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ScopedTxMutex} shared by every process on one database: one holder per {@link TxScope} across
 * all of them, any number of scopes in parallel. For a signer shared by several bot processes (the scope
 * {@code TxScope.signer(chainId, address)}, which the executor takes around each send) and for any other
 * one-at-a-time work a host names with {@code TxScope.of(..)}, such as a proxy wallet's fund moves or
 * {@code StaleSweeper}'s exclusive sweep.
 *
 * <p>How it holds a scope. On PostgreSQL, a session-level advisory lock on a 64-bit hash of the scope,
 * taken on a connection the lease borrows from the pool and keeps until {@link Lease#close()}. On H2, a
 * row lock on the scope's row, held by a transaction the lease keeps open. Either way the lock belongs
 * to the database session, so it is released when the lease is closed and also, by the server, when
 * the holder's connection or process dies: a holder killed with SIGKILL frees its scopes as soon as the
 * server sees its socket close. A host that must also survive a holder that freezes without dying (a
 * stopped process, a network partition) sets {@link Builder#leaseTimeout} (PostgreSQL 14+).
 *
 * <p>Fencing. Right after the lock is granted, in the same statement on PostgreSQL, the scope's row in
 * {@code <prefix>mutex_fence} (migration V3) is incremented in a commit of its own, and the new value is
 * the lease's {@linkplain Lease#fencingToken() fencing token}: greater than that of every earlier lease of
 * the scope, in this process or any other, before or after a restart. A holder that stalled past its
 * lease (its session was ended and someone else took the scope) still carries its old, smaller token,
 * which a downstream system can refuse.
 *
 * <p>Waiting. Threads of one process that ask for the same scope queue in this process first (in
 * arrival order, interruptibly, holding no connection), and only the first goes to the database, where
 * it waits for holders in other processes. That wait is done by the server (the lock is granted the
 * moment it is free) in slices of at most {@value #WAIT_SLICE_MILLIS} ms, between which an interrupt is
 * noticed. Across processes there is no arrival order.
 *
 * <p>Connections. Every held lease keeps one connection from the pool, and a lease is usually held
 * while the executor writes to its store: give the mutex a pool of its own (about the number of signers
 * sending at once, plus one), or size a shared pool for both, or the store can starve behind the leases.
 * A thread waiting behind a holder in its own process holds no connection.
 *
 * <p>Keys. Scopes are hashed to 64 bits together with the fence table's name, so two table prefixes
 * are two independent mutexes (configure every process with the same {@link TableNames}) and scopes
 * never meet the keys of {@code pg_advisory_lock(bigint)} calls of other software except by a hash
 * collision. Two scopes whose keys collide only serialise each other; their fencing tokens stay
 * separate and correct. {@link #lockKey} gives a scope's key, to find its holder in {@code pg_locks}.
 *
 * <p>Not reentrant, as the SPI says. A failure of the database while acquiring throws {@link
 * StoreException} having acquired nothing; {@link Lease#close()} never throws.
 */
public final class JdbiScopedTxMutex implements ScopedTxMutex {
    private static final Logger log = LoggerFactory.getLogger(JdbiScopedTxMutex.class);
    /** The longest single wait in the database, so an interrupt is noticed that soon. */
    static final long WAIT_SLICE_MILLIS = 200;
    /** Longer than any wait a host means: {@code Duration.toNanos} would overflow beyond about 292 years. */
    private static final Duration FOREVER = Duration.ofDays(365L * 100);

    private final DataSource dataSource;
    private final Dialect dialect;
    private final String namespace;
    private final ScopeLocks locks;
    private final String holder;
    private final Duration leaseTimeout;
    /** Where this process's threads queue for a scope before one of them asks the database. */
    private final LocalScopedTxMutex queue = new LocalScopedTxMutex();

    private JdbiScopedTxMutex(DataSource dataSource, Dialect dialect, TableNames names, ScopeLocks locks, String holder,
            Duration leaseTimeout) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.namespace = names.mutexFenceTable();
        this.locks = locks;
        this.holder = holder;
        this.leaseTimeout = leaseTimeout;
    }

    /** A mutex over {@code dataSource}; the dialect is detected unless set. */
    public static Builder builder(DataSource dataSource) {
        InvalidInputException.requireNonNull("dataSource", dataSource);
        return new Builder(dataSource);
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Who this mutex's leases say holds a scope (the fence row's {@code holder}). */
    public String holder() {
        return holder;
    }

    /** The lease timeout, if one is set. */
    public Optional<Duration> leaseTimeout() {
        return Optional.ofNullable(leaseTimeout);
    }

    /**
     * The 64-bit key this mutex locks for {@code scope}: on PostgreSQL the argument of
     * {@code pg_advisory_lock}, shown in {@code pg_locks} as {@code classid} (high 32 bits) and
     * {@code objid} (low 32 bits), and stored in the fence row's {@code lock_key}.
     */
    public long lockKey(TxScope scope) {
        InvalidInputException.requireNonNull("scope", scope);
        return ScopeLocks.key(namespace, scope.value());
    }

    /**
     * Waits at most {@code timeout} to hold {@code scope} in every process on this database: first behind
     * this process's own holder and waiters, then behind other processes' holder. A zero timeout takes the
     * scope only if it is free now.
     *
     * @return the lease, holding one pooled connection until it is closed
     * @throws MutexTimeoutException naming the scope and {@code timeout}, having acquired nothing
     * @throws MutexInterruptedException if the thread was interrupted while waiting (noticed within
     *     {@value #WAIT_SLICE_MILLIS} ms while another process holds the scope), its flag set again
     * @throws StoreException when the database could not be asked, having acquired nothing; a pool that
     *     has no free connection makes this wait up to the pool's own connection timeout
     */
    @Override
    public Lease acquire(TxScope scope, Duration timeout) {
        InvalidInputException.requireNonNull("scope", scope);
        InvalidInputException.requireNonNull("timeout", timeout);
        if (timeout.isNegative()) {
            throw new InvalidInputException("timeout", timeout, "must not be negative");
        }
        long start = System.nanoTime();
        Duration bounded = timeout.compareTo(FOREVER) > 0 ? FOREVER : timeout;
        Lease queued = queue.acquire(scope, bounded);
        return inDatabase(scope, queued, timeout, start + bounded.toNanos());
    }

    /**
     * Takes {@code scope} only if no thread of this process and no other process holds it right now: one
     * round trip when it is free.
     *
     * @throws StoreException when the database could not be asked
     */
    @Override
    public Optional<Lease> tryAcquire(TxScope scope) {
        InvalidInputException.requireNonNull("scope", scope);
        Optional<Lease> queued = queue.tryAcquire(scope);
        if (queued.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(inDatabase(scope, queued.get(), Duration.ZERO, System.nanoTime()));
        } catch (MutexTimeoutException busy) {
            return Optional.empty();
        }
    }

    /** Holding this process's queue entry for {@code scope}: takes it in the database by {@code deadline}. */
    private Lease inDatabase(TxScope scope, Lease queued, Duration timeout, long deadline) {
        ScopeLocks.Target target = new ScopeLocks.Target(scope.value(), lockKey(scope));
        Connection c = null;
        boolean held = false;
        boolean clean = true;
        try {
            c = connect(scope);
            long token = locks.tryLock(c, target);
            boolean waited = token == 0;
            if (waited) {
                token = await(c, scope, target, timeout, deadline);
            }
            Lease lease = new JdbiLease(scope, token, c, target, queued, waited);
            held = true;
            return lease;
        } catch (SQLException | RuntimeException e) {
            // a timeout or an interrupt left the connection as it was; anything else may have left a lock on it
            clean = e instanceof MutexTimeoutException || e instanceof MutexInterruptedException;
            if (e instanceof SQLException sql) {
                throw new StoreException("acquiring scope " + scope + " failed: " + sql.getMessage(), sql);
            }
            throw (RuntimeException) e;
        } finally {
            if (!held) {
                if (c != null) {
                    giveBack(c, clean);
                }
                queued.close();
            }
        }
    }

    /**
     * Waits in the database, slice by slice, until the scope is granted or the deadline passes. The session
     * settings of the wait are undone here when nothing was granted, and by the lease's release otherwise.
     */
    private long await(Connection c, TxScope scope, ScopeLocks.Target target, Duration timeout, long deadline)
            throws SQLException {
        boolean waited = false;
        boolean granted = false;
        try {
            while (true) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new MutexTimeoutException(scope, timeout);
                }
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new MutexInterruptedException(scope,
                            new InterruptedException("interrupted while another process held the scope"));
                }
                long slice = Math.min(WAIT_SLICE_MILLIS, Math.max(1, remaining / 1_000_000));
                waited = true;
                long token = locks.lock(c, target, slice);
                if (token != 0) {
                    granted = true;
                    return token;
                }
            }
        } finally {
            if (waited && !granted) {
                locks.endWait(c);
            }
        }
    }

    private Connection connect(TxScope scope) throws SQLException {
        Connection c;
        try {
            c = dataSource.getConnection();
        } catch (SQLException e) {
            if (Thread.currentThread().isInterrupted()) {
                // a pool interrupted while waiting for a connection says so with an SQLException
                throw new MutexInterruptedException(scope, new InterruptedException(e.getMessage()));
            }
            throw e;
        }
        try {
            if (!c.getAutoCommit()) {
                // every lock-and-fence statement must commit on its own; the pool restores its default on return
                c.setAutoCommit(true);
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            giveBack(c, false);
            throw e;
        }
    }

    /**
     * Returns a connection to the pool, or, when it may still hold a lock or a changed setting, ends its
     * session so the server drops whatever it held (a pooled connection that kept a lock would hold the
     * scope for ever). {@code abort} closes the physical connection; the pool then evicts it on close.
     */
    private static void giveBack(Connection c, boolean clean) {
        if (!clean) {
            try {
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                log.warn("could not abort a mutex connection; closing it", e);
            }
        }
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            log.debug("closing a mutex connection failed", e);
        }
    }

    /** A scope held through {@code connection}; closing it releases the lock, then this process's queue. */
    private final class JdbiLease implements Lease {
        private final TxScope scope;
        private final long token;
        private final Connection connection;
        private final ScopeLocks.Target target;
        private final Lease queued;
        /** Whether the acquire waited in the database, leaving session settings for the release to undo. */
        private final boolean waited;
        private final AtomicBoolean open = new AtomicBoolean(true);

        JdbiLease(TxScope scope, long token, Connection connection, ScopeLocks.Target target, Lease queued,
                boolean waited) {
            this.scope = scope;
            this.token = token;
            this.connection = connection;
            this.target = target;
            this.queued = queued;
            this.waited = waited;
        }

        @Override
        public TxScope scope() {
            return scope;
        }

        @Override
        public long fencingToken() {
            return token;
        }

        /**
         * Asks the database whether this lease's session still holds the scope: false once closed, and
         * once the session was ended (its connection broke, {@code pg_terminate_backend}, the lease
         * timeout), after which another process may already hold the scope with a greater token. One round
         * trip, which also counts as activity for the lease timeout.
         */
        @Override
        public boolean isValid() {
            synchronized (this) {
                if (!open.get()) {
                    return false;
                }
                try {
                    return locks.holds(connection, target);
                } catch (SQLException | RuntimeException e) {
                    log.debug("scope {}: the lease's session is gone", scope, e);
                    return false;
                }
            }
        }

        @Override
        public void close() {
            if (!open.compareAndSet(true, false)) {
                return;
            }
            synchronized (this) {
                boolean clean = false;
                try {
                    locks.unlock(connection, target, waited);
                    clean = true;
                } catch (SQLException | RuntimeException e) {
                    // the usual cause is a session the server already ended, which dropped the lock with it
                    log.warn("scope {}: lease {} could not be released cleanly ({}); its connection is discarded, so the"
                            + " server drops the lock", scope, token, e.toString());
                } finally {
                    giveBack(connection, clean);
                    queued.close();
                }
            }
        }

        @Override
        public String toString() {
            return "Lease{" + scope + ", token=" + token + "}";
        }
    }

    /**
     * Defaults: dialect detected, tables {@link TableNames#defaults()}, no migration, holder
     * {@code "<pid>-<random>"}, the system UTC clock (only for the fence row's {@code acquired_at}), no
     * lease timeout.
     */
    public static final class Builder extends JdbiBuilder<Builder, JdbiScopedTxMutex> {
        private String holder;
        private Clock clock = Clock.systemUTC();
        private Duration leaseTimeout;

        private Builder(DataSource dataSource) {
            super(dataSource);
        }

        @Override
        Builder self() {
            return this;
        }

        /** What the fence row's {@code holder} says about this mutex's leases (1..200 printable characters). */
        public Builder holder(String holder) {
            this.holder = holder;
            return this;
        }

        /** The clock of the fence row's {@code acquired_at}; leases and waits run on the database's time. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * PostgreSQL 14 or later only. The server ends a lease's session once it has been idle this long
         * ({@code idle_session_timeout} on the lease's own connection), which releases the scope of a
         * holder that froze without dying (a stopped process, a partitioned host, whose TCP connection the
         * server would otherwise only give up on after the kernel's keepalive, by default hours). Idle
         * means no statement on the lease's connection: {@link Lease#isValid()} counts as activity, the
         * holder's other database work does not. Must exceed the longest a lease is legitimately held (for
         * a signer: an order's prepare, send and final write). A lease cut off this way is refused
         * downstream by its smaller fencing token, answers {@code isValid() == false}, and its close
         * returns quietly. Default: none.
         */
        public Builder leaseTimeout(Duration leaseTimeout) {
            this.leaseTimeout = leaseTimeout;
            return this;
        }

        @Override
        JdbiScopedTxMutex create(Jdbi jdbi, Dialect dialect, TableNames names) {
            InvalidInputException.requireNonNull("clock", clock);
            String h = holder != null ? holder
                    : ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
            if (h.isBlank() || h.length() > 200 || h.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidInputException("holder", h, "must be 1..200 printable characters");
            }
            ScopeLocks locks;
            if (dialect == Dialect.POSTGRESQL) {
                if (leaseTimeout != null) {
                    checkLeaseTimeout(jdbi);
                }
                locks = new AdvisoryScopeLocks(names.mutexFenceTable(), h, clock, leaseTimeout);
            } else {
                if (leaseTimeout != null) {
                    throw new InvalidInputException("leaseTimeout", leaseTimeout,
                            "needs PostgreSQL 14 or later (idle_session_timeout); H2 has no equivalent");
                }
                locks = new RowScopeLocks(dataSource(), names, h, clock);
            }
            return new JdbiScopedTxMutex(dataSource(), dialect, names, locks, h, leaseTimeout);
        }

        private void checkLeaseTimeout(Jdbi jdbi) {
            if (leaseTimeout.toMillis() < 100 || leaseTimeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
                throw new InvalidInputException("leaseTimeout", leaseTimeout, "must be from 100 ms to 24 days");
            }
            int version;
            try {
                version = jdbi.withHandle(h -> h.createQuery("SHOW server_version_num").mapTo(Integer.class).one());
            } catch (JdbiException e) {
                throw new StoreException("cannot read the server version: " + rootMessage(e), e);
            }
            if (version < 140_000) {
                throw new InvalidInputException("leaseTimeout", leaseTimeout,
                        "needs PostgreSQL 14 or later (idle_session_timeout); the server is " + version);
            }
        }
    }
}
