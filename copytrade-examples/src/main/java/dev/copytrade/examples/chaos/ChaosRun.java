package dev.copytrade.examples.chaos;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.debt.Debt;
import dev.copytrade.core.debt.DebtStatus;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.examples.chaos.VenueServer.Window;
import dev.copytrade.jdbi.CopyTradeDataSources;
import dev.copytrade.jdbi.CopyTradeSchema;
import dev.copytrade.jdbi.Dialect;
import dev.copytrade.jdbi.JdbiCapLedger;
import dev.copytrade.jdbi.JdbiCopyTradeStore;
import dev.copytrade.jdbi.TableNames;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Jdbi;

/**
 * The chaos harness: proves the library's guarantees with real processes dying at the worst moments.
 *
 * <ol>
 *   <li>Starts a PostgreSQL (embedded 17, or {@code --jdbc-url}), creates fresh tables, and starts the venue
 *       ({@link VenueServer}: the simulated venue and its ground-truth ledger, over loopback HTTP, outside
 *       every bot).
 *   <li>Starts {@code --processes} bot JVMs ({@link ChaosBot}) and feeds each the same seeded stream of leader
 *       trades, redeliveries and replays included.
 *   <li>Kills bots with SIGKILL ({@code destroyForcibly}) {@code --kills} times, spread over the run: at random
 *       moments, and at targeted windows the venue springs on the next matching request: after the prewrite
 *       but before the venue received the order, after the venue received it but before the bot finalized
 *       the record, while a sweeper asks the venue about a stale record, and while a recovery loop repays a
 *       debt (before the settler saw the repayment, or after it paid). Each killed bot restarts after
 *       a random pause and replays a little of its feed. Meanwhile PostgreSQL backends of the bots are
 *       terminated at random ({@code pg_terminate_backend}).
 *   <li>When every bot has acknowledged the whole stream, stops the chaos, lets the bots' sweepers settle
 *       everything (the venue answers every lookup it can from then on), stops the bots, and checks the
 *       invariants against the venue's ground truth: one line each with its counts, and the seed.
 * </ol>
 *
 * Run: {@code ./mvnw -q -pl copytrade-examples -am test-compile exec:java
 * -Dexec.mainClass=dev.copytrade.examples.chaos.ChaosRun -Dexec.args="--trades 10000 --kills 100"}.
 * Exit status: 0 every invariant holds, 1 one is violated, 2 bad options, 3 the run itself failed.
 */
public final class ChaosRun {
    private static final String RULE = "-".repeat(100);

