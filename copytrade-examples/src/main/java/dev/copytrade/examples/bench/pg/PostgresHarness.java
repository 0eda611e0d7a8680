package dev.copytrade.examples.bench.pg;

import dev.copytrade.jdbi.CopyTradeSchema;
import dev.copytrade.jdbi.Dialect;
import dev.copytrade.jdbi.TableNames;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToDoubleFunction;

/**
 * The PostgreSQL benchmark harness: database round trips, not CPU, so a plain main rather than JMH.
 * In one run, on one server:
 *
 * <ol>
 *   <li>RAW LIMIT: the two statements a trade needs (insert the record, mark it EXECUTED), hand-written,
 *       one commit each, from N threads;
 *   <li>PIPELINE: {@code CopyTradeExecutor.execute} on {@code JdbiCopyTradeStore}, N followers on N
 *       signers driven by N threads, and its ratio to the raw limit;
 *   <li>SWEEP SCALING: the same number of stale records swept from a small and a large table, and the
 *       plan of the claim query;
 *   <li>MUTEX: {@code JdbiScopedTxMutex} acquire + release round trips, uncontended, within one process and
 *       across two.
 *   <li>with {@code --fan-out}, {@link FanOutBenchmark} at its defaults.
 * </ol>
 *
 * By default it starts an embedded PostgreSQL 17 with fsync and synchronous_commit on; {@code --jdbc-url}
 * measures a real server instead (the harness creates its own tables and drops them at the end).
 * Run: {@code ./mvnw -q -pl copytrade-examples -am test-compile exec:java
 * -Dexec.mainClass=dev.copytrade.examples.bench.pg.PostgresHarness -Dexec.args="--trades 20000"}
 * ({@code test-compile}, not {@code compile}: exec:java resolves test-scope dependencies in every reactor
 * module, and copytrade-jdbi's tests need copytrade-core's test classes, which {@code compile} does not build).
 */
public final class PostgresHarness {

    /**
     * The headline numbers. Sweep figures are null with {@code --skip-sweep}.
     *
     * @param raw trades/s of the hand-written statements, over the measured runs
     * @param store trades/s of the store alone (only with {@code --breakdown}, else null)
     * @param pipeline trades/s of the pipeline, over the measured runs
     * @param ratio pipeline median ÷ raw median
     * @param sweepSmall milliseconds to sweep the stale rows of the small table
     * @param sweepBig milliseconds to sweep the stale rows of the large table
     * @param sweepRatio big median ÷ small median
     * @param claimRatio the same ratio for the claim statements alone
     * @param claimUsesPartialIndex whether the claim's plan on the large table names the in-flight index
     * @param mutex acquire + release round trips per second by shape ({@code MutexRoundTrips.SHAPES} names),
     *     empty with {@code --skip-mutex}
     * @param fanOut the fan-out benchmark's numbers with {@code --fan-out}, else null
     */
    public record Results(Stats raw, Stats store, Stats pipeline, double ratio, Stats sweepSmall, Stats sweepBig,
            double sweepRatio, double claimRatio, boolean claimUsesPartialIndex, Map<String, Stats> mutex,
            FanOutBenchmark.Results fanOut) {

        Results withFanOut(FanOutBenchmark.Results f) {
            return new Results(raw, store, pipeline, ratio, sweepSmall, sweepBig, sweepRatio, claimRatio,
                    claimUsesPartialIndex, mutex, f);
        }
    }

    private static final String RULE = "-".repeat(100);

    private PostgresHarness() {}

    public static void main(String[] args) {
        // zonky, Hikari and the sweeper log at INFO to stderr; the report is what matters here
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        HarnessOptions o;
        try {
            o = HarnessOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("PostgresHarness: " + e.getMessage());
            System.err.println(HarnessOptions.USAGE);
            System.exit(2);
            return;
        }
        if (o.help()) {
            System.out.println(HarnessOptions.USAGE);
            return;
        }
        try {
            run(o, System.out);
        } catch (Exception e) {
            System.err.println("PostgresHarness failed: " + e);
            e.printStackTrace();
            System.exit(3);
        }
    }

