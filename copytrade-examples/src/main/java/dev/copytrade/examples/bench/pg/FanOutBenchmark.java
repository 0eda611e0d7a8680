package dev.copytrade.examples.bench.pg;

import dev.copytrade.core.cap.CapPolicy;
import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.guardrail.EmergencyPause;
import dev.copytrade.core.guardrail.FollowerAllowlist;
import dev.copytrade.core.guardrail.GuardrailChain;
import dev.copytrade.core.guardrail.MaxNotionalPerTrade;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.examples.bench.pg.CountingDataSource.Counts;
import dev.copytrade.jdbi.CopyTradeSchema;
import dev.copytrade.jdbi.Dialect;
import dev.copytrade.jdbi.JdbiCapLedger;
import dev.copytrade.jdbi.JdbiCopyTradeStore;
import dev.copytrade.jdbi.TableNames;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Fan-out at scale on PostgreSQL: one leader trade copied for many followers on distinct signers, with a
 * zero-latency simulated venue, so what is measured is the durable write path. In one run, on one server:
 *
 * <ol>
 *   <li>FAN-OUT: {@code executeAll(trade, followers)} (every record prewritten in one commit, then sent,
 *       then finalized in group commits), end to end, over several runs;
 *   <li>PER-FOLLOWER: the same followers through {@code execute(trade, follower)}, one call per follower
 *       from as many threads as the fan-out's parallelism, with group commit off (two commits per follower,
 *       as before fan-out support) and with {@code groupCommitExecutes} (the final writes of concurrent
 *       calls share commits);
 *   <li>SUSTAINED: fan-outs of a smaller set of followers back to back for a while: fan-outs per second;
 *   <li>with {@code --caps}, FAN-OUT again with a {@code JdbiCapLedger} (a global money cap and a per-follower
 *       trade count), to show what the reservations and their settlement add;
 *   <li>LONE EXECUTE: one {@code execute} at a time from one thread, group commit off and with
 *       {@code groupCommitExecutes}: a lone execution is written at once, so it must cost it nothing.
 * </ol>
 *
 * By default it starts an embedded PostgreSQL 17 with fsync and synchronous_commit on; {@code --jdbc-url}
 * measures a real server (its own tables, dropped at the end). Run:
 * {@code ./mvnw -q -pl copytrade-examples -am test-compile exec:java
 * -Dexec.mainClass=dev.copytrade.examples.bench.pg.FanOutBenchmark -Dexec.args="--followers 1000"}, or
 * {@code PostgresHarness --fan-out}.
 */
public final class FanOutBenchmark {

    /**
     * The headline numbers, in milliseconds per fan-out (or per round of per-follower calls).
     *
     * @param fanOut {@code executeAll} of all followers, end to end
     * @param perFollowerSingle {@code execute} per follower, group commit off
     * @param perFollowerGrouped {@code execute} per follower, with {@code groupCommitExecutes}
     * @param sustainedPerSecond fan-outs of {@code sustainFollowers} completed per second, back to back
     * @param sustained one sustained fan-out's time
     * @param capped {@code executeAll} with caps ({@code --caps}), else null
     * @param loneSingle one {@code execute} at a time from one thread, group commit off (ms per call)
     * @param loneGrouped the same with {@code groupCommitExecutes}: a lone execution must not wait for company
     */
    public record Results(Stats fanOut, Stats perFollowerSingle, Stats perFollowerGrouped, double sustainedPerSecond,
            Stats sustained, Stats capped, Stats loneSingle, Stats loneGrouped) {}

