package dev.copytrade.examples.replay;

import dev.copytrade.core.executor.CopyResult.Outcome;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordStatus;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Renders a {@link ReplaySummary} as the plain-text report the replay bot prints. */
public final class ReplayReport {
    static final int SHOWN_REJECTIONS = 5;
    static final int SHOWN_IN_FLIGHT = 10;

    private ReplayReport() {}

    public static String render(ReplaySummary s) {
        StringBuilder out = new StringBuilder();
        header(out, s);
        feed(out, s.feed());
        setup(out, s);
        outcomes(out, s);
        earlierRuns(out, s);
        skips(out, s);
        venue(out, s);
        inFlight(out, s);
        records(out, s);
        return out.toString();
    }

    private static void header(StringBuilder out, ReplaySummary s) {
        out.append("copytrade replay bot: ").append(s.feed().name()).append('\n');
        out.append(s.dryRun()
                ? "mode: DRY RUN (every decision is recorded, nothing is sent; would-be orders are SKIPPED/DRY_RUN)\n"
                : "mode: live against the simulated venue (it moves no real money)\n");
        out.append("store: ").append(s.store()).append('\n');
    }

    private static void feed(StringBuilder out, FeedReader.Result f) {
        out.append("\nfeed\n");
        kv(out, "lines read", f.lines(), "");
        kv(out, "trades accepted", f.entries().size(), "");
        kv(out, "rejected (malformed)", f.rejections().size(), f.rejections().isEmpty() ? "" : "(not copied; first "
                + Math.min(SHOWN_REJECTIONS, f.rejections().size()) + " below)");
        kv(out, "normalised to 6 decimals", f.normalised(), "price/size rounded HALF_EVEN by the feed reader");
        kv(out, "distinct signals", f.distinctSignals(), "");
        kv(out, "repeated deliveries", f.repeatedDeliveries(), "same trade again (e.g. ws + chain): one signal id");
        for (FeedReader.Rejection r : f.rejections().subList(0, Math.min(SHOWN_REJECTIONS, f.rejections().size()))) {
            out.append("    line ").append(r.line()).append(": ").append(r.message()).append('\n');
        }
    }

    private static void setup(StringBuilder out, ReplaySummary s) {
        out.append("\nfollowers\n");
        for (ReplaySummary.FollowerRow r : s.followers()) {
            out.append(String.format("  %-16s %s%n", r.id(), r.description()));
        }
        out.append("guardrails, in order\n");
        int i = 1;
        for (String g : s.guardrails()) {
            out.append("  ").append(i++).append(". ").append(g).append('\n');
        }
    }

    private static void outcomes(StringBuilder out, ReplaySummary s) {
        out.append("\noutcomes per follower (each trade x follower is counted in exactly one column)\n");
        String fmt = "%-16s %9s %8s %7s %10s %10s %6s %7s%n";
        out.append(String.format(fmt, "follower", "executed", "skipped", "failed", "in flight", "duplicate",
                "other", "total"));
        for (ReplaySummary.FollowerRow r : s.followers()) {
            out.append(String.format(fmt, r.id(), r.count(Outcome.EXECUTED), r.count(Outcome.SKIPPED),
                    r.count(Outcome.FAILED), r.count(Outcome.IN_FLIGHT), r.count(Outcome.DUPLICATE),
                    r.count(Outcome.LOST) + r.count(Outcome.NOT_RECORDED), r.total()));
        }
        out.append(String.format(fmt, "total", s.total(Outcome.EXECUTED), s.total(Outcome.SKIPPED),
                s.total(Outcome.FAILED), s.total(Outcome.IN_FLIGHT), s.total(Outcome.DUPLICATE),
                s.total(Outcome.LOST) + s.total(Outcome.NOT_RECORDED), s.accountedFor()));
        out.append(String.format("  %d trades x %d followers = %d executions, %d accounted for%n",
                s.feed().entries().size(), s.followers().size(), s.executions(), s.accountedFor()));
        out.append("  (other = LOST to another actor or NOT_RECORDED because the store failed: none expected here)\n");
    }

    private static void earlierRuns(StringBuilder out, ReplaySummary s) {
        ReplaySummary.Earlier e = s.earlier();
        if (e.executions() > 0) {
            out.append(String.format("already decided in an earlier run: %d (recognised by idempotency key; nothing"
                    + " sent again)%n  they found the %d records earlier runs wrote; the duplicate column above"
                    + " counts them%n", e.executions(), e.records()));
        }
        if (e.inFlightAtStart() + e.unknownAtStart() > 0) {
            out.append(String.format("left by earlier runs with an unknown outcome: %d in flight, %d UNKNOWN%n",
                    e.inFlightAtStart(), e.unknownAtStart()));
            out.append("  A real bot's StaleSweeper would ask the venue about each by client order id. Not here: this"
                    + " simulated venue\n  is new every run and never saw them, so its \"not found\" would wrongly"
                    + " expire orders that were filled.\n");
        }
    }

