package dev.copytrade.examples.bench.pg;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.debt.DebtDraft;
import dev.copytrade.core.debt.DebtRecoveryLoop;
import dev.copytrade.core.debt.DebtRecoveryReport;
import dev.copytrade.core.debt.DebtStatus;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.sim.SimulatedDebtSettler;
import dev.copytrade.jdbi.CopyTradeSchema;
import dev.copytrade.jdbi.Dialect;
import dev.copytrade.jdbi.JdbiDebtLedger;
import dev.copytrade.jdbi.TableNames;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Claim + repay throughput of {@link DebtRecoveryLoop} on PostgreSQL: N debts are accrued, then K loops,
 * each on its own connection pool and thread (K processes as far as the server can tell), drain them
 * through a zero-latency simulated settler. Per debt that is a share of one claim statement, the REPAYING
 * write (one statement: the compare-and-set and its history row) and the REPAID write (the same), so the
 * number measures the ledger's round trips and commits, not a chain. Every run is checked: each debt
 * REPAID, paid exactly once at the settler. A plain main, like {@link PostgresHarness}:
 *
 * <pre>
 * ./mvnw -q -pl copytrade-examples -am test-compile exec:java \
 *     -Dexec.mainClass=dev.copytrade.examples.bench.pg.DebtRecoveryBenchmark -Dexec.args="--debts 5000"
 * </pre>
 */
public final class DebtRecoveryBenchmark {
    private static final int DEBTORS = 50;
    private static final String USAGE = String.join("\n",
            "usage: DebtRecoveryBenchmark [--debts N] [--loops 1,2,4] [--runs N] [--jdbc-url URL [--user U] [--password P]]",
            "  --debts N     debts accrued per run (default 5000)",
            "  --loops L,..  numbers of concurrent loops to measure, each on its own pool (default 1,2,4)",
            "  --runs N      runs of each configuration; the median is reported (default 3)",
            "  --jdbc-url    a PostgreSQL to measure instead of an embedded one (tables created and dropped)");

    /** One configuration's result: debts repaid per second over the runs. */
    public record Row(String config, int loops, boolean batching, Stats debtsPerSecond, double repaymentsPerDebt) {}