    /** Runs every measurement and prints the report; throws {@link IllegalArgumentException} for bad options. */
    public static Results run(String[] args, PrintStream out) throws Exception {
        return run(HarnessOptions.parse(args), out);
    }

    static Results run(HarnessOptions o, PrintStream out) throws Exception {
        out.println("copytrade PostgreSQL harness: durable write path, sweep scaling, cross-process mutex");
        out.println(RULE);
        out.println("options:    " + o);
        double loadAtStart = ServerProbe.loadAverage();
        try (ServerProbe server = ServerProbe.start(o)) {
            server.describe().forEach(out::println);
            out.printf("load:       1-minute load average %.2f at start on %d cores%s%n", loadAtStart,
                    Runtime.getRuntime().availableProcessors(), loadAtStart > Runtime.getRuntime().availableProcessors()
                            ? " (the machine is busy with other work: absolute numbers are pessimistic and noisy;"
                            + " the ratios matter more)" : "");
            printLegend(out);
            String run = "ctb" + UUID.randomUUID().toString().substring(0, 6) + "_";
            List<TableNames> created = new ArrayList<>();
            CountingDataSource counted = new CountingDataSource(server.pool());
            try {
                Results r = new Results(null, null, null, Double.NaN, null, null, 0, 0, false, Map.of(), null);
                if (!o.mutexOnly()) {
                    WriteResults w = writes(o, server, counted, run, created, out);
                    r = new Results(w.raw, w.store, w.pipeline, w.pipeline.median() / w.raw.median(), null, null, 0, 0,
                            false, Map.of(), null);
                    if (!o.skipSweep()) {
                        r = sweeps(o, server, counted, run, created, r, out);
                    }
                }
                if (!o.skipMutex()) {
                    r = withMutex(r, mutex(o, server, run, created, out));
                }
                if (o.fanOut()) {
                    out.println(RULE);
                    out.println("[5] FAN-OUT (FanOutBenchmark at its defaults, on this server)");
                    r = r.withFanOut(FanOutBenchmark.run(FanOutBenchmark.Options.parse(new String[0]), server, out));
                }
                out.println(RULE);
                out.printf("load:       1-minute load average %.2f at the end%n", ServerProbe.loadAverage());
                return r;
            } finally {
                for (TableNames t : created) {
                    server.drop(t);
                }
            }
        }
    }

    private static void printLegend(PrintStream out) {
        out.println();
        out.println("How to read the numbers");
        out.println("  trades/s      trades completed ÷ wall time from the start gate (all threads ready) to the last");
        out.println("                thread finishing; one trade = its record inserted PENDING, then marked EXECUTED");
        out.println("  p50/p99 ms    one trade's latency as its thread saw it (both writes), nearest-rank percentile");
        out.println("  stmt/tr       SQL statements executed per trade, counted by a JDBC wrapper around the pool");
        out.println("  commit/tr     transactions committed per trade (auto-commit statements + explicit commits)");
        out.println("  borrow/tr     connections borrowed from the pool per trade");
        out.println("  WAL B/tr      bytes of WAL the server wrote during the run ÷ trades (whole server)");
        out.println("  cpu µs/tr     CPU time of the benchmark's own threads ÷ trades: client work per trade");
        out.println("  jvm µs/tr     CPU time of the whole JVM (also pool, GC, JIT) ÷ trades");
        out.println("  pg µs/tr      CPU time of the embedded server's processes ÷ trades (n/a for --jdbc-url)");
        out.println("  load          1-minute load average when the run ended (2 cores: above 2 means queueing)");
        out.println("  median        middle of the measured runs; spread = (max − min) ÷ median");
        out.println("  ratio         pipeline median ÷ raw median: how much of the raw database limit the");
        out.println("                pipeline reaches (target ≥ 0.80)");
        out.println("  sweep ms      wall time of one StaleSweeper.runOnce() that claims and expires every stale row");
        out.println("  claim ms      the part of it spent in claimStale (the only statement that searches the table);");
        out.println("                the rest is one compare-and-set commit per record, the same on any table size");
        out.println("  ops/s         (mutex) acquire + release pairs completed ÷ wall time, all threads of all pools;");
        out.println("                p50/p99 and stmt/commit/borrow/WAL are per pair");
    }

