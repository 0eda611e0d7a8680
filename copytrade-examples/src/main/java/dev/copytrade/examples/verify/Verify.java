package dev.copytrade.examples.verify;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.chain.ChainAdapter;
import dev.copytrade.core.chain.LookupResult;
import dev.copytrade.core.chain.OrderLookup;
import dev.copytrade.core.chain.PreparedOrder;
import dev.copytrade.core.chain.SubmitResult;
import dev.copytrade.core.debt.AccrueResult;
import dev.copytrade.core.debt.Debt;
import dev.copytrade.core.debt.DebtDraft;
import dev.copytrade.core.debt.DebtStatus;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.FollowerId;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordDraft;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.record.Transition;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.store.PrewriteResult;
import dev.copytrade.core.sweep.StaleSweeper;
import dev.copytrade.core.sweep.SweepReport;
import dev.copytrade.jdbi.CopyTradeDataSources;
import dev.copytrade.jdbi.CopyTradeSchema;
import dev.copytrade.jdbi.JdbiCopyTradeStore;
import dev.copytrade.jdbi.JdbiDebtLedger;
import dev.copytrade.jdbi.TableNames;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * The operator check. Read-only by default: counts by status, stale in-flight records (lease run out:
 * a crashed process or a sweeper that is not running), UNKNOWN records that need a human or a later
 * reconcile, and the debts still owed: open ones (being recovered) and escalated ones (need a human),
 * each as a count, an amount per asset and the oldest. With {@code --write} it also proves, on that
 * database server and schema, that a prewrite is idempotent, that a stale record is expired by the sweep
 * and that a debt is recorded once per leg and claimed by one loop at a time. It does so in tables of its
 * own (a one-off prefix, dropped afterwards), so nothing it runs can touch a live bot's records or debts.
 *
 * <p>Exit codes: 0 healthy, 1 attention needed (stale or UNKNOWN records, escalated debts), 2 bad
 * arguments, 3 the write check failed or the database could not be used.
 */
