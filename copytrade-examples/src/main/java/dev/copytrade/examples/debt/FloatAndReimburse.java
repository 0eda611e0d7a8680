package dev.copytrade.examples.debt;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.debt.Debt;
import dev.copytrade.core.debt.DebtEvent;
import dev.copytrade.core.debt.DebtRecoveryLoop;
import dev.copytrade.core.debt.DebtRecoveryReport;
import dev.copytrade.core.debt.DebtStatus;
import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.guardrail.GuardrailChain;
import dev.copytrade.core.guardrail.OpenDebtLimit;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.FollowerId;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.sim.SimulatedDebtSettler;
import dev.copytrade.core.time.SettableClock;
import dev.copytrade.jdbi.CopyTradeDataSources;
import dev.copytrade.jdbi.CopyTradeSchema;
import dev.copytrade.jdbi.JdbiCopyTradeStore;
import dev.copytrade.jdbi.JdbiDebtLedger;
import dev.copytrade.jdbi.TableNames;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * Float-and-reimburse, end to end. Two followers trade through proxy wallets; to be fast the bot buys for
 * them with its own USDC (the float) and then pulls the reimbursement from the proxy. Some pulls revert: the
 * executor records each as an OPEN debt in the same database transaction as the EXECUTED record. A proxy
 * that owes too much is not fronted again (the {@link OpenDebtLimit} guardrail). The recovery loop repays
 * the debts once the proxies hold the USDC, exactly once each, and the ledger and its history are printed.
 *
 * <pre>
 * ./mvnw -q -pl copytrade-examples -am test-compile exec:java -Dexec.mainClass=dev.copytrade.examples.debt.FloatAndReimburse
 * ./mvnw -q -pl copytrade-examples -am test-compile exec:java -Dexec.mainClass=dev.copytrade.examples.debt.FloatAndReimburse \
 *     -Dexec.args="--jdbc-url jdbc:postgresql://localhost:5432/bot --user bot"
 * </pre>
 *
 * By default the records and debts live in an in-memory H2 database; with {@code --jdbc-url} they go to
 * PostgreSQL, in tables of their own ({@code float_demo_*}, dropped at the end) so a live bot's tables are
 * never touched. The venue and the proxies' USDC are simulated: nothing real moves.
 */
public final class FloatAndReimburse {
    /** The demo's tables: a prefix of their own, so it never shares a live bot's. */
    static final TableNames TABLES = new TableNames(null, "float_demo_");
    static final Address BOT_FLOAT = Address.of("0xb07f10a7b07f10a7b07f10a7b07f10a7b07f10a7");
    static final Address ALICE_PROXY = Address.of("0xa11ce0000000000000000000000000000000a11c");
    static final Address BOB_PROXY = Address.of("0xb0b0000000000000000000000000000000000b0b");
    private static final Address OPERATOR = Address.of("0x0fe7a70f0fe7a70f0fe7a70f0fe7a70f0fe7a70f");
    private static final int TRADES = 12;
    private static final String USDC = "USDC";

    /**
     * What the run did.
     *
     * @param executed orders filled (the float paid for each)
     * @param skippedForDebt BUYs not fronted because the proxy already owed more than the limit
     * @param debts debts recorded (failed reimbursement pulls), with their final state
     * @param payments the settler's ground truth: every repayment it received
     * @param duplicateRepayments repayments of a key the settler had already received (must be zero)
     */
    public record Summary(int executed, int skippedForDebt, List<Debt> debts,
            List<SimulatedDebtSettler.Payment> payments, long duplicateRepayments) {}

    private FloatAndReimburse() {}