    private record WriteResults(Stats raw, Stats store, Stats pipeline) {}

    private static WriteResults writes(HarnessOptions o, ServerProbe server, CountingDataSource counted, String run,
            List<TableNames> created, PrintStream out) throws Exception {
        TableNames rawNames = new TableNames(null, run + "raw_");
        TableNames storeNames = new TableNames(null, run + "store_");
        TableNames pipeNames = new TableNames(null, run + "pipe_");
        for (TableNames t : o.breakdown() ? List.of(rawNames, storeNames, pipeNames) : List.of(rawNames, pipeNames)) {
            created.add(t);
            CopyTradeSchema.migrate(server.pool(), Dialect.POSTGRESQL, t);
        }
        out.println();
        out.println(RULE);
        out.println("[1] RAW LIMIT: hand-written SQL on the same pool, auto-commit (one commit per statement), table "
                + rawNames.recordTable());
        out.println("      INSERT INTO … (27 columns, a realistic row) VALUES (…) ON CONFLICT (idempotency_key) DO NOTHING"
                + " RETURNING id");
        out.println("      UPDATE … SET status = 'EXECUTED', updated_at, version + 1, venue_ref, fill_*, lease = NULL"
                + " WHERE id = ? AND status = 'PENDING'");
        out.println("[2] PIPELINE: CopyTradeExecutor.execute(trade, follower) on JdbiCopyTradeStore, table "
                + pipeNames.recordTable());
        out.println("      SimulatedChainAdapter (zero latency, prepares no references: PENDING → EXECUTED directly);");
        out.println("      guardrails: RealTradingSwitch (built in; passes a simulated venue), EmergencyPause(false),");
        out.printf("      MaxNotionalPerTrade($100, SKIP), FollowerAllowlist(%d wallets); %d followers on %d distinct"
                + " signers,%n", o.threads(), o.threads(), o.threads());
        out.printf("      one thread each, every trade a distinct signal; a $5 fixed policy at price 0.5 (10 shares)%n");
        if (o.breakdown()) {
            out.println("[2b] STORE ONLY (--breakdown, diagnostic): JdbiCopyTradeStore.prewrite(draft) then"
                    + " transition(EXECUTED), no executor, table " + storeNames.recordTable());
        }
        out.printf("    %d threads; warm-up %,d trades each; %d measured rounds of %,d trades each, raw and pipeline"
                + " interleaved (order reversed every other round)%n", o.threads(), o.warmup(), o.runs(), o.trades());
        out.println();
        out.printf("  %-16s %6s %7s %8s %6s %6s %7s %9s %9s %8s %9s %9s %8s %5s%n", "run", "trades", "seconds",
                "trades/s", "p50 ms", "p99 ms", "stmt/tr", "commit/tr", "borrow/tr", "WAL B/tr", "cpu µs/tr",
                "jvm µs/tr", "pg µs/tr", "load");
        List<WriteBenchmark.Sample> raw = new ArrayList<>();
        List<WriteBenchmark.Sample> store = new ArrayList<>();
        List<WriteBenchmark.Sample> pipe = new ArrayList<>();
        try (WriteBenchmark bench = new WriteBenchmark(server, counted, rawNames, storeNames, pipeNames,
                o.threads())) {
            if (o.warmup() > 0) {
                int n = Math.max(o.warmup(), o.threads());
                print(out, bench.raw("warmup", n));
                if (o.breakdown()) {
                    print(out, bench.storeOnly("warmup", n));
                }
                print(out, bench.pipeline("warmup", n));
            }
            for (int i = 0; i < o.runs(); i++) {
                String tag = "run" + (i + 1);
                // every other round runs in reverse, so neither side always follows the other's vacuum debt
                boolean rawFirst = i % 2 == 0;
                if (rawFirst) {
                    raw.add(print(out, bench.raw(tag, o.trades())));
                } else {
                    pipe.add(print(out, bench.pipeline(tag, o.trades())));
                }
                if (o.breakdown()) {
                    store.add(print(out, bench.storeOnly(tag, o.trades())));
                }
                if (rawFirst) {
                    pipe.add(print(out, bench.pipeline(tag, o.trades())));
                } else {
                    raw.add(print(out, bench.raw(tag, o.trades())));
                }
            }
        }
        Stats rawStats = stats(raw, WriteBenchmark.Sample::tradesPerSecond);
        Stats storeStats = o.breakdown() ? stats(store, WriteBenchmark.Sample::tradesPerSecond) : null;
        Stats pipeStats = stats(pipe, WriteBenchmark.Sample::tradesPerSecond);
        double ratio = pipeStats.median() / rawStats.median();
        StringBuilder rounds = new StringBuilder();
        for (int i = 0; i < raw.size(); i++) {
            rounds.append(String.format(" %.2f", pipe.get(i).tradesPerSecond() / raw.get(i).tradesPerSecond()));
        }
        out.println();
        out.println("  RESULT");
        out.printf("    raw       median %,9.0f trades/s   spread %5.1f%%  (%,.0f .. %,.0f)%n", rawStats.median(),
                rawStats.spreadPercent(), rawStats.min(), rawStats.max());
        if (storeStats != null) {
            out.printf("    store     median %,9.0f trades/s   spread %5.1f%%  (%,.0f .. %,.0f)   store/raw = %.2f%n",
                    storeStats.median(), storeStats.spreadPercent(), storeStats.min(), storeStats.max(),
                    storeStats.median() / rawStats.median());
        }
        out.printf("    pipeline  median %,9.0f trades/s   spread %5.1f%%  (%,.0f .. %,.0f)%n", pipeStats.median(),
                pipeStats.spreadPercent(), pipeStats.min(), pipeStats.max());
        out.printf("    ratio pipeline/raw = %.2f   target ≥ 0.80: %s   (per round:%s)%n", ratio,
                ratio >= 0.80 ? "MET" : "NOT MET", rounds);
        out.println("    where the difference is (medians, raw → pipeline):");
        out.printf("      statements/trade %.2f → %.2f, commits/trade %.2f → %.2f, WAL %.0f → %.0f B/trade%n",
                stats(raw, x -> x.perTrade(x.counts().statements())).median(),
                stats(pipe, x -> x.perTrade(x.counts().statements())).median(),
                stats(raw, x -> x.perTrade(x.counts().commits())).median(),
                stats(pipe, x -> x.perTrade(x.counts().commits())).median(),
                stats(raw, x -> x.perTrade(x.walBytes())).median(), stats(pipe, x -> x.perTrade(x.walBytes())).median());
        out.printf("      client CPU %.0f → %.0f µs/trade (benchmark threads), %.0f → %.0f µs/trade (whole JVM);"
                + " p50 latency %.2f → %.2f ms%n",
                stats(raw, x -> x.workerCpuNanos() / 1e3 / x.trades()).median(),
                stats(pipe, x -> x.workerCpuNanos() / 1e3 / x.trades()).median(),
                stats(raw, x -> x.jvmCpuNanos() / 1e3 / x.trades()).median(),
                stats(pipe, x -> x.jvmCpuNanos() / 1e3 / x.trades()).median(),
                stats(raw, x -> x.p50Nanos() / 1e6).median(), stats(pipe, x -> x.p50Nanos() / 1e6).median());
        if (raw.get(0).serverCpuNanos() >= 0) {
            double rawTotal = stats(raw, x -> (x.jvmCpuNanos() + x.serverCpuNanos()) / 1e3 / x.trades()).median();
            double pipeTotal = stats(pipe, x -> (x.jvmCpuNanos() + x.serverCpuNanos()) / 1e3 / x.trades()).median();
            double cores = Runtime.getRuntime().availableProcessors();
            out.printf("      server CPU %.0f → %.0f µs/trade; client + server CPU %.0f → %.0f µs/trade: if the %d cores"
                    + " are the bottleneck,%n      the pipeline can reach %.2f of raw (CPU ratio) against %.2f measured;"
                    + " CPU-bound at most %,.0f → %,.0f trades/s%n",
                    stats(raw, x -> x.serverCpuNanos() / 1e3 / x.trades()).median(),
                    stats(pipe, x -> x.serverCpuNanos() / 1e3 / x.trades()).median(), rawTotal, pipeTotal,
                    (int) cores, rawTotal / pipeTotal, ratio, cores * 1e6 / rawTotal, cores * 1e6 / pipeTotal);
        }
        return new WriteResults(rawStats, storeStats, pipeStats);
    }

