package dev.copytrade.examples.bench;

import dev.copytrade.core.model.Address;
import dev.copytrade.core.mutex.LocalScopedTxMutex;
import dev.copytrade.core.mutex.ScopedTxMutex;
import dev.copytrade.core.mutex.TxScope;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The in-process signer lock, uncontended, on one thread: what the executor pays per order for
 * {@code LocalScopedTxMutex.acquire(scope) … close()} when nobody else holds the signer. The scope's entry
 * is created on acquire and evicted on close, as it is for a signer that is not busy.
 *
 * <ul>
 *   <li>{@link #acquireRelease}: {@code acquire(scope, timeout)} then {@code close()}, 64 signer scopes in
 *       turn;
 *   <li>{@link #tryAcquireRelease}: the same with {@code tryAcquire(scope)} (the exclusive sweeper's call);
 *   <li>{@link #sameScope}: one scope over and over.
 * </ul>
 *
 * The cross-process (PostgreSQL) mutex is a database round trip, measured by the PostgreSQL harness
 * ({@code bench.pg.PostgresHarness}, section [4]), not here.
 *
 * <pre>
 * ./mvnw -q -o -pl copytrade-examples -am package -DskipTests
 * java -jar copytrade-examples/target/benchmarks.jar MutexBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Threads(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MutexBenchmark {
    private static final int SCOPES = 64;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final TxScope[] scopes = new TxScope[SCOPES];
    private LocalScopedTxMutex mutex;
    private int next;

    @Setup
    public void setUp() {
        mutex = new LocalScopedTxMutex();
        for (int i = 0; i < SCOPES; i++) {
            scopes[i] = TxScope.signer(137, Address.of(String.format("0x%040x", 0x5167e5L + i)));
        }
    }

    @TearDown
    public void check() {
        // every op released what it took: a leak would be a lock never given back
        if (mutex.activeScopes() != 0) {
            throw new IllegalStateException(mutex.activeScopes() + " scopes left held or waited for");
        }
    }

    @Benchmark
    public long acquireRelease() {
        TxScope scope = scopes[next];
        next = (next + 1) & (SCOPES - 1);
        try (ScopedTxMutex.Lease lease = mutex.acquire(scope, TIMEOUT)) {
            return lease.fencingToken();
        }
    }

    @Benchmark
    public long tryAcquireRelease() {
        TxScope scope = scopes[next];
        next = (next + 1) & (SCOPES - 1);
        Optional<ScopedTxMutex.Lease> lease = mutex.tryAcquire(scope);
        if (lease.isEmpty()) {
            throw new IllegalStateException("uncontended scope " + scope + " was not free");
        }
        try (ScopedTxMutex.Lease held = lease.get()) {
            return held.fencingToken();
        }
    }

    @Benchmark
    public long sameScope() {
        try (ScopedTxMutex.Lease lease = mutex.acquire(scopes[0], TIMEOUT)) {
            return lease.fencingToken();
        }
    }
}