    /**
     * What a run found.
     *
     * @param checks the invariants, in report order
     * @param kills kills by where they landed ({@code RANDOM} for untargeted ones)
     * @param fallbacks targeted kills whose window did not come up in time, done at a random moment instead
     */
    public record Report(long seed, List<ChaosInvariants.Check> checks, Map<String, Integer> kills, int fallbacks,
            int restarts, int backendsTerminated, int deliveries, Map<RecordStatus, Long> records,
            Map<DebtStatus, Long> debts, int venueOrders, Duration duration) {

        public boolean passed() {
            return checks.stream().allMatch(ChaosInvariants.Check::pass);
        }

        public int totalKills() {
            return kills.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private ChaosRun() {}

    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        ChaosOptions o;
        try {
            o = ChaosOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ChaosRun: " + e.getMessage());
            System.err.println(ChaosOptions.USAGE);
            System.exit(2);
            return;
        }
        if (o.help()) {
            System.out.println(ChaosOptions.USAGE);
            return;
        }
        int status;
        try {
            status = run(o, System.out).passed() ? 0 : 1;
        } catch (Exception e) {
            System.err.println("ChaosRun failed (seed " + o.seed() + "): " + e);
            e.printStackTrace();
            status = 3;
        }
        System.exit(status);
    }

    /** Runs the whole thing and prints the report; throws {@link IllegalArgumentException} for bad options. */
    public static Report run(String[] args, PrintStream out) throws Exception {
        return run(ChaosOptions.parse(args), out);
    }

    static Report run(ChaosOptions o, PrintStream out) throws Exception {
        long started = System.nanoTime();
        out.println("copytrade chaos run: bot processes killed at the worst moments, one PostgreSQL, one venue");
        out.println(RULE);
        out.println("seed:       " + o.seed() + "   (replay: ChaosRun " + o.replayArgs() + ")");
        ChaosScenario scenario = new ChaosScenario(o.seed(), o.trades(), o.followers(), o.signers());
        out.println("feed:       " + scenario.trades().size() + " leader trades, " + scenario.stream().size()
                + " deliveries (" + scenario.redeliveries() + " of them again: second sources and replayed windows),"
                + " each copied for " + o.followers() + " followers on " + o.signers() + " signers, fed to each of "
                + o.processes() + " bot processes");
        EmbeddedPostgres embedded = null;
        String url = o.jdbcUrl();
        if (url == null) {
            embedded = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(120)).setServerConfig("max_connections", Integer.toString(40 + 10 * o.processes()))
                    .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on").start();
            url = embedded.getJdbcUrl("postgres", "postgres");
        }
        String user = o.jdbcUrl() == null ? "postgres" : o.user();
        TableNames tables = new TableNames(null, "chaos_" + UUID.randomUUID().toString().substring(0, 6) + "_");
        Path logs = Files.createTempDirectory("copytrade-chaos-");
        out.println("database:   " + (embedded == null ? "external (--jdbc-url), tables " : "embedded PostgreSQL, tables ")
                + tables.prefix() + "*; bot logs in " + logs);
        try (HikariDataSource admin = CopyTradeDataSources.pool(url + (url.contains("?") ? "&" : "?")
                + "ApplicationName=chaos-coordinator", user, o.password(), 4);
                VenueServer venue = new VenueServer(o.seed(), ChaosBot.VENUE_TIMEOUT.plusMillis(300), 10,
                        ChaosScenario.FLOAT_WALLET, scenario.brokeWallet())) {
            JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(admin).dialect(Dialect.POSTGRESQL).tableNames(tables)
                    .migrate(true).build();
            JdbiCapLedger.builder(admin).dialect(Dialect.POSTGRESQL).tableNames(tables).migrate(true).build();
            try {
                Coordinator c = new Coordinator(o, scenario, venue, url, user, tables, logs, out);
                c.chaos(admin);
                long fed = System.nanoTime();
                out.printf("fed:        every bot acknowledged the whole stream after %.1f s; chaos stopped, the bots'"
                        + " sweepers and recovery loops settle what is left ...%n", (fed - started) / 1e9);
                c.settle(store);
                out.printf("settled:    in %.1f s%n", (System.nanoTime() - fed) / 1e9);
                c.stopBots();
                return c.report(store, admin, tables, Duration.ofNanos(System.nanoTime() - started));
            } finally {
                if (embedded == null) {
                    CopyTradeSchema.drop(Jdbi.create(admin), tables);
                }
            }
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    /** The moving parts of one run. */
    private static final class Coordinator {
        private final ChaosOptions o;
        private final ChaosScenario scenario;
        private final VenueServer venue;
        private final PrintStream out;
        private final Random random;
        private final List<BotProcess> bots = new ArrayList<>();
        private final AtomicLong acks = new AtomicLong();
        private final ScheduledExecutorService restarts;
        private final AtomicInteger pendingRestarts = new AtomicInteger();
        private final Map<String, Integer> kills = Collections.synchronizedMap(new HashMap<>());
        private final AtomicInteger fallbacks = new AtomicInteger();
        private final AtomicInteger backendsTerminated = new AtomicInteger();
        private final AtomicBoolean chaos = new AtomicBoolean(true);
        private final AtomicReference<CountDownLatch> trapFired = new AtomicReference<>(new CountDownLatch(1));

        Coordinator(ChaosOptions o, ChaosScenario scenario, VenueServer venue, String url, String user,
                TableNames tables, Path logs, PrintStream out) {
            this.o = o;
            this.scenario = scenario;
            this.venue = venue;
            this.out = out;
            this.random = new Random(o.seed() ^ 0xc4a05L);
            this.restarts = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "chaos-restarts");
                t.setDaemon(true);
                return t;
            });
            String classPath = BotProcess.currentClassPath();
            Map<String, String> env = o.password() == null ? Map.of() : Map.of(ChaosBot.PASSWORD_ENV, o.password());
            for (int i = 0; i < o.processes(); i++) {
                List<String> args = new ArrayList<>(List.of("--seed", Long.toString(o.seed()), "--trades",
                        Integer.toString(o.trades()), "--followers", Integer.toString(o.followers()), "--signers",
                        Integer.toString(o.signers()), "--venue", venue.url(), "--jdbc-url", url, "--tables",
                        tables.prefix()));
                if (user != null) {
                    args.addAll(List.of("--user", user));
                }
                int slot = i;
                bots.add(new BotProcess(i, scenario.stream(),
                        name -> BotProcess.javaCommand(classPath, withName(args, name)), env,
                        logs.resolve("bot-" + i + ".log"), acks, () -> restartLater(bots.get(slot))));
            }
            venue.killer(this::killAtWindow);
        }