    private static Stats stats(List<WriteBenchmark.Sample> runs, ToDoubleFunction<WriteBenchmark.Sample> metric) {
        return Stats.of(runs.stream().mapToDouble(metric).toArray());
    }

    private static WriteBenchmark.Sample print(PrintStream out, WriteBenchmark.Sample s) {
        out.printf("  %-16s %6d %7.2f %,8.0f %6.2f %6.2f %7.2f %9.2f %9.2f %8s %9.0f %9s %8s %5.2f%n", s.label(),
                s.trades(), s.elapsedNanos() / 1e9, s.tradesPerSecond(), s.p50Nanos() / 1e6, s.p99Nanos() / 1e6,
                s.perTrade(s.counts().statements()), s.perTrade(s.counts().commits()),
                s.perTrade(s.counts().checkouts()), s.walBytes() < 0 ? "n/a" : Long.toString(s.walBytes() / s.trades()),
                s.workerCpuNanos() / 1e3 / s.trades(),
                s.jvmCpuNanos() < 0 ? "n/a" : String.format("%.0f", s.jvmCpuNanos() / 1e3 / s.trades()),
                s.serverCpuNanos() < 0 ? "n/a" : String.format("%.0f", s.serverCpuNanos() / 1e3 / s.trades()), s.load());
        return s;
    }