    private static void skips(StringBuilder out, ReplaySummary s) {
        Set<ReasonCode> seen = EnumSet.noneOf(ReasonCode.class);
        s.followers().forEach(r -> seen.addAll(r.skippedBy().keySet()));
        if (seen.isEmpty()) {
            return;
        }
        out.append("\nskipped, by reason code\n");
        StringBuilder head = new StringBuilder(String.format("%-22s", "reason"));
        s.followers().forEach(r -> head.append(String.format(" %16s", r.id())));
        out.append(head).append(String.format(" %7s%n", "total"));
        for (ReasonCode code : seen) {
            StringBuilder row = new StringBuilder(String.format("%-22s", code));
            int sum = 0;
            for (ReplaySummary.FollowerRow r : s.followers()) {
                int n = r.skippedBy().getOrDefault(code, 0);
                sum += n;
                row.append(String.format(" %16d", n));
            }
            out.append(row).append(String.format(" %7d%n", sum));
        }
    }

    private static void venue(StringBuilder out, ReplaySummary s) {
        ReplaySummary.Venue v = s.venue();
        ReplaySummary.Invariant inv = s.invariant();
        out.append("\nvenue (simulated, new every run)\n");
        kv(out, "orders received", v.receivedOrders(), "");
        kv(out, "submit calls", v.submitCalls(), "");
        kv(out, "duplicate submissions", v.duplicateSubmissions(), "must be 0");
        kv(out, "orders clamped to the cap", s.followers().stream().mapToInt(ReplaySummary.FollowerRow::clamped)
                .sum(), "by MaxNotionalPerTrade($" + plain(Replay.CAP.toBigDecimal()) + ", CLAMP)");
        Usdc filled = s.followers().stream().map(ReplaySummary.FollowerRow::filled).reduce(Usdc.ZERO, Usdc::plus);
        out.append(String.format("  %-28s %10s%n", "filled (USDC)", money(filled)));
        out.append(String.format("%ninvariant: orders at venue %d == records this run sent %d (executed %d"
                + " + failed at venue %d + in flight %d): %s%n", inv.venueOrders(), inv.sentRecords(), inv.executed(),
                inv.failedAtVenue(), inv.inFlight(), inv.holds() ? "OK" : "VIOLATED"));
        if (inv.holds()) {
            out.append("  each venue order has exactly one record, each sent record is at the venue, fills match\n");
        } else {
            out.append(String.format("  venue orders without exactly one sent record: %d, sent records not at the"
                    + " venue: %d, fill mismatches: %d%n", inv.venueOrdersWithoutOneRecord(),
                    inv.sentRecordsNotAtVenue(), inv.fillMismatches()));
        }
    }

    private static void inFlight(StringBuilder out, ReplaySummary s) {
        List<CopyTradeRecord> list = s.inFlight();
        if (list.isEmpty()) {
            return;
        }
        out.append(String.format("%nin flight: %d orders with an unknown outcome (the venue timed out after"
                + " receiving them).%n", list.size()));
        out.append("  They stay SUBMITTED for the reconciler, which asks the venue by client order id;"
                + " they are never sent again.\n");
        for (CopyTradeRecord r : list.subList(0, Math.min(SHOWN_IN_FLIGHT, list.size()))) {
            out.append(String.format("  record %5d  %-16s %-4s %8s @ %-6s %s  %s%n", r.id(), r.followerId(),
                    r.order().side(), plain(r.order().shares().toBigDecimal()),
                    plain(r.order().limitPrice().toBigDecimal()), r.clientOrderId(),
                    r.trade().market().label()));
        }
        if (list.size() > SHOWN_IN_FLIGHT) {
            out.append("  ... and ").append(list.size() - SHOWN_IN_FLIGHT).append(" more\n");
        }
    }

    private static void records(StringBuilder out, ReplaySummary s) {
        out.append(String.format("%nrecords this run used: %d (%d distinct signals x %d followers):",
                s.runRecords(), s.feed().distinctSignals(), s.followers().size()));
        for (RecordStatus st : RecordStatus.values()) {
            long n = s.recordsByStatus().getOrDefault(st, 0L);
            if (n > 0) {
                out.append(' ').append(st).append(' ').append(n);
            }
        }
        out.append(String.format("%n  created by this run %d, written by earlier runs %d; the store holds %d records"
                + " in all%n", s.createdRecords(), s.earlier().records(), s.storeTotal()));
        if (!s.dryRun()) {
            out.append("note: this demo does not enable the RequirePosition guardrail, so followers may sell"
                    + " tokens they do not hold; the simulated venue fills them.\n");
        }
        out.append("result: ").append(s.consistent() ? "consistent" : "INCONSISTENT").append('\n');
    }

    private static void kv(StringBuilder out, String key, long value, String note) {
        out.append(String.format("  %-28s %10d%s%n", key, value, note.isEmpty() ? "" : "  " + note));
    }

    private static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }

    private static String money(Usdc amount) {
        return amount.toBigDecimal().setScale(2, RoundingMode.HALF_UP).toPlainString();
    }
}