    /** The command line; {@link #parse} throws {@link IllegalArgumentException} naming the bad option. */
    record Options(int followers, int runs, int warmup, int sustainFollowers, int sustainSeconds, int parallelism,
            boolean caps, String jdbcUrl, String user, String password, boolean help) {

        static final String USAGE = String.join("\n",
                "usage: FanOutBenchmark [--followers N] [--runs N] [--warmup N] [--parallelism N]",
                "                       [--sustain-followers N] [--sustain-seconds N] [--caps]",
                "                       [--jdbc-url URL [--user U] [--password P]]",
                "  --followers N          followers of the one-trade fan-out, each on its own signer (default 1000)",
                "  --runs N               measured fan-outs, and rounds of per-follower calls (default 10)",
                "  --warmup N             fan-outs and rounds before measuring (default 5)",
                "  --parallelism N        signers driven at once (the executor's parallelism), and threads of the",
                "                         per-follower path (default 8, the executor's default)",
                "  --sustain-followers N  followers of each sustained fan-out (default 100)",
                "  --sustain-seconds N    how long the sustained fan-outs run (default 20)",
                "  --caps                 also measure the fan-out with a JdbiCapLedger",
                "  --jdbc-url URL         use this PostgreSQL instead of an embedded one (password may come from",
                "                         COPYTRADE_DB_PASSWORD); creates and drops its own tables");

        static Options parse(String[] args) {
            int followers = 1_000;
            int runs = 10;
            int warmup = 5;
            int sustainFollowers = 100;
            int sustainSeconds = 20;
            int parallelism = 8;
            boolean caps = false;
            boolean help = false;
            String url = null;
            String user = null;
            String password = System.getenv("COPYTRADE_DB_PASSWORD");
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--followers" -> followers = HarnessOptions.number(args, ++i, a, 1);
                    case "--runs" -> runs = HarnessOptions.number(args, ++i, a, 1);
                    case "--warmup" -> warmup = HarnessOptions.number(args, ++i, a, 0);
                    case "--sustain-followers" -> sustainFollowers = HarnessOptions.number(args, ++i, a, 1);
                    case "--sustain-seconds" -> sustainSeconds = HarnessOptions.number(args, ++i, a, 1);
                    case "--parallelism" -> parallelism = HarnessOptions.number(args, ++i, a, 1);
                    case "--caps" -> caps = true;
                    case "--jdbc-url" -> url = HarnessOptions.value(args, ++i, a);
                    case "--user" -> user = HarnessOptions.value(args, ++i, a);
                    case "--password" -> password = HarnessOptions.value(args, ++i, a);
                    case "--help", "-h" -> help = true;
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (parallelism > 1024) {
                throw new IllegalArgumentException("--parallelism must be at most 1024 (was " + parallelism + ")");
            }
            if (sustainFollowers > followers) {
                throw new IllegalArgumentException("--sustain-followers must be at most --followers (was "
                        + sustainFollowers + ")");
            }
            if (url != null && !url.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("--jdbc-url must be a jdbc:postgresql: URL");
            }
            return new Options(followers, runs, warmup, sustainFollowers, sustainSeconds, parallelism, caps, url, user,
                    password, help);
        }

        /** Never prints the password. */
        @Override
        public String toString() {
            return "followers=" + followers + " runs=" + runs + " warmup=" + warmup + " parallelism=" + parallelism
                    + " sustainFollowers=" + sustainFollowers + " sustainSeconds=" + sustainSeconds + " caps=" + caps
                    + (jdbcUrl == null ? " server=embedded" : " server=" + HarnessOptions.redact(jdbcUrl));
        }
    }

    private static final String RULE = "-".repeat(100);
    private static final String MARKET_CONDITION = "0x" + "fa40".repeat(16);
    private static final String MARKET_TOKEN =
            "71321045679252212594626385532706912750332728571942532289631379312455583992563";
    private static final String LEADER = "0x" + "1eade7".repeat(6) + "fa40";
    private static final Duration IN_FLIGHT_TTL = Duration.ofMinutes(10);