        private static List<String> withName(List<String> args, String name) {
            List<String> all = new ArrayList<>(args);
            all.addAll(List.of("--bot", name));
            return all;
        }

        /** Feeds every bot the whole stream while killing bots and database backends; returns when all is fed. */
        void chaos(HikariDataSource admin) throws InterruptedException {
            for (BotProcess b : bots) {
                b.start(0);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.maxSeconds());
            Thread backends = new Thread(() -> terminateBackends(admin), "chaos-backend-killer");
            backends.setDaemon(true);
            if (o.backendKills()) {
                backends.start();
            }
            long work = (long) scenario.stream().size() * o.processes();
            List<Double> points = new ArrayList<>();
            for (int k = 0; k < o.kills(); k++) {
                points.add(0.03 + 0.87 * random.nextDouble());
            }
            Collections.sort(points);
            List<Window> windows = new ArrayList<>();
            for (int k = 0; k < o.kills(); k++) {
                windows.add(k % 5 == 4 ? null : Window.values()[k % 5]);  // null: a kill at a random moment
            }
            Collections.shuffle(windows, random);
            long began = System.nanoTime();
            for (int k = 0; k < o.kills(); k++) {
                while (acks.get() < points.get(k) * work && !allDone()) {
                    checkDeadline(deadline);
                    progress(began, work);
                    Thread.sleep(20);
                }
                Window w = windows.get(k);
                if (w == null || !targetedKill(w)) {
                    if (w != null) {
                        fallbacks.incrementAndGet();
                    }
                    randomKill(deadline);
                }
            }
            while (!allDone() || pendingRestarts.get() > 0) {
                checkDeadline(deadline);
                progress(began, work);
                Thread.sleep(50);
            }
            chaos.set(false);
            backends.join(5_000);
        }

        private long lastProgress = System.nanoTime();

        /** A line every 30 s, so a long run shows it is moving. */
        private void progress(long began, long work) {
            long now = System.nanoTime();
            if (now - lastProgress >= TimeUnit.SECONDS.toNanos(30)) {
                lastProgress = now;
                int killed;
                synchronized (kills) {
                    killed = kills.values().stream().mapToInt(Integer::intValue).sum();
                }
                out.printf("progress:   %5.1f %% of %d deliveries acknowledged after %.0f s; %d kills, %d backends"
                        + " terminated%n", 100.0 * acks.get() / work, work, (now - began) / 1e9, killed,
                        backendsTerminated.get());
            }
        }

