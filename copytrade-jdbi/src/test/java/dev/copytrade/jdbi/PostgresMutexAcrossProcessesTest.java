package dev.copytrade.jdbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.mutex.MutexInterruptedException;
import dev.copytrade.core.mutex.MutexTimeoutException;
import dev.copytrade.core.mutex.ScopedTxMutex;
import dev.copytrade.core.mutex.ScopedTxMutex.Lease;
import dev.copytrade.core.mutex.TxScope;
import dev.copytrade.core.testkit.Concurrently;
import dev.copytrade.core.testkit.Seeds;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JdbiScopedTxMutex} across processes: two connection pools, each with its own mutex, stand for two
 * bot processes (PostgreSQL cannot tell them from two JVMs), and one test runs a real second JVM and kills
 * it. Core's contract suite covers one process ({@code PostgresScopedTxMutexContractTest}).
 */
class PostgresMutexAcrossProcessesTest {
    private static final Duration LONG = Duration.ofSeconds(30);
    private static final int THREADS_PER_POOL = 8;
    private static final int INCREMENTS_PER_THREAD = 250;

    private static TableNames tables;
    private static HikariDataSource poolA;
    private static HikariDataSource poolB;
    private static JdbiScopedTxMutex a;
    private static JdbiScopedTxMutex b;
    private static Jdbi admin;

    /** Deliberately plain: only the mutex keeps the increments of the two "processes" from being lost. */
    private long unguardedCounter;

    @BeforeAll
    static void open() {
        tables = SharedPostgres.freshTables();
        poolA = SharedPostgres.newPool(10);
        poolB = SharedPostgres.newPool(10);
        a = JdbiScopedTxMutex.builder(poolA).tableNames(tables).holder("process-a").migrate(true).build();
        b = JdbiScopedTxMutex.builder(poolB).tableNames(tables).holder("process-b").migrate(true).build();
        admin = Jdbi.create(poolB);
    }

    @AfterAll
    static void close() {
        poolA.close();
        poolB.close();
    }

    private static TxScope fresh(String name) {
        return TxScope.of("xproc:" + name + ":" + UUID.randomUUID());
    }

    @Test
    @DisplayName("Scenario: Two processes increment an unguarded counter under one scope")
    void unguardedCounterAcrossTwoPools() {
        long seed = Seeds.seed();
        TxScope scope = fresh("counter");
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        Queue<Long> tokens = new ConcurrentLinkedQueue<>();

        // bounded on progress (leases recorded), not on the whole run: 4,000 leases across two pools can
        // take over a minute on a loaded machine
        Concurrently.run(2 * THREADS_PER_POOL, tokens::size, i -> {
            ScopedTxMutex mutex = i % 2 == 0 ? a : b;
            Random random = new Random(seed + i);
            for (int k = 0; k < INCREMENTS_PER_THREAD; k++) {
                Lease lease = random.nextInt(4) == 0
                        ? mutex.tryAcquire(scope).orElseGet(() -> mutex.acquire(scope, LONG))
                        : mutex.acquire(scope, LONG);
                try (lease) {
                    maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    // recorded while held, so the queue is in lease order
                    tokens.add(lease.fencingToken());
                    long read = unguardedCounter;
                    if (random.nextInt(8) == 0) {
                        Thread.yield();
                    }
                    unguardedCounter = read + 1;
                    inside.decrementAndGet();
                }
            }
            return null;
        });

        long expected = 2L * THREADS_PER_POOL * INCREMENTS_PER_THREAD;
        assertThat(unguardedCounter).as("seed=" + seed).isEqualTo(expected);
        assertThat(maxInside.get()).as("seed=" + seed + " max concurrent holders").isEqualTo(1);
        assertThat(new ArrayList<>(tokens)).as("seed=" + seed + " tokens in lease order").hasSize((int) expected)
                .doesNotHaveDuplicates().isSorted();
    }

