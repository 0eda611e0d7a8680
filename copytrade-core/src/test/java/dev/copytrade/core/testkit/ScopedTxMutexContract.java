package dev.copytrade.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.copytrade.core.mutex.MutexInterruptedException;
import dev.copytrade.core.mutex.MutexTimeoutException;
import dev.copytrade.core.mutex.ScopedTxMutex;
import dev.copytrade.core.mutex.ScopedTxMutex.Lease;
import dev.copytrade.core.mutex.TxScope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ScopedTxMutex} must have. Subclass it and return the mutex under test.
 *
 * <p>Written so that a cross-process (database) mutex passes it too: every test uses fresh scope names,
 * a lease is always closed by the thread that acquired it, nothing is assumed about fencing token
 * values beyond growth per scope, and "someone else" is always another thread. An implementation must
 * wait in an interruptible way (the interrupt contract requires it), so a waiting thread is parked.
 */
public abstract class ScopedTxMutexContract {
    /** A wait that never runs out in a passing test. */
    protected static final Duration LONG = Duration.ofSeconds(30);
    /** A wait that is expected to run out. */
    protected static final Duration SHORT = Duration.ofMillis(50);

    private static final int COUNTER_THREADS = 8;
    private static final int INCREMENTS_PER_THREAD = 2_000;
    private static final int PARALLEL_SCOPES = 8;

    /** Deliberately plain: only the mutex keeps the increments from being lost. */
    private long unguardedCounter;

    /** The mutex under test; called once or more per test, may return the same instance every time. */
    protected abstract ScopedTxMutex mutex();

    /** A scope no other test (or earlier run against a shared database) has used. */
    protected static TxScope freshScope(String name) {
        return TxScope.of("contract:" + name + ":" + UUID.randomUUID());
    }

    @Test
    @DisplayName("a held scope excludes everybody else, the holder's thread included, but no other scope")
    void oneHolderPerScope() {
        TxScope scope = freshScope("exclusion");
        try (Lease held = mutex().acquire(scope, LONG)) {
            assertThat(held.scope()).isEqualTo(scope);
            assertThat(freeForOthers(scope)).isFalse();
            assertThat(mutex().tryAcquire(scope)).as("not reentrant").isEmpty();
            assertThat(freeForOthers(freshScope("other"))).isTrue();
        }
        assertThat(freeForOthers(scope)).isTrue();
    }

    @Test
    @DisplayName("tryAcquire takes a free scope and returns empty for a held one")
    void tryAcquireWhenFreeAndWhenHeld() {
        TxScope scope = freshScope("try");
        Optional<Lease> first = mutex().tryAcquire(scope);
        assertThat(first).isPresent();
        try (Lease held = first.get()) {
            assertThat(held.scope()).isEqualTo(scope);
            assertThat(Concurrently.onOtherThread(() -> mutex().tryAcquire(scope))).isEmpty();
        }
        Optional<Lease> second = mutex().tryAcquire(scope);
        assertThat(second).isPresent();
        try (Lease again = second.get()) {
            assertThat(again.fencingToken()).isGreaterThan(first.get().fencingToken());
        }
    }

    @Test
    @DisplayName("Scenario: Lock wait times out naming the scope")
    void lockWaitTimesOutNamingTheScope() {
        TxScope scope = freshScope("timeout");
        try (Lease held = mutex().acquire(scope, LONG)) {
            for (Duration wait : List.of(SHORT, Duration.ZERO)) {
                MutexTimeoutException e = timeoutElsewhere(scope, wait);
                assertThat(e.getMessage()).contains(scope.value());
                assertThat(e.scope()).isEqualTo(scope);
                assertThat(e.waited()).isEqualTo(wait);
            }
        }
        assertThat(freeForOthers(scope)).as("a timed-out waiter holds nothing").isTrue();
    }

    @Test
    @DisplayName("closing a lease is idempotent and never releases a later holder")
    void closeIsIdempotent() {
        TxScope scope = freshScope("close");
        Lease first = mutex().acquire(scope, LONG);
        first.close();
        first.close();
        try (Lease second = mutex().acquire(scope, LONG)) {
            first.close();
            assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
            assertThat(freeForOthers(scope)).isFalse();
        }
        assertThat(freeForOthers(scope)).isTrue();
    }

    @Test
    @DisplayName("Scenario: Fencing token only grows")
    void fencingTokenOnlyGrows() {
        long seed = Seeds.seed();
        List<TxScope> scopes = List.of(freshScope("fence-a"), freshScope("fence-b"), freshScope("fence-c"));
        Map<TxScope, Queue<Long>> tokens = new ConcurrentHashMap<>();
        scopes.forEach(s -> tokens.put(s, new ConcurrentLinkedQueue<>()));
        AtomicLong attempts = new AtomicLong();

        Concurrently.run(4, attempts::get, i -> {
            Random random = new Random(seed + i);
            for (int k = 0; k < 250; k++) {
                TxScope scope = scopes.get(random.nextInt(scopes.size()));
                Optional<Lease> lease = random.nextInt(3) == 0 ? mutex().tryAcquire(scope)
                        : Optional.of(mutex().acquire(scope, LONG));
                // recorded while held, so queue order is lease order
                lease.ifPresent(l -> {
                    try (l) {
                        tokens.get(scope).add(l.fencingToken());
                    }
                });
                attempts.incrementAndGet();
            }
            return null;
        });

        for (TxScope scope : scopes) {
            List<Long> inLeaseOrder = new ArrayList<>(tokens.get(scope));
            assertThat(inLeaseOrder).as("seed=" + seed + " " + scope).isNotEmpty().doesNotHaveDuplicates().isSorted();
        }
    }

