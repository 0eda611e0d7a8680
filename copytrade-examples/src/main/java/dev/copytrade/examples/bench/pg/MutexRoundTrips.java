package dev.copytrade.examples.bench.pg;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.mutex.ScopedTxMutex;
import dev.copytrade.core.mutex.TxScope;
import dev.copytrade.examples.bench.pg.CountingDataSource.Counts;
import dev.copytrade.jdbi.Dialect;
import dev.copytrade.jdbi.JdbiScopedTxMutex;
import dev.copytrade.jdbi.TableNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Measurement 4: {@link JdbiScopedTxMutex} acquire + release round trips, each {@code acquire(scope)} then
 * {@code close()} with nothing in between but a plain per-scope counter increment (checked exact at the
 * end, so a fast number cannot come from a lock that did not exclude). Shapes:
 *
 * <ul>
 *   <li>uncontended: one thread, scopes in turn, never waiting: the bare cost of one lease (a pool checkout,
 *       the lock-and-fence statement with its durable commit, the unlock statement);
 *   <li>one process, several threads on a few scopes: waiting happens in the process's own queue;
 *   <li>two processes (two pools, each with its own mutex) on a few scopes, and on one scope (every thread
 *       of both processes sharing one signer): waiting happens in the database.
 * </ul>
 */
final class MutexRoundTrips {
    /** One measured (or warm-up) run; latencies are one acquire + release as its thread saw it. */
    record Sample(String label, int pools, int threadsPerPool, int scopes, int ops, long elapsedNanos, long p50Nanos,
            long p99Nanos, Counts counts, long walBytes, double load) {
        double opsPerSecond() {
            return ops * 1e9 / elapsedNanos;
        }

        double perOp(long n) {
            return (double) n / ops;
        }
    }

    /** The shapes measured, in report order. */
    record Shape(String name, int pools, int threadsPerPool, int scopes) {}

    static final List<Shape> SHAPES = List.of(new Shape("uncontended", 1, 1, 8), new Shape("1 pool x 8 thr, 8 scopes", 1, 8, 8),
            new Shape("2 pools x 4 thr, 8 scopes", 2, 4, 8), new Shape("2 pools x 4 thr, 1 scope", 2, 4, 1));

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final ServerProbe server;
    private final TableNames names;
    private int run;

    MutexRoundTrips(ServerProbe server, TableNames names) {
        this.server = server;
        this.names = names;
    }

    Sample measure(String tag, Shape shape, int ops) throws Exception {
        List<HikariDataSource> pools = new ArrayList<>();
        List<CountingDataSource> counted = new ArrayList<>();
        List<ScopedTxMutex> mutexes = new ArrayList<>();
        for (int p = 0; p < shape.pools(); p++) {
            // one connection per thread holding a lease, plus one
            HikariDataSource pool = server.newPool(shape.threadsPerPool() + 1);
            pools.add(pool);
            CountingDataSource c = new CountingDataSource(pool);
            counted.add(c);
            mutexes.add(JdbiScopedTxMutex.builder(c).dialect(Dialect.POSTGRESQL).tableNames(names)
                    .holder("bench-" + p).build());
        }
        int threads = shape.pools() * shape.threadsPerPool();
        TxScope[] scopes = new TxScope[shape.scopes()];
        run++;
        for (int s = 0; s < scopes.length; s++) {
            scopes[s] = TxScope.of("bench:" + run + ":signer-" + s);
        }
        long[] counters = new long[scopes.length];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads + 1);
            List<Future<long[]>> futures = new ArrayList<>();
            int perThread = ops / threads;
            for (int t = 0; t < threads; t++) {
                ScopedTxMutex mutex = mutexes.get(t % mutexes.size());
                SplittableRandom random = new SplittableRandom(t);
                int first = t;
                futures.add(pool.submit(() -> {
                    long[] nanos = new long[perThread];
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        // one thread walks the scopes in turn; several pick at random
                        int s = threads == 1 ? (first + i) % scopes.length : random.nextInt(scopes.length);
                        long t0 = System.nanoTime();
                        try (ScopedTxMutex.Lease lease = mutex.acquire(scopes[s], WAIT)) {
                            counters[s]++;
                        }
                        nanos[i] = System.nanoTime() - t0;
                    }
                    return nanos;
                }));
            }
            Counts before = sum(counted);
            long wal0 = server.walPosition();
            start.await();
            long t0 = System.nanoTime();
            List<long[]> all = new ArrayList<>();
            for (Future<long[]> f : futures) {
                all.add(f.get(30, TimeUnit.MINUTES));
            }
            long elapsed = System.nanoTime() - t0;
            long wal = wal0 < 0 ? -1 : server.walPosition() - wal0;
            Counts counts = sum(counted).minus(before);
            int done = perThread * threads;
            long total = Arrays.stream(counters).sum();
            if (total != done) {
                throw new IllegalStateException(shape.name() + ": " + done + " leases incremented the counters to " + total
                        + ": the mutex let two holders in");
            }
            long[] latencies = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            return new Sample(tag + " " + shape.name(), shape.pools(), shape.threadsPerPool(), shape.scopes(), done,
                    elapsed, Stats.percentile(latencies, 50), Stats.percentile(latencies, 99), counts, wal,
                    ServerProbe.loadAverage());
        } finally {
            pool.shutdownNow();
            pools.forEach(HikariDataSource::close);
        }
    }

    private static Counts sum(List<CountingDataSource> sources) {
        long checkouts = 0;
        long statements = 0;
        long commits = 0;
        for (CountingDataSource c : sources) {
            Counts n = c.snapshot();
            checkouts += n.checkouts();
            statements += n.statements();
            commits += n.commits();
        }
        return new Counts(checkouts, statements, commits);
    }
}