    @Test
    @DisplayName("Scenario: Distinct scopes run in parallel across processes")
    void distinctScopesAcrossPoolsRunInParallel() {
        int scopes = 8;
        CyclicBarrier allHolding = new CyclicBarrier(scopes);
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();

        Concurrently.run(scopes, i -> {
            ScopedTxMutex mutex = i % 2 == 0 ? a : b;
            try (Lease lease = mutex.acquire(fresh("parallel-" + i), LONG)) {
                maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                // passes only if all eight are held at once, half of them by each "process"
                allHolding.await(Concurrently.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                holders.decrementAndGet();
                return lease.fencingToken();
            } catch (Exception e) {
                throw new AssertionError("scope " + i + " was not held alongside the others", e);
            }
        });

        assertThat(maxHolders.get()).as("measured concurrent holders").isEqualTo(scopes);
    }

    @Test
    @DisplayName("Scenario: A wait on another process's holder times out naming the scope")
    void waitOnAnotherProcessTimesOut() {
        TxScope scope = fresh("timeout");
        // one connection, so the check below reads the very connection the timed-out waits used
        try (HikariDataSource single = SharedPostgres.newPool(1)) {
            JdbiScopedTxMutex waiter = JdbiScopedTxMutex.builder(single).tableNames(tables).build();
            try (Lease held = a.acquire(scope, LONG)) {
                for (Duration wait : List.of(Duration.ofMillis(300), Duration.ZERO)) {
                    MutexTimeoutException e = catchThrowableOfType(MutexTimeoutException.class,
                            () -> waiter.acquire(scope, wait).close());
                    assertThat(e).as("waiting %s for a scope another process holds", wait).isNotNull();
                    assertThat(e.getMessage()).contains(scope.value());
                    assertThat(e.scope()).isEqualTo(scope);
                    assertThat(e.waited()).isEqualTo(wait);
                }
                assertThat(waiter.tryAcquire(scope)).isEmpty();
                assertThat(held.isValid()).as("the holder is unaffected").isTrue();
                assertThat(single.getHikariPoolMXBean().getActiveConnections()).as("waits give their connection back")
                        .isZero();
                assertThat(show(single, "lock_timeout")).as("the pooled connection's lock_timeout is restored")
                        .isEqualTo("0");
            }
            try (Lease next = waiter.acquire(scope, LONG)) {
                assertThat(next.isValid()).as("a timed-out waiter left nothing behind").isTrue();
            }

            // a wait that is granted: the release undoes the wait's lock_timeout
            Lease held = a.acquire(scope, LONG);
            Concurrently.Task<Long> granted = Concurrently.start(() -> {
                try (Lease l = waiter.acquire(scope, LONG)) {
                    return l.fencingToken();
                }
            });
            awaitWaiterInDatabase(a.lockKey(scope), granted.thread());
            held.close();
            assertThat(granted.join()).isGreaterThan(held.fencingToken());
            assertThat(show(single, "lock_timeout")).as("restored by the release of a lease that waited")
                    .isEqualTo("0");
        }
    }

    @Test
    @DisplayName("Scenario: A thread waiting on another process's holder can be interrupted")
    void interruptWhileAnotherProcessHolds() {
        TxScope scope = fresh("interrupt");
        try (Lease held = a.acquire(scope, LONG)) {
            Concurrently.Task<Boolean> waiter = Concurrently.start(() -> {
                assertThatThrownBy(() -> b.acquire(scope, LONG).close()).isInstanceOf(MutexInterruptedException.class)
                        .hasMessageContaining(scope.value());
                return Thread.currentThread().isInterrupted();
            });
            awaitWaiterInDatabase(a.lockKey(scope), waiter.thread());
            waiter.thread().interrupt();
            assertThat(waiter.join()).as("interrupt flag set again").isTrue();
            assertThat(held.isValid()).isTrue();
        }
        Optional<Lease> after = b.tryAcquire(scope);
        assertThat(after).as("the interrupted waiter holds nothing").isPresent();
        after.get().close();
    }

    @Test
    @DisplayName("Scenario: A holder process killed with SIGKILL releases its scope")
    void killedHolderProcessReleasesItsScope(@TempDir Path dir) throws Exception {
        TxScope scope = fresh("sigkill");
        Path stderr = dir.resolve("child-stderr.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                MutexHolderProcess.class.getName(), SharedPostgres.jdbcUrl(), tables.prefix(), scope.value())
                .redirectError(stderr.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            long childToken = Concurrently.onOtherThread(() -> {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith(MutexHolderProcess.MARKER)) {
                        return Long.parseLong(line.substring(MutexHolderProcess.MARKER.length()));
                    }
                }
                throw new AssertionError("the child ended without holding the scope: " + Files.readString(stderr));
            }, Concurrently.CHILD_JVM_SECONDS);
            assertThat(freeFor(a, scope)).as("the child process holds the scope").isFalse();
            assertThat(freeFor(b, scope)).isFalse();

            child.destroyForcibly();
            assertThat(child.waitFor(Concurrently.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as("ended by SIGKILL (128 + 9)").isEqualTo(137);

            // the server drops the lock once the killed client's backend has seen its socket close
            try (Lease next = b.acquire(scope, LONG)) {
                assertThat(next.fencingToken()).as("the next holder's token").isGreaterThan(childToken);
            }
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    @DisplayName("Scenario: A terminated connection releases the scope and the lease reports it")
    void terminatedConnectionReleasesTheScope() {
        TxScope scope = fresh("terminate");
        Lease first = a.acquire(scope, LONG);
        assertThat(first.isValid()).isTrue();
        assertThat(freeFor(b, scope)).isFalse();

        long pid = advisoryLocks("pid", "granted", a.lockKey(scope));
        boolean terminated = admin.withHandle(h -> h.createQuery("SELECT pg_terminate_backend(:pid)")
                .bind("pid", (int) pid).mapTo(Boolean.class).one());
        assertThat(terminated).isTrue();

        try (Lease second = b.acquire(scope, LONG)) {
            assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
            assertThat(first.isValid()).as("the lease whose session was ended says so").isFalse();
            first.close();
            assertThat(second.isValid()).as("closing the lost lease does not release the new holder").isTrue();
            assertThat(freeFor(a, scope)).isFalse();
        }
        assertThat(freeFor(a, scope)).isTrue();
    }

    @Test
    @DisplayName("Scenario: A holder that stalls past the lease timeout loses the scope")
    void stalledHolderLosesTheScopeAfterTheLeaseTimeout() {
        TxScope scope = fresh("stall");
        try (HikariDataSource single = SharedPostgres.newPool(1)) {
            JdbiScopedTxMutex stalling = JdbiScopedTxMutex.builder(single).tableNames(tables)
                    .leaseTimeout(Duration.ofMillis(500)).build();
            Lease stalled = stalling.acquire(scope, LONG);
            // the holder now does nothing on its lease: after 500 ms idle the server ends its session
            try (Lease next = b.acquire(scope, LONG)) {
                assertThat(next.fencingToken()).isGreaterThan(stalled.fencingToken());
                assertThat(stalled.isValid()).isFalse();
                stalled.close();
                assertThat(next.isValid()).isTrue();
                assertThat(freeFor(a, scope)).isFalse();
            }
            // a lease closed in time gives its connection back with the server's idle_session_timeout; its
            // timeout is far above any pause of this thread (a 500 ms one would lose the lease to a GC pause
            // or a descheduled thread on a loaded machine before isValid() is even asked)
            JdbiScopedTxMutex patient = JdbiScopedTxMutex.builder(single).tableNames(tables).leaseTimeout(LONG).build();
            try (Lease inTime = patient.acquire(scope, LONG)) {
                assertThat(inTime.isValid()).isTrue();
            }
            assertThat(show(single, "idle_session_timeout")).isEqualTo("0");
        }
    }

    @Test
    @DisplayName("Scenario: Fencing tokens survive a restart and only grow")
    void fencingTokensSurviveARestart() {
        TxScope scope = fresh("restart");
        long last = 0;
        for (int i = 0; i < 6; i++) {
            try (Lease l = (i % 2 == 0 ? a : b).acquire(scope, LONG)) {
                assertThat(l.fencingToken()).isGreaterThan(last);
                last = l.fencingToken();
            }
        }
        // a process started afresh: a new pool and a new mutex over the same tables
        try (HikariDataSource restarted = SharedPostgres.newPool(2)) {
            JdbiScopedTxMutex again = JdbiScopedTxMutex.builder(restarted).tableNames(tables).holder("restarted")
                    .build();
            try (Lease l = again.acquire(scope, LONG)) {
                assertThat(l.fencingToken()).isGreaterThan(last);
                Map<String, Object> row = admin.withHandle(h -> h.createQuery("SELECT token, lock_key, holder FROM "
                        + tables.mutexFenceTable() + " WHERE scope = :s").bind("s", scope.value()).mapToMap().one());
                assertThat(row).containsEntry("token", l.fencingToken()).containsEntry("lock_key", again.lockKey(scope))
                        .containsEntry("holder", "restarted");
            }
        }
    }

    /**
     * {@code select} over the rows of {@code pg_locks} for the advisory lock on {@code key} that match
     * {@code condition} (a bigint key shows as classid = high half, objid = low half, objsubid = 1).
     */
    private static long advisoryLocks(String select, String condition, long key) {
        return admin.withHandle(h -> h.createQuery("SELECT " + select + " FROM pg_locks WHERE locktype = 'advisory'"
                + " AND " + condition + " AND objsubid = 1 AND classid::bigint = :hi AND objid::bigint = :lo")
                .bind("hi", key >>> 32).bind("lo", key & 0xffff_ffffL).mapTo(Long.class).one());
    }

    /** A setting of the one connection of a single-connection pool. */
    private static String show(HikariDataSource single, String setting) {
        return Jdbi.create(single).withHandle(h -> h.createQuery("SHOW " + setting).mapTo(String.class).one());
    }

    /** Whether {@code mutex} can take {@code scope} right now, asked from another thread (released at once). */
    private static boolean freeFor(ScopedTxMutex mutex, TxScope scope) {
        return Concurrently.onOtherThread(() -> {
            Optional<Lease> lease = mutex.tryAcquire(scope);
            lease.ifPresent(Lease::close);
            return lease.isPresent();
        });
    }

    /**
     * Returns once PostgreSQL shows a session waiting for {@code key}. Nothing in this JVM can signal that
     * moment, so this polls {@code pg_locks}: bounded, and asserting nothing about time.
     */
    private static void awaitWaiterInDatabase(long key, Thread waiter) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Concurrently.TIMEOUT_SECONDS);
        while (advisoryLocks("count(*)", "NOT granted", key) == 0) {
            if (!waiter.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the waiter never waited in the database (alive: " + waiter.isAlive() + ")");
            }
            Thread.yield();
        }
    }
}