    @Test
    @DisplayName("a thread interrupted while waiting gets MutexInterruptedException, keeps its flag and holds nothing")
    void interruptWhileWaiting() {
        TxScope scope = freshScope("interrupt");
        try (Lease held = mutex().acquire(scope, LONG)) {
            Concurrently.Task<Boolean> waiter = Concurrently.start(() -> interruptedWait(scope));
            Concurrently.awaitParked(waiter.thread());
            waiter.thread().interrupt();
            assertThat(waiter.join()).as("interrupt flag set again").isTrue();
        }
        assertThat(freeForOthers(scope)).isTrue();
    }

    @Test
    @DisplayName("a thread already interrupted does not wait for a held scope")
    void interruptBeforeWaiting() {
        TxScope scope = freshScope("interrupted");
        try (Lease held = mutex().acquire(scope, LONG)) {
            assertThat(interruptedWaitElsewhere(scope)).as("interrupt flag set again").isTrue();
        }
        assertThat(freeForOthers(scope)).isTrue();
    }

    @Test
    @DisplayName("releasing a lease lets the waiting thread in")
    void releasedLeaseLetsTheNextWaiterIn() {
        TxScope scope = freshScope("handover");
        Lease held = mutex().acquire(scope, LONG);
        Concurrently.Task<Long> waiter = Concurrently.start(() -> {
            try (Lease next = mutex().acquire(scope, LONG)) {
                return next.fencingToken();
            }
        });
        Concurrently.awaitParked(waiter.thread());
        held.close();
        assertThat(waiter.join()).isGreaterThan(held.fencingToken());
    }

    @Test
    @DisplayName("Scenario: Unguarded counter under one scope")
    void unguardedCounterUnderOneScope() {
        long seed = Seeds.seed();
        TxScope scope = freshScope("counter");
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        // 16,000 leases can take a database implementation over a minute on a loaded machine (seen on
        // PostgreSQL under two CPU burners): bounded on progress, not on the whole run
        AtomicLong leases = new AtomicLong();

        Concurrently.run(COUNTER_THREADS, leases::get, i -> {
            Random random = new Random(seed + i);
            for (int k = 0; k < INCREMENTS_PER_THREAD; k++) {
                Duration wait = LONG.plusMillis(random.nextInt(30_000));
                Lease lease = random.nextInt(4) == 0
                        ? mutex().tryAcquire(scope).orElseGet(() -> mutex().acquire(scope, wait))
                        : mutex().acquire(scope, wait);
                try (lease) {
                    maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    long read = unguardedCounter;
                    if (random.nextInt(8) == 0) {
                        // widens the read-modify-write window so a second holder would lose updates
                        Thread.yield();
                    }
                    unguardedCounter = read + 1;
                    inside.decrementAndGet();
                }
                leases.incrementAndGet();
            }
            return null;
        });

        assertThat(unguardedCounter).as("seed=" + seed).isEqualTo((long) COUNTER_THREADS * INCREMENTS_PER_THREAD);
        assertThat(maxInside.get()).as("seed=" + seed + " max concurrent holders").isEqualTo(1);
    }

    @Test
    @DisplayName("Scenario: Distinct scopes run in parallel")
    void distinctScopesRunInParallel() {
        CyclicBarrier allHolding = new CyclicBarrier(PARALLEL_SCOPES);
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();

        Concurrently.run(PARALLEL_SCOPES, i -> {
            try (Lease lease = mutex().acquire(freshScope("parallel-" + i), LONG)) {
                maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                // only passes if every scope is held at once: scopes that excluded each other would time out here
                allHolding.await(Concurrently.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                holders.decrementAndGet();
                return lease.fencingToken();
            } catch (Exception e) {
                throw new AssertionError("scope " + i + " was not held alongside the others", e);
            }
        });

        assertThat(maxHolders.get()).as("measured concurrent holders").isGreaterThanOrEqualTo(PARALLEL_SCOPES);
    }

    // ---- helpers, also for implementation-specific tests ------------------------------------------

    /** Whether another thread can take {@code scope} right now (it releases it again at once). */
    protected final boolean freeForOthers(TxScope scope) {
        return Concurrently.onOtherThread(() -> {
            Optional<Lease> lease = mutex().tryAcquire(scope);
            lease.ifPresent(Lease::close);
            return lease.isPresent();
        });
    }

    /** Another thread waits {@code wait} for the held {@code scope}; returns the timeout it must get. */
    protected final MutexTimeoutException timeoutElsewhere(TxScope scope, Duration wait) {
        MutexTimeoutException e = Concurrently.onOtherThread(
                () -> catchThrowableOfType(MutexTimeoutException.class, () -> mutex().acquire(scope, wait).close()));
        assertThat(e).as("waiting for a held scope times out").isNotNull();
        return e;
    }

    /**
     * Another thread, interrupted before it asks, waits for the held {@code scope}; returns whether its
     * interrupt flag was set again after the MutexInterruptedException it must get.
     */
    protected final boolean interruptedWaitElsewhere(TxScope scope) {
        return Concurrently.onOtherThread(() -> {
            Thread.currentThread().interrupt();
            return interruptedWait(scope);
        });
    }

    private boolean interruptedWait(TxScope scope) {
        assertThatThrownBy(() -> mutex().acquire(scope, LONG).close())
                .isInstanceOf(MutexInterruptedException.class)
                .hasMessageContaining(scope.value());
        return Thread.currentThread().isInterrupted();
    }
}
