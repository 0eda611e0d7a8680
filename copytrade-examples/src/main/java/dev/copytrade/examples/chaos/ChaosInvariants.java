package dev.copytrade.examples.chaos;

import dev.copytrade.core.chain.SettlementLeg;
import dev.copytrade.core.debt.Debt;
import dev.copytrade.core.debt.DebtStatus;
import dev.copytrade.core.model.ClientOrderId;
import dev.copytrade.core.model.IdempotencyKey;
import dev.copytrade.core.model.Side;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.sim.SimulatedChainAdapter.ReceivedOrder;
import dev.copytrade.core.sim.SimulatedDebtSettler.Payment;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The invariants of a chaos run, checked against the venue's ground truth once everything has settled.
 * Each check counts what it examined and what violates it; a violation is a bug in the library (or in the
 * harness), never bad luck.
 */
final class ChaosInvariants {

    /** One invariant: its verdict, and one line with the counts behind it. */
    record Check(String name, long violations, String detail) {
        boolean pass() {
            return violations == 0;
        }

        String line() {
            return (pass() ? "[PASS] " : "[FAIL] ") + name + ": " + detail;
        }
    }

    /** A budget as the cap ledger holds it: committed units, and all live units (reserved + committed). */
    record BudgetUse(String key, String bucket, long committed, long live) {}

    private ChaosInvariants() {}

    static List<Check> check(ChaosScenario scenario, List<CopyTradeRecord> records, List<ReceivedOrder> orders,
            long duplicateSubmits, Predicate<ClientOrderId> answerable, List<BudgetUse> budgets,
            List<Check> extra) {
        Map<ClientOrderId, CopyTradeRecord> byOrderId = new HashMap<>();
        for (CopyTradeRecord r : records) {
            byOrderId.put(r.clientOrderId(), r);
        }
        Map<ClientOrderId, ReceivedOrder> atVenue = new HashMap<>();
        for (ReceivedOrder o : orders) {
            atVenue.put(o.clientOrderId(), o);
        }
        List<Check> out = new ArrayList<>();
        out.add(noOrphans(orders, byOrderId));
        out.add(oneOrderPerKey(orders, byOrderId, duplicateSubmits));
        out.add(nothingInFlight(records, answerable));
        out.add(caps(scenario, orders, budgets));
        out.addAll(extra);
        out.add(agreement(records, atVenue, answerable));
        return out;
    }