    private static Results sweeps(HarnessOptions o, ServerProbe server, CountingDataSource counted, String run,
            List<TableNames> created, Results writes, PrintStream out) {
        out.println();
        out.println(RULE);
        out.printf("[3] SWEEP SCALING: %,d stale SUBMITTED records (lease an hour past) swept from a table of %,d rows"
                + " and one of %,d rows%n", o.stale(), o.smallTable(), o.bigTable());
        out.println("      StaleSweeper.builder(store, adapter).batchSize(100).build().runOnce(), the adapter a"
                + " SimulatedChainAdapter that never");
        out.println("      received them (lookup → NotFound → EXPIRED); before each run the stale rows are reset and the"
                + " table VACUUM ANALYZEd;");
        out.println("      a warm-up sweep on a third table first; rounds alternate which table goes first");
        SweepBenchmark bench = new SweepBenchmark(server, counted);
        TableNames warmNames = new TableNames(null, run + "sweepwarm_");
        TableNames smallNames = new TableNames(null, run + "small_");
        TableNames bigNames = new TableNames(null, run + "big_");
        created.addAll(List.of(warmNames, smallNames, bigNames));
        out.println();
        SweepBenchmark.Table warm = timedFill(bench, warmNames, 2 * o.stale(), o.stale(), out);
        SweepBenchmark.Table small = timedFill(bench, smallNames, o.smallTable(), o.stale(), out);
        SweepBenchmark.Table big = timedFill(bench, bigNames, o.bigTable(), o.stale(), out);
        for (SweepBenchmark.Table t : List.of(small, big)) {
            bench.check(t).forEach(l -> out.println("  " + l));
        }
        boolean usesIndex = true;
        for (SweepBenchmark.Table t : List.of(small, big)) {
            out.println();
            out.printf("  EXPLAIN (ANALYZE, BUFFERS) of the claim statement (claimStale's SQL, LIMIT 100) on %,d rows,"
                    + " rolled back:%n", t.rows());
            List<String> plan = bench.explainClaim(t, 100);
            plan.forEach(l -> out.println("    " + l));
            boolean named = plan.stream().anyMatch(l -> l.contains(t.inflightIndex()));
            usesIndex &= named;
            out.printf("    → uses the partial index %s: %s%n", t.inflightIndex(), named ? "yes" : "NO");
        }
        out.println();
        out.printf("  %-22s %9s %9s %10s %9s %7s %8s %9s %5s%n", "run", "sweep ms", "claim ms", "claims", "other ms",
                "stmts", "commits", "WAL kB", "load");
        print(out, "warm-up", bench.sweep(warm));
        SweepBenchmark.Sample last = null;
        double[] smallMs = new double[o.runs()];
        double[] bigMs = new double[o.runs()];
        double[] smallClaim = new double[o.runs()];
        double[] bigClaim = new double[o.runs()];
        for (int i = 0; i < o.runs(); i++) {
            // alternate which table goes first, as in the write rounds
            SweepBenchmark.Table first = i % 2 == 0 ? small : big;
            SweepBenchmark.Table second = first == small ? big : small;
            SweepBenchmark.Sample a = print(out, String.format("run%d %,d rows", i + 1, first.rows()), bench.sweep(first));
            SweepBenchmark.Sample z = print(out, String.format("run%d %,d rows", i + 1, second.rows()),
                    bench.sweep(second));
            SweepBenchmark.Sample s = first == small ? a : z;
            SweepBenchmark.Sample b = first == small ? z : a;
            last = b;
            smallMs[i] = s.elapsedNanos() / 1e6;
            bigMs[i] = b.elapsedNanos() / 1e6;
            smallClaim[i] = s.claimNanos() / 1e6;
            bigClaim[i] = b.claimNanos() / 1e6;
        }
        Stats sm = Stats.of(smallMs);
        Stats bg = Stats.of(bigMs);
        Stats smClaim = Stats.of(smallClaim);
        Stats bgClaim = Stats.of(bigClaim);
        double ratio = bg.median() / sm.median();
        double claimRatio = bgClaim.median() / smClaim.median();
        out.println();
        out.println("  RESULT");
        out.printf("    %,11d rows  sweep median %8.1f ms  spread %5.1f%%  (claims alone: median %6.1f ms)%n",
                small.rows(), sm.median(), sm.spreadPercent(), smClaim.median());
        out.printf("    %,11d rows  sweep median %8.1f ms  spread %5.1f%%  (claims alone: median %6.1f ms)%n",
                big.rows(), bg.median(), bg.spreadPercent(), bgClaim.median());
        StringBuilder rounds = new StringBuilder();
        for (int i = 0; i < o.runs(); i++) {
            rounds.append(String.format(" %.2f", bigMs[i] / smallMs[i]));
        }
        out.printf("    ratio big/small = %.2f×   target ≤ 1.5×: %s   (claims alone: %.2f×; per round:%s)%n", ratio,
                ratio <= 1.5 ? "MET" : "NOT MET", claimRatio, rounds);
        out.printf("    where the time goes: one sweep of %,d records = %d statements and %d commits (a compare-and-set"
                + " commit per record);%n      claims are %.0f%% of the time, the rest is about %.2f ms per record"
                + " (small table) and %.2f ms (large), i.e. one durable commit each%n", o.stale(),
                last.counts().statements(), last.counts().commits(), 100 * bgClaim.median() / bg.median(),
                (sm.median() - smClaim.median()) / o.stale(), (bg.median() - bgClaim.median()) / o.stale());
        return new Results(writes.raw(), writes.store(), writes.pipeline(), writes.ratio(), sm, bg, ratio, claimRatio,
                usesIndex, Map.of(), null);
    }