public final class Verify {
    private Verify() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, Clock.systemUTC()));
    }

    /** Runs the check; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err, Clock clock) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("verify: " + e.getMessage());
            err.println(Options.USAGE);
            return 2;
        }
        if (o.help) {
            out.println(Options.USAGE);
            return 0;
        }
        try (HikariDataSource ds = CopyTradeDataSources.pool(o.jdbcUrl, o.user, o.password, 2)) {
            TableNames names = new TableNames(o.schema, o.prefix);
            JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(ds).tableNames(names).build();
            int code;
            if (tableExists(ds, names.recordTable())) {
                code = report(store, clock.instant(), out);
                code = Math.max(code, debtReport(ds, names, out));
            } else {
                out.println("no copytrade table " + names.recordTable() + " in this database: nothing to report"
                        + " (wrong --schema/--table-prefix, or the bot has not migrated it yet)");
                code = 1;
            }
            if (o.write) {
                code = Math.max(code, writeCheck(ds, new TableNames(o.schema,
                        "ctverify_" + UUID.randomUUID().toString().substring(0, 8) + "_"), clock, out));
            }
            return code;
        } catch (RuntimeException e) {
            err.println("verify: " + e.getMessage());
            return 3;
        }
    }

    private static boolean tableExists(HikariDataSource ds, String table) {
        try {
            Jdbi.create(ds).useHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE 1 = 0")
                    .mapTo(Long.class).one());
            return true;
        } catch (org.jdbi.v3.core.JdbiException e) {
            return false;
        }
    }

    private static int report(CopyTradeStore store, Instant now, PrintStream out) {
        Map<RecordStatus, Long> counts = store.countByStatus();
        out.println("records by status:");
        counts.forEach((s, n) -> out.printf("  %-10s %d%n", s, n));
        List<CopyTradeRecord> stale = new ArrayList<>();
        for (RecordStatus s : List.of(RecordStatus.PENDING, RecordStatus.SUBMITTED)) {
            for (CopyTradeRecord r : store.findByStatus(s, 10_000)) {
                if (r.isStale(now)) {
                    stale.add(r);
                }
            }
        }
        List<CopyTradeRecord> unknown = store.findByStatus(RecordStatus.UNKNOWN, 1_000);
        out.printf("stale in-flight records (lease run out, awaiting the sweep): %d%n", stale.size());
        stale.stream().limit(20).forEach(r -> out.printf("  #%d %s %s lease until %s owner %s%n", r.id(),
                r.status(), r.clientOrderId(), r.leaseUntil(), r.leaseOwner()));
        out.printf("UNKNOWN records (the venue could not tell; reconcile or resolve by hand): %d%n", unknown.size());
        unknown.stream().limit(20).forEach(r -> out.printf("  #%d %s venueRef=%s error=%s%n", r.id(),
                r.clientOrderId(), r.venueRef(), r.lastError()));
        boolean healthy = stale.isEmpty() && unknown.isEmpty();
        out.println(healthy ? "status: OK" : "status: ATTENTION");
        return healthy ? 0 : 1;
    }

    /**
     * Debts still owed: OPEN and REPAYING ones are the recovery loop's work (reported, not alarming);
     * ESCALATED ones ran out of attempts and wait for a human (retry now, or write off), so they need
     * attention. Returns 1 when any debt is escalated.
     */
    private static int debtReport(HikariDataSource ds, TableNames names, PrintStream out) {
        if (!tableExists(ds, names.debtTable())) {
            out.println("no debt table " + names.debtTable() + ": the schema predates the debt ledger (V4);"
                    + " a store built with migrate(true) adds it");
            return 0;
        }
        JdbiDebtLedger ledger = JdbiDebtLedger.builder(ds).tableNames(names).build();
        List<JdbiDebtLedger.Outstanding> owed = ledger.outstanding();
        out.println("debts still owed (OPEN/REPAYING: the recovery loop's work; ESCALATED: retry or write off by hand):");
        if (owed.isEmpty()) {
            out.println("  none");
        }
        for (JdbiDebtLedger.Outstanding o : owed) {
            out.printf("  %-10s %-6s %d debts, %s base units, oldest accrued %s%n", o.status(), o.asset(), o.count(),
                    o.amount(), o.oldest());
        }
        List<Debt> escalated = ledger.findByStatus(DebtStatus.ESCALATED, 0, 20);
        escalated.forEach(d -> out.printf("  escalated #%d record #%d leg %s: %s owes %s %d, %d attempts, last error %s%n",
                d.id(), d.recordId(), d.legId(), d.debtor(), d.asset(), d.amount(), d.attempts(), d.lastError()));
        if (escalated.isEmpty()) {
            return 0;
        }
        out.println("status: ATTENTION (escalated debts)");
        return 1;
    }

    /**
     * Prewrite twice (one insert), let the lease run out, sweep against a venue that has never seen it;
     * all in throw-away tables next to the live ones.
     */
    private static int writeCheck(HikariDataSource ds, TableNames names, Clock clock, PrintStream out) {
        out.println("write check in throw-away tables " + names.recordTable() + " (dropped afterwards):");
        JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(ds).tableNames(names).migrate(true).build();
        String run = UUID.randomUUID().toString().substring(0, 12);
        Instant now = clock.instant();
        LeaderTrade trade = LeaderTrade.builder().signalId(SignalId.venueFill("verify", run))
                .leader("0x" + "0".repeat(39) + "1").market("0x" + "0".repeat(63) + "1", "1", "copytrade-verify")
                .side("BUY").price("0.5").size("2").timestamp(now).build();
        Address nobody = Address.of("0x" + "0".repeat(39) + "2");
        RecordDraft draft = RecordDraft.pending(trade, FollowerId.of("verify-" + run), nobody, nobody,
                CopyOrder.of(trade.market(), trade.side(), trade.price(), Shares.of("2")), Map.of("verify", run),
                false, "verify-" + run, now.minusSeconds(1), now);
        boolean ok = true;
        try {
            PrewriteResult first = store.prewrite(draft);
            PrewriteResult second = store.prewrite(draft);
            ok &= check(out, "prewrite inserts once", first.inserted() && !second.inserted()
                    && first.record().id() == second.record().id());
            long id = first.record().id();
            ok &= check(out, "SUBMITTED written by compare-and-set", store.transition(Transition.submitted(id, now,
                    null, null, "verify-" + run, now.minusMillis(1))).applied());
            ok &= check(out, "a second writer loses the race", !store.transition(Transition.submitted(id, now,
                    null, null, "verify-" + run, now)).applied());
            SweepReport sweep = StaleSweeper.builder(store, new NeverSeen()).clock(clock).batchSize(1000)
                    .recheckUnknown(false).build().runOnce();
            CopyTradeRecord after = store.findById(id).orElseThrow();
            ok &= check(out, "the stale record was expired from the venue's answer (sweep claimed "
                    + sweep.claimed() + ")", after.status() == RecordStatus.EXPIRED
                    && after.reason() == ReasonCode.NOT_FOUND_AT_VENUE);
            ok &= debtWriteCheck(store.debtLedger(), id, nobody, now, run, out);
        } finally {
            CopyTradeSchema.drop(Jdbi.create(ds), names);
            out.println("  dropped the throw-away tables");
        }
        out.println(ok ? "write check: OK" : "write check: FAILED");
        return ok ? 0 : 3;
    }

    /** A leg accrued twice is one debt; a due debt claimed by two loops goes to one of them. */
    private static boolean debtWriteCheck(JdbiDebtLedger ledger, long recordId, Address debtor, Instant now,
            String run, PrintStream out) {
        DebtDraft draft = new DebtDraft(recordId, "verify", debtor, Address.of("0x" + "0".repeat(39) + "3"), "USDC",
                1, "verify " + run, now.minusSeconds(1));
        AccrueResult first = ledger.accrue(draft);
        AccrueResult again = ledger.accrue(draft);
        boolean ok = check(out, "a debt is recorded once per leg", first.inserted() && !again.inserted()
                && again.debt().id() == first.debt().id() && ledger.findByRecord(recordId).size() == 1
                && ledger.history(first.debt().id()).size() == 1);
        List<Debt> one = ledger.claimDue(now, 10, "verify-a-" + run, now.plusSeconds(60));
        List<Debt> other = ledger.claimDue(now, 10, "verify-b-" + run, now.plusSeconds(60));
        return ok & check(out, "a due debt is claimed by one recovery loop at a time",
                one.size() == 1 && other.isEmpty());
    }

    private static boolean check(PrintStream out, String what, boolean ok) {
        out.printf("  [%s] %s%n", ok ? "ok" : "FAIL", what);
        return ok;
    }

    /** A venue that answers "no such order" to everything and accepts nothing. */
    private static final class NeverSeen implements ChainAdapter {
        @Override
        public String venue() {
            return "verify";
        }

        @Override
        public boolean movesRealMoney() {
            return false;
        }

        @Override
        public SubmitResult submit(PreparedOrder order) {
            return SubmitResult.rejected("verify never sends orders");
        }

        @Override
        public LookupResult lookup(OrderLookup lookup) {
            return new LookupResult.NotFound();
        }
    }

    static final class Options {
        static final String USAGE = String.join("\n",
                "usage: verify --jdbc-url URL [--user U] [--password P] [--schema S] [--table-prefix P] [--write]",
                "  read-only by default: counts by status, stale in-flight and UNKNOWN records, debts still owed",
                "  --write     also prove prewrite idempotency, expiry and debt idempotency with test rows (deleted"
                        + " afterwards)",
                "  the password may also come from COPYTRADE_DB_PASSWORD",
                "  exit: 0 healthy, 1 attention needed (stale, UNKNOWN, escalated debts), 2 bad arguments,"
                        + " 3 check failed or database unusable");
        String jdbcUrl;
        String user;
        String password = System.getenv("COPYTRADE_DB_PASSWORD");
        String schema;
        String prefix = TableNames.defaults().prefix();
        boolean write;
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--jdbc-url" -> o.jdbcUrl = value(args, ++i, a);
                    case "--user" -> o.user = value(args, ++i, a);
                    case "--password" -> o.password = value(args, ++i, a);
                    case "--schema" -> o.schema = value(args, ++i, a);
                    case "--table-prefix" -> o.prefix = value(args, ++i, a);
                    case "--write" -> o.write = true;
                    case "--help", "-h" -> o.help = true;
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (o.jdbcUrl == null && !o.help) {
                throw new IllegalArgumentException("--jdbc-url is required");
            }
            return o;
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }
    }
}