    /**
     * Money owed: every debt ends REPAID (paid exactly once at the settler) or ESCALATED (never paid), no
     * repayment key is paid twice; and every failed settlement leg of an order the records call EXECUTED or
     * FAILED has exactly one debt for that amount.
     */
    static List<Check> debts(List<Debt> debts, List<Payment> payments, long duplicateRepayments,
            List<CopyTradeRecord> records, List<ReceivedOrder> orders) {
        Map<Long, Integer> timesPaid = new HashMap<>();
        for (Payment p : payments) {
            if (p.paid()) {
                for (long id : p.repayment().debtIds()) {
                    timesPaid.merge(id, 1, Integer::sum);
                }
            }
        }
        long unsettled = 0;
        long paidTwice = 0;
        long wrong = 0;
        long repaid = 0;
        long escalated = 0;
        for (Debt d : debts) {
            int paid = timesPaid.getOrDefault(d.id(), 0);
            paidTwice += paid > 1 ? 1 : 0;
            if (d.status() == DebtStatus.REPAID) {
                repaid++;
                wrong += paid == 1 ? 0 : 1;
            } else if (d.status() == DebtStatus.ESCALATED) {
                escalated++;
                wrong += paid == 0 ? 0 : 1;
            } else {
                unsettled++;
            }
        }
        Check settled = new Check("every debt repaid once or escalated", unsettled + paidTwice + wrong
                + duplicateRepayments, debts.size() + " debts: " + repaid + " REPAID, " + escalated + " ESCALATED, "
                + unsettled + " neither; " + paidTwice + " paid more than once, " + wrong
                + " whose status disagrees with the settler's ledger, " + duplicateRepayments
                + " repayment keys sent twice (" + payments.size() + " repayments received)");

        Map<ClientOrderId, CopyTradeRecord> byOrderId = new HashMap<>();
        for (CopyTradeRecord r : records) {
            byOrderId.put(r.clientOrderId(), r);
        }
        Map<String, Debt> byLeg = new HashMap<>();
        for (Debt d : debts) {
            byLeg.put(d.recordId() + "/" + d.legId(), d);
        }
        long legs = 0;
        long missing = 0;
        for (ReceivedOrder o : orders) {
            CopyTradeRecord r = byOrderId.get(o.clientOrderId());
            if (r == null || (r.status() != RecordStatus.EXECUTED && r.status() != RecordStatus.FAILED)) {
                continue;  // an orphan or an unresolved record is reported by its own invariant
            }
            for (SettlementLeg leg : SettlementLeg.failedOnly(o.legs())) {
                legs++;
                Debt d = byLeg.get(r.id() + "/" + leg.legId());
                if (d == null || d.amount() != leg.amount() || !d.debtor().equals(leg.debtor())) {
                    missing++;
                }
            }
        }
        long strays = debts.size() - legs;
        Check recorded = new Check("every failed settlement leg has its debt", missing + Math.max(0, strays), legs
                + " failed legs at the venue, " + missing + " without a matching debt, " + Math.max(0, strays)
                + " debts without a failed leg");
        return List.of(settled, recorded);
    }

    private static Check noOrphans(List<ReceivedOrder> orders, Map<ClientOrderId, CopyTradeRecord> byOrderId) {
        long orphans = orders.stream().filter(o -> !byOrderId.containsKey(o.clientOrderId())).count();
        return new Check("no orphan order", orphans, "every one of the " + orders.size()
                + " orders the venue received has exactly one record (" + orphans + " without one)");
    }

    private static Check oneOrderPerKey(List<ReceivedOrder> orders, Map<ClientOrderId, CopyTradeRecord> byOrderId,
            long duplicateSubmits) {
        Map<IdempotencyKey, Integer> perKey = new HashMap<>();
        long wrongKey = 0;
        for (ReceivedOrder o : orders) {
            perKey.merge(o.request().key(), 1, Integer::sum);
            CopyTradeRecord r = byOrderId.get(o.clientOrderId());
            if (r != null && !r.key().equals(o.request().key())) {
                wrongKey++;
            }
        }
        long many = perKey.values().stream().filter(n -> n > 1).count();
        return new Check("at most one order per idempotency key", many + wrongKey + duplicateSubmits, perKey.size()
                + " keys reached the venue, " + many + " with more than one order, " + wrongKey
                + " orders under another record's key, " + duplicateSubmits + " repeated submits of one client order id");
    }

    private static Check nothingInFlight(List<CopyTradeRecord> records, Predicate<ClientOrderId> answerable) {
        long pending = count(records, RecordStatus.PENDING);
        long submitted = count(records, RecordStatus.SUBMITTED);
        long unknown = count(records, RecordStatus.UNKNOWN);
        long unknownAnswerable = records.stream()
                .filter(r -> r.status() == RecordStatus.UNKNOWN && answerable.test(r.clientOrderId())).count();
        return new Check("nothing left in flight", pending + submitted + unknownAnswerable, pending + " PENDING, "
                + submitted + " SUBMITTED; " + unknown + " UNKNOWN, " + (unknown - unknownAnswerable)
                + " of them where the venue cannot answer, " + unknownAnswerable + " where it can");
    }