    private FanOutBenchmark() {}

    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("FanOutBenchmark: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (o.help()) {
            System.out.println(Options.USAGE);
            return;
        }
        try {
            run(o, System.out);
        } catch (Exception e) {
            System.err.println("FanOutBenchmark failed: " + e);
            e.printStackTrace();
            System.exit(3);
        }
    }

    /** Starts its own server (or uses {@code --jdbc-url}) and runs every measurement. */
    public static Results run(String[] args, PrintStream out) throws Exception {
        return run(Options.parse(args), out);
    }

    static Results run(Options o, PrintStream out) throws Exception {
        out.println("copytrade fan-out benchmark: one leader trade, many followers, durable on PostgreSQL");
        out.println(RULE);
        try (ServerProbe server = ServerProbe.start(o.jdbcUrl(), o.user(), o.password(), 2 * o.parallelism() + 4)) {
            server.describe().forEach(out::println);
            return run(o, server, out);
        }
    }

    /** Runs every measurement on {@code server}, in tables of its own that it drops at the end. */
    static Results run(Options o, ServerProbe server, PrintStream out) throws Exception {
        out.println("fan-out:    " + o);
        out.printf("load:       1-minute load average %.2f at start on %d cores%n", ServerProbe.loadAverage(),
                Runtime.getRuntime().availableProcessors());
        String run = "ctf" + UUID.randomUUID().toString().substring(0, 6) + "_";
        List<TableNames> created = new ArrayList<>();
        CountingDataSource counted = new CountingDataSource(server.pool());
        try (Rig rig = new Rig(o, server, counted, run, created)) {
            printLegend(o, out);
            return rig.measure(out);
        } finally {
            for (TableNames t : created) {
                server.drop(t);
            }
        }
    }

    private static void printLegend(Options o, PrintStream out) {
        out.println();
        out.println("How to read the numbers");
        out.println("  ms            wall time of one fan-out (or one round of per-follower calls): from the call until");
        out.println("                every follower's record is EXECUTED and committed, i.e. prewritten, sent and");
        out.println("                finalized durably; p50/p99 nearest rank over the measured runs");
        out.println("  stmt, commits SQL statements and commits per fan-out, counted by a JDBC wrapper around the pool");
        out.println("  prewrite ms   time inside the one prewriteAll of the fan-out (one transaction)");
        out.println("  groups        group commits of final writes per fan-out, and their mean size");
        out.println("  final ms      time inside those group commits, summed over the threads that wrote them");
        out.println("  jvm cpu       CPU ms of this whole JVM during the fan-out (workers, pool, GC, JIT)");
        out.println("  pg cpu        CPU ms of the embedded server's processes during it (n/a for --jdbc-url); with");
        out.println("                both on the same cores, (jvm + pg) ÷ cores is a floor under the wall time");
        out.printf("  setup         %d followers, each its own wallet and signer, $5 fixed at price 0.5; zero-latency%n",
                o.followers());
        out.println("                SimulatedChainAdapter; guardrails EmergencyPause, MaxNotionalPerTrade($100),");
        out.printf("                FollowerAllowlist; executor parallelism %d, group commit at its defaults%n",
                o.parallelism());
    }

    /** What one measured fan-out (or round) did. */
    private record Sample(String label, int followers, long nanos, Counts counts, TimedStore.Timing prewrites,
            TimedStore.Timing groupCommits, long jvmCpuNanos, long serverCpuNanos) {
        double millis() {
            return nanos / 1e6;
        }
    }

    /** The executors, followers and tables of one benchmark run. */
    private static final class Rig implements AutoCloseable {
        private final Options o;
        private final ServerProbe server;
        private final CountingDataSource counted;
        private final List<Follower> followers = new ArrayList<>();
        private final TimedStore fanStore;
        private final TimedStore singleStore;
        private final TimedStore groupedStore;
        private final TimedStore capStore;
        private final CopyTradeExecutor fanOut;
        private final CopyTradeExecutor single;
        private final CopyTradeExecutor grouped;
        private final CopyTradeExecutor capped;
        private final ExecutorService callers;
        private final AtomicInteger signals = new AtomicInteger();
        private final String tag = UUID.randomUUID().toString().substring(0, 8);

        Rig(Options o, ServerProbe server, CountingDataSource counted, String run, List<TableNames> created) {
            this.o = o;
            this.server = server;
            this.counted = counted;
            followers.addAll(BenchFollowers.fiveDollars("fan-follower-", 0xfa40_0000L, o.followers()));
            GuardrailChain guardrails = BenchFollowers.guardrails(followers);
            this.fanStore = store(server, run + "fan_", created);
            this.singleStore = store(server, run + "one_", created);
            this.groupedStore = store(server, run + "grp_", created);
            this.capStore = o.caps() ? store(server, run + "cap_", created) : null;
            this.fanOut = executor(fanStore, guardrails, o.parallelism(), b -> { });
            this.single = executor(singleStore, guardrails, 1, CopyTradeExecutor.Builder::noGroupCommit);
            this.grouped = executor(groupedStore, guardrails, 1, b -> b.groupCommitExecutes(true));
            if (o.caps()) {
                TableNames capTables = new TableNames(null, run + "cap_");
                JdbiCapLedger ledger = JdbiCapLedger.builder(counted).dialect(Dialect.POSTGRESQL).tableNames(capTables)
                        .build();
                CapPolicy policy = CapPolicy.builder().global(Usdc.of("1000000000")).maxTradesPerFollower(1_000_000)
                        .build();
                this.capped = executor(capStore, guardrails, o.parallelism(), b -> b.caps(ledger, policy));
            } else {
                this.capped = null;
            }
            this.callers = Executors.newFixedThreadPool(o.parallelism(), r -> {
                Thread t = new Thread(r, "bench-caller");
                t.setDaemon(true);
                return t;
            });
        }

        private TimedStore store(ServerProbe server, String prefix, List<TableNames> created) {
            TableNames names = new TableNames(null, prefix);
            created.add(names);
            // the caps tables too when this prefix is the capped run's: the migrations create both
            CopyTradeSchema.migrate(server.pool(), Dialect.POSTGRESQL, names);
            return new TimedStore(JdbiCopyTradeStore.builder(counted).dialect(Dialect.POSTGRESQL).tableNames(names)
                    .build());
        }

        private CopyTradeExecutor executor(TimedStore store, GuardrailChain guardrails, int parallelism,
                Consumer<CopyTradeExecutor.Builder> extra) {
            CopyTradeExecutor.Builder b = CopyTradeExecutor.builder().store(store)
                    .chainAdapter(new SimulatedChainAdapter()).guardrails(guardrails).inFlightTtl(IN_FLIGHT_TTL)
                    .instanceId("bench-fan-out").parallelism(parallelism);
            extra.accept(b);
            return b.build();
        }

        private LeaderTrade nextTrade() {
            return LeaderTrade.builder().signalId(SignalId.venueFill("fan-bench", tag + "-" + signals.incrementAndGet()))
                    .leader(LEADER).market(MARKET_CONDITION, MARKET_TOKEN, "fan-bench-market").side("BUY").price("0.5")
                    .size("20").timestamp(Instant.now()).build();
        }

        private Sample timed(String label, TimedStore store, int n, Runnable work) {
            store.reset();
            Counts before = counted.snapshot();
            long jvm0 = ServerProbe.processCpuNanos();
            long pg0 = server.serverCpuNanos();
            long t0 = System.nanoTime();
            work.run();
            long nanos = System.nanoTime() - t0;
            long jvm = ServerProbe.processCpuNanos() - jvm0;
            long pg = pg0 < 0 ? -1 : server.serverCpuNanos() - pg0;
            return new Sample(label, n, nanos, counted.snapshot().minus(before), store.prewriteBatches(),
                    store.groupCommits(), jvm, pg);
        }

        private Sample fanOut(String label, CopyTradeExecutor ex, TimedStore store, List<Follower> who) {
            LeaderTrade trade = nextTrade();
            return timed(label, store, who.size(), () -> requireExecuted(label, ex.executeAll(trade, who)));
        }

        /** One {@code execute} per follower, spread over the caller threads; timed from the gate to the last. */
        private Sample perFollower(String label, CopyTradeExecutor ex, TimedStore store) {
            LeaderTrade trade = nextTrade();
            int threads = o.parallelism();
            return timed(label, store, followers.size(), () -> {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>(threads);
                for (int t = 0; t < threads; t++) {
                    int first = t;
                    done.add(callers.submit(() -> {
                        go.await();
                        for (int i = first; i < followers.size(); i += threads) {
                            requireExecuted(label, List.of(ex.execute(trade, followers.get(i))));
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : done) {
                    try {
                        f.get();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(label + " interrupted", e);
                    } catch (ExecutionException e) {
                        throw new IllegalStateException(label + " failed: " + e.getCause(), e.getCause());
                    }
                }
            });
        }

        private static void requireExecuted(String label, List<CopyResult> results) {
            for (CopyResult r : results) {
                if (r.outcome() != CopyResult.Outcome.EXECUTED) {
                    throw new IllegalStateException(label + ": follower " + r.follower() + " ended " + r.outcome()
                            + (r.record() == null ? "" : " " + r.record().reason()), r.error());
                }
            }
        }

        Results measure(PrintStream out) {
            out.println();
            out.println(RULE);
            out.printf("[1] FAN-OUT of one trade to %,d followers beside [2] the PER-FOLLOWER path (execute() per%n",
                    o.followers());
            out.printf("    follower from %d threads, group commit off, then groupCommitExecutes); warm-up %d of each, then %d measured"
                    + " rounds, order alternating%n", o.parallelism(), o.warmup(), o.runs());
            out.println();
            printHeader(out);
            for (int i = 0; i < o.warmup(); i++) {
                print(out, fanOut("warmup fan-out", fanOut, fanStore, followers));
                print(out, perFollower("warmup single", single, singleStore));
                print(out, perFollower("warmup grouped", grouped, groupedStore));
            }
            List<Sample> fan = new ArrayList<>();
            List<Sample> one = new ArrayList<>();
            List<Sample> grp = new ArrayList<>();
            for (int i = 0; i < o.runs(); i++) {
                String r = "run" + (i + 1);
                if (i % 2 == 0) {
                    fan.add(print(out, fanOut(r + " fan-out", fanOut, fanStore, followers)));
                    one.add(print(out, perFollower(r + " single", single, singleStore)));
                    grp.add(print(out, perFollower(r + " grouped", grouped, groupedStore)));
                } else {
                    grp.add(print(out, perFollower(r + " grouped", grouped, groupedStore)));
                    one.add(print(out, perFollower(r + " single", single, singleStore)));
                    fan.add(print(out, fanOut(r + " fan-out", fanOut, fanStore, followers)));
                }
            }
            Stats fanMs = summarize(out, "fan-out", fan);
            Stats oneMs = summarize(out, "per-follower, group commit off", one);
            Stats grpMs = summarize(out, "per-follower, groupCommitExecutes", grp);
            out.printf("    fan-out %,d followers: p50 %.1f ms   target ≤ 100 ms: %s   (per-follower path %.1f×"
                    + " slower, %.1f× with groupCommitExecutes)%n", o.followers(), fanMs.median(),
                    fanMs.median() <= 100 ? "MET" : "NOT MET", oneMs.median() / fanMs.median(),
                    grpMs.median() / fanMs.median());
            Stats capMs = null;
            if (capped != null) {
                out.println();
                out.println(RULE);
                out.printf("[3] FAN-OUT WITH CAPS: the same %,d followers, JdbiCapLedger with a global money cap and a"
                        + " per-follower trade count%n", o.followers());
                out.println();
                printHeader(out);
                for (int i = 0; i < o.warmup(); i++) {
                    print(out, fanOut("warmup capped", capped, capStore, followers));
                }
                List<Sample> cap = new ArrayList<>();
                for (int i = 0; i < o.runs(); i++) {
                    cap.add(print(out, fanOut("run" + (i + 1) + " capped", capped, capStore, followers)));
                }
                capMs = summarize(out, "fan-out with caps", cap);
            }
            out.println();
            out.println(RULE);
            List<Follower> few = followers.subList(0, o.sustainFollowers());
            out.printf("[4] SUSTAINED: fan-outs of %,d followers back to back from one thread for %d s%n",
                    few.size(), o.sustainSeconds());
            List<Sample> sustained = new ArrayList<>();
            Counts before = counted.snapshot();
            long t0 = System.nanoTime();
            long end = t0 + o.sustainSeconds() * 1_000_000_000L;
            // at least one: a machine that stalls longer than the whole window still measures a rate, not 0
            do {
                sustained.add(fanOut("sustained", fanOut, fanStore, few));
            } while (System.nanoTime() < end);
            double seconds = (System.nanoTime() - t0) / 1e9;
            Counts all = counted.snapshot().minus(before);
            double perSecond = sustained.size() / seconds;
            Stats sus = stats(sustained);
            out.println();
            out.println("  RESULT");
            out.printf("    %,d fan-outs of %,d followers in %.1f s: %.1f fan-outs/s (%,.0f followers/s)   target ≥ 10/s:"
                    + " %s%n", sustained.size(), few.size(), seconds, perSecond, perSecond * few.size(),
                    perSecond >= 10 ? "MET" : "NOT MET");
            out.printf("    one fan-out: p50 %.1f ms  p99 %.1f ms  max %.1f ms; %.1f statements and %.1f commits per"
                    + " fan-out%n", sus.median(), percentile(sustained, 99), sus.max(),
                    (double) all.statements() / sustained.size(), (double) all.commits() / sustained.size());
            Stats[] lone = lone(out);
            out.printf("load:       1-minute load average %.2f at the end%n", ServerProbe.loadAverage());
            return new Results(fanMs, oneMs, grpMs, perSecond, sus, capMs, lone[0], lone[1]);
        }

        /** One execute() at a time on this thread, alternating group commit off and on, one per follower. */
        private Stats[] lone(PrintStream out) {
            out.println();
            out.println(RULE);
            int calls = Math.min(followers.size(), 200);
            out.printf("[5] LONE EXECUTE: %d execute() calls one after another from one thread, group commit off and"
                    + " groupCommitExecutes"
                    + " alternating%n", calls);
            double[] off = new double[calls];
            double[] on = new double[calls];
            for (int i = 0; i < calls; i++) {
                Follower f = followers.get(i);
                LeaderTrade a = nextTrade();
                LeaderTrade b = nextTrade();
                long t0 = System.nanoTime();
                requireExecuted("lone single", List.of(single.execute(a, f)));
                long t1 = System.nanoTime();
                requireExecuted("lone grouped", List.of(grouped.execute(b, f)));
                off[i] = (t1 - t0) / 1e6;
                on[i] = (System.nanoTime() - t1) / 1e6;
            }
            Stats offMs = Stats.of(off);
            Stats onMs = Stats.of(on);
            out.println();
            out.println("  RESULT");
            out.printf("    group commit off: p50 %.2f ms per execute; groupCommitExecutes: p50 %.2f ms (%+.2f ms: a lone execution is"
                    + " written at once, not after maxDelay)%n", offMs.median(), onMs.median(),
                    onMs.median() - offMs.median());
            return new Stats[] {offMs, onMs};
        }

        private static void printHeader(PrintStream out) {
            out.printf("  %-22s %9s %9s %8s %8s %11s %7s %9s %9s %8s %8s %5s%n", "run", "followers", "ms", "stmt",
                    "commits", "prewrite ms", "groups", "mean size", "final ms", "jvm cpu", "pg cpu", "load");
        }

        private static Sample print(PrintStream out, Sample s) {
            TimedStore.Timing g = s.groupCommits();
            out.printf("  %-22s %9d %9.1f %8d %8d %11.1f %7d %9.1f %9.1f %8s %8s %5.2f%n", s.label(), s.followers(),
                    s.millis(), s.counts().statements(), s.counts().commits(), s.prewrites().millis(), g.calls(),
                    g.calls() == 0 ? 0.0 : (double) g.rows() / g.calls(), g.millis(), cpu(s.jvmCpuNanos()),
                    cpu(s.serverCpuNanos()), ServerProbe.loadAverage());
            return s;
        }

        private static String cpu(long nanos) {
            return nanos < 0 ? "n/a" : String.format("%.1f", nanos / 1e6);
        }

        private static Stats stats(List<Sample> samples) {
            return Stats.of(samples.stream().mapToDouble(Sample::millis).toArray());
        }

        private static double percentile(List<Sample> samples, double p) {
            long[] nanos = samples.stream().mapToLong(Sample::nanos).sorted().toArray();
            return Stats.percentile(nanos, p) / 1e6;
        }

        private static Stats summarize(PrintStream out, String what, List<Sample> samples) {
            Stats s = stats(samples);
            Sample mid = samples.get(samples.size() / 2);
            out.printf("  %-34s p50 %7.1f ms  p99 %7.1f ms  (%.1f .. %.1f)  %d statements and %d commits for %,d followers%n",
                    what, s.median(), percentile(samples, 99), s.min(), s.max(), mid.counts().statements(),
                    mid.counts().commits(), mid.followers());
            return s;
        }

        @Override
        public void close() {
            fanOut.close();
            single.close();
            grouped.close();
            if (capped != null) {
                capped.close();
            }
            callers.shutdownNow();
        }
    }
}