        private void checkDeadline(long deadline) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the run did not finish within " + o.maxSeconds() + " s");
            }
        }

        private boolean allDone() {
            return bots.stream().allMatch(b -> b.alive() && b.done());
        }

        /** Arms the window and waits a while for the venue to spring it; false if it never came up. */
        private boolean targetedKill(Window w) throws InterruptedException {
            CountDownLatch fired = new CountDownLatch(1);
            trapFired.set(fired);
            if (!venue.arm(w)) {
                return false;
            }
            if (fired.await(4, TimeUnit.SECONDS)) {
                return true;
            }
            // the window may have fired between the wait's end and the disarm
            return !venue.disarm(w) && fired.await(10, TimeUnit.SECONDS);
        }

        /** Called on a venue thread when an armed window comes up: kills that request's sender right there. */
        private boolean killAtWindow(String bot, Window w) {
            for (BotProcess b : bots) {
                if (b.kill(bot)) {
                    killed(b, w.name());
                    trapFired.get().countDown();
                    return true;
                }
            }
            return false;
        }

        private void randomKill(long deadline) throws InterruptedException {
            Thread.sleep(random.nextInt(200));
            while (true) {
                List<BotProcess> alive = bots.stream().filter(BotProcess::alive).toList();
                if (!alive.isEmpty()) {
                    BotProcess b = alive.get(random.nextInt(alive.size()));
                    if (b.kill()) {
                        killed(b, "RANDOM");
                        return;
                    }
                }
                checkDeadline(deadline);
                Thread.sleep(20);
            }
        }

        private void killed(BotProcess b, String where) {
            kills.merge(where, 1, Integer::sum);
            restartLater(b);
        }

        private void restartLater(BotProcess b) {
            pendingRestarts.incrementAndGet();
            int pause;
            int replay;
            synchronized (random) {
                pause = 200 + random.nextInt(1300);
                replay = random.nextInt(20);
            }
            restarts.schedule(() -> {
                try {
                    b.start(replay);
                } finally {
                    pendingRestarts.decrementAndGet();
                }
            }, pause, TimeUnit.MILLISECONDS);
        }

        private void terminateBackends(HikariDataSource admin) {
            Jdbi jdbi = Jdbi.create(admin);
            Random r = new Random(o.seed() ^ 0xbacce5L);
            while (chaos.get()) {
                try {
                    Thread.sleep(300 + r.nextInt(1200));
                    boolean done = jdbi.withHandle(h -> h.createQuery("SELECT pg_terminate_backend(pid)"
                            + " FROM pg_stat_activity WHERE application_name LIKE 'chaos-bot-%'"
                            + " ORDER BY random() LIMIT 1").mapTo(Boolean.class).findOne().orElse(false));
                    if (done) {
                        backendsTerminated.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // the coordinator's own connection had a hiccup: try again next round
                }
            }
        }

        /**
         * Waits until nothing is in flight and every UNKNOWN record is one the venue cannot answer about; the
         * bots' sweepers do the work, with every lookup answered from now on.
         */
        void settle(JdbiCopyTradeStore store) throws InterruptedException {
            venue.healLookups();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(
                    60 + ChaosBot.IN_FLIGHT_TTL.toSeconds() + ChaosBot.CLAIM_LEASE.toSeconds());
            while (System.nanoTime() < deadline) {
                Map<RecordStatus, Long> c = store.countByStatus();
                Map<DebtStatus, Long> d = store.debtLedger().countByStatus();
                if (c.get(RecordStatus.PENDING) == 0 && c.get(RecordStatus.SUBMITTED) == 0
                        && d.get(DebtStatus.OPEN) == 0 && d.get(DebtStatus.REPAYING) == 0
                        && unknownAnswerable(store) == 0) {
                    return;
                }
                Thread.sleep(500);
            }
            out.println("settling:   gave up waiting; what is left is reported below");
        }

        private long unknownAnswerable(JdbiCopyTradeStore store) {
            return all(store, RecordStatus.UNKNOWN).stream().filter(r -> venue.answerable(r.clientOrderId())).count();
        }

        void stopBots() {
            for (BotProcess b : bots) {
                b.quit();
            }
            restarts.shutdownNow();
        }

        Report report(JdbiCopyTradeStore store, HikariDataSource admin, TableNames tables, Duration took) {
            List<CopyTradeRecord> records = new ArrayList<>();
            for (RecordStatus s : RecordStatus.values()) {
                records.addAll(all(store, s));
            }
            int crashes = bots.stream().mapToInt(BotProcess::crashes).sum();
            List<Debt> debts = new ArrayList<>();
            for (DebtStatus s : DebtStatus.values()) {
                for (long after = 0;;) {
                    List<Debt> page = store.debtLedger().findByStatus(s, after, 1000);
                    debts.addAll(page);
                    if (page.size() < 1000) {
                        break;
                    }
                    after = page.get(page.size() - 1).id();
                }
            }
            List<ChaosInvariants.Check> extra = new ArrayList<>(ChaosInvariants.debts(debts, venue.payments(),
                    venue.duplicateRepayments(), records, venue.receivedOrders()));
            extra.add(new ChaosInvariants.Check("no bot died on its own", crashes,
                    crashes + " bot processes exited without being killed or told to stop"));
            List<ChaosInvariants.Check> checks = ChaosInvariants.check(scenario, records, venue.receivedOrders(),
                    venue.duplicateSubmissions(), venue::answerable, budgets(admin, tables), extra);
            Map<String, Integer> byWhere = new java.util.TreeMap<>(kills);
            int restartsDone = bots.stream().mapToInt(BotProcess::starts).sum() - bots.size();
            Map<RecordStatus, Long> counts = new EnumMap<>(RecordStatus.class);
            for (CopyTradeRecord r : records) {
                counts.merge(r.status(), 1L, Long::sum);
            }
            Report report = new Report(o.seed(), checks, byWhere, fallbacks.get(), restartsDone,
                    backendsTerminated.get(), scenario.stream().size(), counts, debtCounts(debts),
                    venue.receivedOrders().size(), took);
            print(report);
            return report;
        }

        private void print(Report r) {
            out.println(RULE);
            out.println("kills:      " + r.totalKills() + " SIGKILLs " + r.kills() + (r.fallbacks() > 0 ? ", "
                    + r.fallbacks() + " targeted ones done at a random moment (their window did not come up in time)" : "")
                    + "; " + r.restarts() + " restarts");
            out.println("database:   " + r.backendsTerminated() + " bot backends terminated (pg_terminate_backend)");
            out.println("venue:      " + r.venueOrders() + " orders received, " + venue.submitCalls() + " submits, "
                    + venue.expiredRefused() + " refused as expired, " + venue.lookups() + " lookups ("
                    + venue.unknownLookups() + " could not be answered)");
            out.println("records:    " + r.records());
            out.println("debts:      " + r.debts() + ", " + venue.payments().size() + " repayments received by the settler");
            out.println(RULE);
            for (ChaosInvariants.Check c : r.checks()) {
                out.println(c.line());
            }
            out.println(RULE);
            out.printf("result:     %s in %.1f s, seed %d%n", r.passed() ? "every invariant holds" : "INVARIANT VIOLATED",
                    r.duration().toMillis() / 1000.0, r.seed());
        }
    }

    private static Map<DebtStatus, Long> debtCounts(List<Debt> debts) {
        Map<DebtStatus, Long> counts = new EnumMap<>(DebtStatus.class);
        for (Debt d : debts) {
            counts.merge(d.status(), 1L, Long::sum);
        }
        return counts;
    }

    private static List<CopyTradeRecord> all(JdbiCopyTradeStore store, RecordStatus status) {
        List<CopyTradeRecord> out = new ArrayList<>();
        long after = 0;
        while (true) {
            List<CopyTradeRecord> page = store.findByStatus(status, after, 1000);
            out.addAll(page);
            if (page.size() < 1000) {
                return out;
            }
            after = page.get(page.size() - 1).id();
        }
    }

    /** Each budget's committed and live units per day, read from the cap ledger's tables. */
    private static List<ChaosInvariants.BudgetUse> budgets(HikariDataSource admin, TableNames tables) {
        String sql = "SELECT c.budget_key, COALESCE(CAST(c.bucket AS VARCHAR), 'rolling') AS bucket,"
                + " SUM(CASE WHEN r.status = 'COMMITTED' THEN c.units ELSE 0 END) AS committed, SUM(c.units) AS live"
                + " FROM " + tables.capChargeTable() + " c JOIN " + tables.capReservationTable() + " r"
                + " ON r.reservation_id = c.reservation_id WHERE r.status <> 'RELEASED'"
                + " GROUP BY c.budget_key, c.bucket ORDER BY c.budget_key";
        return Jdbi.create(admin).withHandle(h -> h.createQuery(sql).map((rs, ctx) -> new ChaosInvariants.BudgetUse(
                rs.getString("budget_key"), rs.getString("bucket"), rs.getLong("committed"), rs.getLong("live"))).list());
    }
}
