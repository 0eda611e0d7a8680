package dev.copytrade.examples.chaos;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.debt.DebtRecoveryLoop;
import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.sweep.StaleSweeper;
import dev.copytrade.jdbi.CopyTradeDataSources;
import dev.copytrade.jdbi.Dialect;
import dev.copytrade.jdbi.JdbiCapLedger;
import dev.copytrade.jdbi.JdbiCopyTradeStore;
import dev.copytrade.jdbi.JdbiScopedTxMutex;
import dev.copytrade.jdbi.TableNames;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One bot process of a chaos run, started by {@link ChaosRun} (never by hand): the library as a host
 * embeds it, on the shared PostgreSQL ({@code JdbiCopyTradeStore} with its debt ledger, {@code JdbiCapLedger},
 * {@code JdbiScopedTxMutex} serialising each signer across processes and letting one process sweep at a
 * time), talking to the venue over loopback ({@link RemoteVenue}, {@link RemoteSettler}), with a background
 * {@link StaleSweeper} and {@link DebtRecoveryLoop}. It reads deliveries
 * on stdin ({@code T <position> <trade> <millis>}), copies each for every follower of the scenario, and
 * acknowledges on stdout ({@code A <position>}); {@code Q} or the end of stdin stops it. A delivery whose
 * prewrite failed (a database backend was just killed) is delivered to the executor again, as a host
 * re-reading its feed would; the prewrite is idempotent, so that is always safe.
 */
public final class ChaosBot {
    /** The timings every bot uses, chosen so the order's expiry always falls inside its record's lease. */
    static final Duration IN_FLIGHT_TTL = Duration.ofSeconds(4);
    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(1);
    static final Duration ORDER_LIFETIME = Duration.ofMillis(1500);
    static final Duration VENUE_TIMEOUT = Duration.ofMillis(1000);
    static final Duration SWEEP_INTERVAL = Duration.ofMillis(400);
    static final Duration CLAIM_LEASE = Duration.ofSeconds(3);
    static final Duration DEBT_INTERVAL = Duration.ofMillis(500);
    static final int DEBT_MAX_ATTEMPTS = 3;
    static final String PASSWORD_ENV = "COPYTRADE_DB_PASSWORD";
    private static final int RETRIES = 8;

    private ChaosBot() {}

    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        Map<String, String> o = options(args);
        String name = o.get("--bot");
        ChaosScenario scenario = new ChaosScenario(Long.parseLong(o.get("--seed")), Integer.parseInt(o.get("--trades")),
                Integer.parseInt(o.get("--followers")), Integer.parseInt(o.get("--signers")));
        String url = o.get("--jdbc-url") + (o.get("--jdbc-url").contains("?") ? "&" : "?") + "ApplicationName=" + name;
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (HikariDataSource pool = CopyTradeDataSources.pool(url, o.get("--user"), System.getenv(PASSWORD_ENV), 10)) {
            TableNames tables = new TableNames(null, o.get("--tables"));
            JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(pool).dialect(Dialect.POSTGRESQL).tableNames(tables)
                    .build();
            JdbiCapLedger ledger = JdbiCapLedger.builder(pool).dialect(Dialect.POSTGRESQL).tableNames(tables).build();
            JdbiScopedTxMutex mutex = JdbiScopedTxMutex.builder(pool).dialect(Dialect.POSTGRESQL).tableNames(tables)
                    .holder(name).build();
            RemoteVenue venue = new RemoteVenue(o.get("--venue"), name, VENUE_TIMEOUT, ORDER_LIFETIME);
            try (CopyTradeExecutor executor = CopyTradeExecutor.builder().store(store).chainAdapter(venue)
                    .caps(ledger, scenario.caps()).mutex(mutex).inFlightTtl(IN_FLIGHT_TTL).lockTimeout(LOCK_TIMEOUT)
                    .instanceId(name).parallelism(2).chainId(ChaosScenario.CHAIN_ID).build();
                    StaleSweeper sweeper = StaleSweeper.builder(store, venue).caps(ledger).exclusive(mutex)
                            .interval(SWEEP_INTERVAL).claimLease(CLAIM_LEASE).batchSize(50).instanceId(name + "-sweep")
                            .chainId(ChaosScenario.CHAIN_ID).build();
                    DebtRecoveryLoop debts = DebtRecoveryLoop.builder(store.debtLedger(), new RemoteSettler(venue))
                            .interval(DEBT_INTERVAL).claimLease(CLAIM_LEASE)
                            .backoff(Duration.ofMillis(200), Duration.ofSeconds(1), 20).maxAttempts(DEBT_MAX_ATTEMPTS)
                            .batchSize(50).instanceId(name + "-debts").build()) {
                sweeper.start();
                debts.start();
                out.println("R");
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                for (String line = in.readLine(); line != null && !line.equals("Q"); line = in.readLine()) {
                    ChaosScenario.Delivery d = scenario.parse(line);
                    deliver(executor, d.trade().toLeaderTrade(d.reportedAt()), scenario.followers());
                    out.println("A " + d.position());
                }
            }
        }
        System.exit(0);
    }

    private static void deliver(CopyTradeExecutor executor, LeaderTrade trade, List<Follower> followers)
            throws InterruptedException {
        List<Follower> todo = followers;
        for (int attempt = 0; attempt < RETRIES && !todo.isEmpty(); attempt++) {
            if (attempt > 0) {
                Thread.sleep(50L * attempt);
            }
            List<CopyResult> results = executor.executeAll(trade, todo);
            List<Follower> again = new ArrayList<>();
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i).outcome() == CopyResult.Outcome.NOT_RECORDED) {
                    again.add(todo.get(i));
                }
            }
            todo = again;
        }
        if (!todo.isEmpty()) {
            System.err.println("chaos bot: " + todo.size() + " copies of " + trade.signalId()
                    + " not recorded after " + RETRIES + " attempts (nothing was sent for them)");
        }
    }

    private static Map<String, String> options(String[] args) throws IOException {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i], args[i + 1]);
        }
        for (String required : List.of("--bot", "--seed", "--trades", "--followers", "--signers", "--venue",
                "--jdbc-url", "--tables")) {
            if (!o.containsKey(required)) {
                throw new IOException("chaos bot: missing " + required + " (it is started by ChaosRun)");
            }
        }
        return o;
    }
}