    /**
     * Every budget within its limit in the ledger (committed, and everything live), and in the venue's own
     * books: the BUY notional it filled per market and UTC day, and the orders it filled per follower.
     */
    private static Check caps(ChaosScenario scenario, List<ReceivedOrder> orders, List<BudgetUse> budgets) {
        long overCommitted = 0;
        long overLive = 0;
        long money = 0;
        long counts = 0;
        for (BudgetUse b : budgets) {
            long limit;
            if (b.key().startsWith("usd:market:")) {
                limit = scenario.perMarketLimitMicros();
                money++;
            } else if (b.key().startsWith("trades:follower:")) {
                limit = scenario.tradesPerFollower();
                counts++;
            } else {
                overCommitted++;  // a budget the scenario never configured
                continue;
            }
            overCommitted += b.committed() > limit ? 1 : 0;
            overLive += b.live() > limit ? 1 : 0;
        }
        Map<String, Long> spent = new HashMap<>();
        Map<String, Long> filled = new HashMap<>();
        Map<String, String> followerOf = new HashMap<>();
        for (Follower f : scenario.followers()) {
            followerOf.put(f.wallet().value(), f.id().value());
        }
        for (ReceivedOrder o : orders) {
            if (!o.filled()) {
                continue;
            }
            if (o.request().order().side() == Side.BUY) {
                String day = o.receivedAt().atZone(ZoneOffset.UTC).toLocalDate().toString();
                spent.merge(o.request().order().market().conditionId() + "@" + day, o.fill().notional().micros(), Long::sum);
            }
            filled.merge(followerOf.getOrDefault(o.request().wallet().value(), "?"), 1L, Long::sum);
        }
        long venueOverMoney = spent.values().stream().filter(v -> v > scenario.perMarketLimitMicros()).count();
        long venueOverCount = filled.values().stream().filter(v -> v > scenario.tradesPerFollower()).count();
        return new Check("every cap within its limit", overCommitted + overLive + venueOverMoney + venueOverCount,
                money + " market budgets (limit " + scenario.perMarketLimitMicros() / 1_000_000 + " USDC/day) and "
                        + counts + " follower trade counts (limit " + scenario.tradesPerFollower() + "/24 h) in the "
                        + "ledger: " + overCommitted + " committed over the limit, " + overLive
                        + " reserved+committed over it; at the venue: " + venueOverMoney + " of " + spent.size()
                        + " market-days filled over the limit, " + venueOverCount + " of " + filled.size()
                        + " followers filled more orders than allowed");
    }

    /** EXECUTED ⇔ the venue filled it (same shares); FAILED: not filled; EXPIRED and SKIPPED: never received. */
    private static Check agreement(List<CopyTradeRecord> records, Map<ClientOrderId, ReceivedOrder> atVenue,
            Predicate<ClientOrderId> answerable) {
        long bad = 0;
        List<String> examples = new ArrayList<>();
        for (CopyTradeRecord r : records) {
            ReceivedOrder o = atVenue.get(r.clientOrderId());
            boolean ok = switch (r.status()) {
                case EXECUTED -> o != null && o.filled() && o.fill().shares().equals(r.fill().shares());
                case FAILED -> o == null || !o.filled();
                case EXPIRED, SKIPPED -> o == null;
                case UNKNOWN -> !answerable.test(r.clientOrderId());
                case PENDING, SUBMITTED -> true;  // counted by "nothing left in flight"
            };
            if (!ok) {
                bad++;
                if (examples.size() < 5) {
                    examples.add("record " + r.id() + " " + r.status() + " vs venue "
                            + (o == null ? "none" : o.filled() ? "filled " + o.fill().shares() : "rejected"));
                }
            }
        }
        return new Check("records agree with the venue", bad, records.size() + " records checked, " + bad
                + " disagree (EXECUTED ⇔ filled with the same shares; FAILED not filled; EXPIRED and SKIPPED never"
                + " received)" + (examples.isEmpty() ? "" : ": " + String.join("; ", examples)));
    }

    private static long count(List<CopyTradeRecord> records, RecordStatus s) {
        return records.stream().filter(r -> r.status() == s).count();
    }
}