    public static void main(String[] args) {
        String url = "jdbc:h2:mem:float-and-reimburse;DB_CLOSE_DELAY=-1";
        String user = "sa";
        String password = System.getenv("COPYTRADE_DB_PASSWORD");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jdbc-url" -> url = args[++i];
                case "--user" -> user = args[++i];
                case "--password" -> password = args[++i];
                default -> {
                    System.err.println("usage: FloatAndReimburse [--jdbc-url URL [--user U] [--password P]]");
                    System.exit(2);
                }
            }
        }
        try (HikariDataSource ds = CopyTradeDataSources.pool(url, user, password, 4)) {
            run(ds, System.out);
        }
    }

    /** Runs the demo on {@code dataSource} in the {@link #TABLES} tables (dropped at the end). */
    public static Summary run(DataSource dataSource, PrintStream out) {
        JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(dataSource).tableNames(TABLES).migrate(true).build();
        try {
            return demo(store, out);
        } finally {
            CopyTradeSchema.drop(Jdbi.create(dataSource), TABLES);
        }
    }

    private static Summary demo(JdbiCopyTradeStore store, PrintStream out) {
        JdbiDebtLedger ledger = store.debtLedger();
        SettableClock clock = new SettableClock(Instant.parse("2026-03-02T12:00:00Z"));
        // every third reimbursement pull reverts (the proxy's transfer failed after the buy filled)
        AtomicInteger pulls = new AtomicInteger();
        SimulatedChainAdapter venue = new SimulatedChainAdapter(clock, Duration.ZERO)
                .floatAndReimburse(BOT_FLOAT, order -> pulls.incrementAndGet() % 3 == 0);
        CopyTradeExecutor executor = CopyTradeExecutor.builder().store(store).chainAdapter(venue).clock(clock)
                // anti-overdraft: no new float for a proxy that already owes more than 12 USDC
                .guardrails(GuardrailChain.of(new OpenDebtLimit(ledger::openAmountOwedBy, Usdc.of("12"))))
                .parallelism(1).build();
        CopyPolicy fiveDollars = CopyPolicy.fixed(Usdc.of("5")).build();
        List<Follower> followers = List.of(new Follower(FollowerId.of("alice"), ALICE_PROXY, OPERATOR, fiveDollars),
                new Follower(FollowerId.of("bob"), BOB_PROXY, OPERATOR, fiveDollars));

        out.println("1. copying " + TRADES + " leader BUYs for alice and bob: the bot fronts 5 USDC each time and"
                + " pulls it back from the proxy");
        int executed = 0;
        int skippedForDebt = 0;
        for (int i = 1; i <= TRADES; i++) {
            LeaderTrade trade = LeaderTrade.builder().signalId(SignalId.venueFill("demo", "trade-" + i))
                    .leader("0x6031b6eed1c97e853c6e0f03ad3ce3529351f96d")
                    .market("0x" + "5".repeat(64), "1234", "demo-market").side("BUY").price("0.5").size("40")
                    .timestamp(clock.instant()).build();
            for (CopyResult r : executor.executeAll(trade, followers)) {
                if (r.record() == null) {
                    out.printf("   trade %2d %-5s NOT RECORDED (nothing sent): %s%n", i, r.follower().value(), r.error());
                    continue;
                }
                String owed = ledger.findByRecord(r.record().id()).isEmpty() ? "" : "  -> reimbursement reverted:"
                        + " debt recorded";
                if (r.outcome() == CopyResult.Outcome.EXECUTED) {
                    executed++;
                } else if (r.record().reason() == ReasonCode.DEBT_OUTSTANDING) {
                    skippedForDebt++;
                    owed = "  (proxy owes " + Usdc.ofMicros(Long.parseLong(r.record().detail().get("openDebt")))
                            + " USDC: not fronted)";
                }
                out.printf("   trade %2d %-5s %-8s record #%d%s%n", i, r.follower().value(), r.outcome(),
                        r.record().id(), owed);
            }
            clock.advance(Duration.ofSeconds(30));
        }
        executor.close();
        printLedger(out, ledger, "ledger after trading");

        SimulatedDebtSettler proxies = new SimulatedDebtSettler()
                .setBalance(ALICE_PROXY, USDC, 0).setBalance(BOB_PROXY, USDC, 0);
        DebtRecoveryLoop loop = DebtRecoveryLoop.builder(ledger, proxies).balanceSource(proxies).clock(clock)
                .instanceId("demo-recovery").build();
        out.println("2. recovery at start-up: both proxies are empty");
        report(out, loop.runOnce());
        out.println("3. alice's proxy receives 10 USDC (enough for two of her debts)");
        proxies.setBalance(ALICE_PROXY, USDC, Usdc.of("10").micros());
        clock.advance(Duration.ofMinutes(2));
        report(out, loop.runOnce());
        out.println("4. both proxies are topped up");
        proxies.setBalance(ALICE_PROXY, USDC, Usdc.of("100").micros()).setBalance(BOB_PROXY, USDC,
                Usdc.of("100").micros());
        clock.advance(Duration.ofMinutes(2));
        report(out, loop.runOnce());
        printLedger(out, ledger, "ledger after recovery");

        List<Debt> debts = all(ledger);
        if (!debts.isEmpty()) {
            Debt first = debts.get(0);
            out.println("history of debt #" + first.id() + ":");
            for (DebtEvent e : ledger.history(first.id())) {
                out.printf("   v%-2d %s %-15s %-9s -> %-9s actor=%s %s%n", e.version(), e.at(), e.action(),
                        e.from() == null ? "" : e.from(), e.to(), e.actor() == null ? "-" : e.actor(),
                        e.note() == null ? "" : e.note());
            }
        }
        out.println("the settler's own record (ground truth):");
        for (SimulatedDebtSettler.Payment p : proxies.payments()) {
            out.printf("   %-14s %s pays %s USDC for debts %s: %s%n", p.repayment().idempotencyKey(),
                    p.repayment().debtor(), Usdc.ofMicros(p.repayment().amount()), p.repayment().debtIds(),
                    p.paid() ? p.reference() : "refused: " + p.error());
        }
        out.println("repayments sent twice: " + proxies.duplicateRepayments());
        return new Summary(executed, skippedForDebt, debts, proxies.payments(), proxies.duplicateRepayments());
    }

    private static List<Debt> all(JdbiDebtLedger ledger) {
        List<Debt> all = new ArrayList<>();
        for (DebtStatus s : DebtStatus.values()) {
            all.addAll(ledger.findByStatus(s, 0, 1_000));
        }
        all.sort((a, b) -> Long.compare(a.id(), b.id()));
        return all;
    }

    private static void printLedger(PrintStream out, JdbiDebtLedger ledger, String title) {
        out.println(title + ":");
        for (Debt d : all(ledger)) {
            out.printf("   debt #%-2d record #%-3d %-9s %s owes %s USDC, attempts %d%s%n", d.id(), d.recordId(),
                    d.status(), d.debtor().equals(ALICE_PROXY) ? "alice's proxy" : "bob's proxy  ",
                    Usdc.ofMicros(d.amount()), d.attempts(), d.repaymentRef() == null ? "" : ", paid by "
                            + d.repaymentRef());
        }
        for (JdbiDebtLedger.Outstanding o : ledger.outstanding()) {
            out.printf("   outstanding: %d %s %s, %s base units, oldest %s%n", o.count(), o.status(), o.asset(),
                    o.amount(), o.oldest());
        }
    }

    private static void report(PrintStream out, DebtRecoveryReport r) {
        out.printf("   claimed %d, repayments %d, repaid %d, waiting for funds %d, failed %d, escalated %d%n",
                r.claimed(), r.repayments(), r.repaid(), r.deferred(), r.failed(), r.escalated());
    }
}