    private DebtRecoveryBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        try {
            run(args, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("DebtRecoveryBenchmark: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }
    }

    /** Runs every configuration and prints the table; throws {@link IllegalArgumentException} for bad options. */
    public static List<Row> run(String[] args, PrintStream out) throws Exception {
        int debts = 5_000;
        int runs = 3;
        List<Integer> loopCounts = List.of(1, 2, 4);
        List<String> serverArgs = new ArrayList<>(List.of("--threads", "2"));
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--debts" -> debts = positive(a, value(args, ++i, a));
                case "--runs" -> runs = positive(a, value(args, ++i, a));
                case "--loops" -> {
                    List<Integer> counts = new ArrayList<>();
                    for (String n : value(args, ++i, a).split(",")) {
                        counts.add(positive(a, n.trim()));
                    }
                    loopCounts = counts;
                }
                case "--jdbc-url", "--user", "--password" -> {
                    serverArgs.add(a);
                    serverArgs.add(value(args, ++i, a));
                }
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        List<Row> rows = new ArrayList<>();
        try (ServerProbe server = ServerProbe.start(HarnessOptions.parse(serverArgs.toArray(String[]::new)))) {
            out.println("copytrade debt recovery on PostgreSQL: claim + repay throughput");
            server.describe().forEach(out::println);
            out.printf("%,d debts per run over %d debtors, zero-latency simulated settler, claim batches of 100;"
                    + " %d runs per row, median (min..max)%n", debts, DEBTORS, runs);
            out.printf("  %-22s %6s %22s %14s%n", "config", "loops", "debts/s", "repay calls/debt");
            List<Config> configs = new ArrayList<>();
            for (int k : loopCounts) {
                configs.add(new Config(k, false));
            }
            configs.add(new Config(loopCounts.get(0), true));
            for (Config c : configs) {
                int k = c.loops();
                boolean batching = c.batching();
                double[] rates = new double[runs];
                double calls = 0;
                for (int r = 0; r < runs; r++) {
                    Measured m = once(server, debts, k, batching, r);
                    rates[r] = m.debtsPerSecond;
                    calls = m.repayCallsPerDebt;
                }
                Row row = new Row(batching ? "batched repayments" : "one repayment per debt", k, batching,
                        Stats.of(rates), calls);
                rows.add(row);
                out.printf("  %-22s %6d %8.0f (%5.0f..%5.0f) %14.2f%n", row.config(), k, row.debtsPerSecond().median(),
                        row.debtsPerSecond().min(), row.debtsPerSecond().max(), calls);
            }
            out.printf("load: 1-minute load average %.2f on %d cores%n", ServerProbe.loadAverage(),
                    Runtime.getRuntime().availableProcessors());
        }
        return rows;
    }

    private record Config(int loops, boolean batching) {}

    private record Measured(double debtsPerSecond, double repayCallsPerDebt) {}

    private static Measured once(ServerProbe server, int n, int loops, boolean batching, int run) throws Exception {
        TableNames names = new TableNames(null, "ctdebt" + UUID.randomUUID().toString().substring(0, 6) + "_");
        CopyTradeSchema.migrate(server.pool(), Dialect.POSTGRESQL, names);
        List<HikariDataSource> pools = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(loops);
        try {
            JdbiDebtLedger setup = JdbiDebtLedger.builder(server.pool()).tableNames(names).dialect(Dialect.POSTGRESQL)
                    .build();
            accrue(setup, n, run);
            SimulatedDebtSettler settler = new SimulatedDebtSettler();
            CyclicBarrier start = new CyclicBarrier(loops + 1);
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < loops; i++) {
                HikariDataSource pool = server.newPool(2);
                pools.add(pool);
                JdbiDebtLedger ledger = JdbiDebtLedger.builder(pool).tableNames(names).dialect(Dialect.POSTGRESQL)
                        .build();
                DebtRecoveryLoop loop = DebtRecoveryLoop.builder(ledger, settler).instanceId("bench-" + i)
                        .batchRepayments(batching, 50).build();
                running.add(threads.submit(() -> {
                    start.await(60, TimeUnit.SECONDS);
                    DebtRecoveryReport r;
                    do {
                        r = loop.runOnce();
                    } while (r.claimed() > 0);
                    return null;
                }));
            }
            start.await(60, TimeUnit.SECONDS);
            long t0 = System.nanoTime();
            for (Future<?> f : running) {
                f.get(10, TimeUnit.MINUTES);
            }
            long elapsed = System.nanoTime() - t0;
            check(setup, settler, n);
            return new Measured(n / (elapsed / 1e9), settler.repayCalls() / (double) n);
        } finally {
            threads.shutdownNow();
            pools.forEach(HikariDataSource::close);
            server.drop(names);
        }
    }

    private static void accrue(JdbiDebtLedger ledger, int n, int run) {
        Random random = new Random(run);
        List<Address> debtors = new ArrayList<>();
        for (int i = 0; i < DEBTORS; i++) {
            byte[] b = new byte[20];
            random.nextBytes(b);
            debtors.add(Address.of("0x" + HexFormat.of().formatHex(b)));
        }
        Address bot = Address.of("0x" + "b0".repeat(20));
        Instant due = Instant.now().minusSeconds(1);
        List<DebtDraft> drafts = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            drafts.add(new DebtDraft(i, "reimburse", debtors.get(random.nextInt(DEBTORS)), bot, "USDC",
                    1 + random.nextInt(10_000_000), "benchmark", due));
            if (drafts.size() == 1_000 || i == n) {
                ledger.accrueAll(drafts);
                drafts.clear();
            }
        }
    }

    /** A benchmark that repays wrongly measures nothing: every debt REPAID, each paid once. */
    private static void check(JdbiDebtLedger ledger, SimulatedDebtSettler settler, int n) {
        long repaid = ledger.countByStatus().get(DebtStatus.REPAID);
        long paidIds = settler.payments().stream().filter(SimulatedDebtSettler.Payment::paid)
                .mapToLong(p -> p.repayment().debtIds().size()).sum();
        if (repaid != n || paidIds != n || settler.duplicateRepayments() != 0) {
            throw new IllegalStateException("benchmark run is wrong: " + repaid + " REPAID, " + paidIds
                    + " debts paid, " + settler.duplicateRepayments() + " duplicate repayments, of " + n);
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int positive(String option, String v) {
        try {
            int n = Integer.parseInt(v.replace("_", "").replace(",", ""));
            if (n < 1) {
                throw new IllegalArgumentException(option + " must be at least 1 (was " + v + ")");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number (was " + v + ")");
        }
    }
}