    private static Results withMutex(Results r, Map<String, Stats> mutex) {
        return new Results(r.raw(), r.store(), r.pipeline(), r.ratio(), r.sweepSmall(), r.sweepBig(), r.sweepRatio(),
                r.claimRatio(), r.claimUsesPartialIndex(), mutex, r.fanOut());
    }

    private static Map<String, Stats> mutex(HarnessOptions o, ServerProbe server, String run, List<TableNames> created,
            PrintStream out) throws Exception {
        TableNames names = new TableNames(null, run + "mutex_");
        created.add(names);
        CopyTradeSchema.migrate(server.pool(), Dialect.POSTGRESQL, names);
        out.println();
        out.println(RULE);
        out.printf("[4] MUTEX: JdbiScopedTxMutex acquire(scope) + close(), %,d per run and shape, table %s%n",
                o.mutexOps(), names.mutexFenceTable());
        out.println("      acquire = pool checkout + one statement (pg_try_advisory_lock, then the fence row's token + 1,"
                + " one durable commit);");
        out.println("      release = pg_advisory_unlock + connection back to the pool. Waiters of one process queue in"
                + " the process,");
        out.println("      waiters of another process wait in the database (SET lock_timeout + pg_advisory_lock, in"
                + " slices of 200 ms).");
        out.println("      Each pool is one \"process\" with its own mutex; threads pick scopes at random; a plain"
                + " counter per scope,");
        out.println("      incremented under the lease, is checked exact after every run. A warm-up run of each shape"
                + " first.");
        out.println();
        out.printf("  %-34s %6s %7s %9s %7s %7s %8s %9s %9s %8s %5s%n", "run", "ops", "seconds", "ops/s", "p50 ms",
                "p99 ms", "stmt/op", "commit/op", "borrow/op", "WAL B/op", "load");
        MutexRoundTrips bench = new MutexRoundTrips(server, names);
        Map<String, List<MutexRoundTrips.Sample>> samples = new LinkedHashMap<>();
        for (MutexRoundTrips.Shape shape : MutexRoundTrips.SHAPES) {
            print(out, bench.measure("warmup", shape, Math.max(shape.pools() * shape.threadsPerPool(), o.mutexOps() / 4)));
            samples.put(shape.name(), new ArrayList<>());
        }
        for (int i = 0; i < o.runs(); i++) {
            for (MutexRoundTrips.Shape shape : MutexRoundTrips.SHAPES) {
                samples.get(shape.name()).add(print(out, bench.measure("run" + (i + 1), shape, o.mutexOps())));
            }
        }
        out.println();
        out.println("  RESULT (medians)");
        Map<String, Stats> results = new LinkedHashMap<>();
        samples.forEach((shape, list) -> {
            Stats ops = Stats.of(list.stream().mapToDouble(MutexRoundTrips.Sample::opsPerSecond).toArray());
            Stats p50 = Stats.of(list.stream().mapToDouble(x -> x.p50Nanos() / 1e6).toArray());
            Stats p99 = Stats.of(list.stream().mapToDouble(x -> x.p99Nanos() / 1e6).toArray());
            results.put(shape, ops);
            out.printf("    %-28s %,9.0f acquire+release/s   spread %5.1f%%   p50 %6.2f ms   p99 %6.2f ms%n", shape,
                    ops.median(), ops.spreadPercent(), p50.median(), p99.median());
        });
        return results;
    }

    private static MutexRoundTrips.Sample print(PrintStream out, MutexRoundTrips.Sample s) {
        out.printf("  %-34s %6d %7.2f %,9.0f %7.2f %7.2f %8.2f %9.2f %9.2f %8s %5.2f%n", s.label(), s.ops(),
                s.elapsedNanos() / 1e9, s.opsPerSecond(), s.p50Nanos() / 1e6, s.p99Nanos() / 1e6,
                s.perOp(s.counts().statements()), s.perOp(s.counts().commits()), s.perOp(s.counts().checkouts()),
                s.walBytes() < 0 ? "n/a" : Long.toString(s.walBytes() / s.ops()), s.load());
        return s;
    }

    private static SweepBenchmark.Table timedFill(SweepBenchmark bench, TableNames names, int rows, int stale,
            PrintStream out) {
        long t0 = System.nanoTime();
        SweepBenchmark.Table t = bench.fill(names, rows, stale);
        out.printf("  filled %s with %,d rows in %.1f s (INSERT … SELECT generate_series, then VACUUM ANALYZE)%n",
                t.name(), rows, (System.nanoTime() - t0) / 1e9);
        return t;
    }

    private static SweepBenchmark.Sample print(PrintStream out, String label, SweepBenchmark.Sample s) {
        double ms = s.elapsedNanos() / 1e6;
        double claim = s.claimNanos() / 1e6;
        out.printf("  %-22s %9.1f %9.1f %10d %9.1f %7d %8d %9s %5.2f%n", label, ms, claim, s.claims(), ms - claim,
                s.counts().statements(), s.counts().commits(),
                s.walBytes() < 0 ? "n/a" : Long.toString(s.walBytes() / 1024), s.load());
        return s;
    }
}
