package dev.copytrade.core.internal;

import dev.copytrade.core.cap.Budget;
import dev.copytrade.core.cap.CapLedger;
import dev.copytrade.core.cap.CapPolicy;
import dev.copytrade.core.cap.CommitRequest;
import dev.copytrade.core.cap.ReserveRequest;
import dev.copytrade.core.cap.ReserveResult;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.IdempotencyKey;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor's and the sweeper's use of a {@link CapLedger}: one money reservation (id = the
 * record's key) and one trade-count reservation (id = key + ":n") per order, committed when the record
 * is EXECUTED and released when it ends any other way.
 */
public final class CapCharges {
    private static final Logger log = LoggerFactory.getLogger(CapCharges.class);

    private final CapLedger ledger;
    private final CapPolicy policy;
    private final Duration hold;

    /**
     * @param policy the budgets reserved against, or {@code null} when not known (the sweeper): then
     *     both reservations of a record are settled, each a no-op if it was never made
     * @param hold how long an unsettled reservation lives before the ledger may release it; the
     *     executor passes 2 × its in-flight TTL plus the longest budget window, so by the time a
     *     reservation of a long-UNKNOWN record expires its spend no longer counts in any window anyway
     */
    public CapCharges(CapLedger ledger, CapPolicy policy, Duration hold) {
        this.ledger = ledger;
        this.policy = policy;
        this.hold = hold;
    }

    /** A refusal: the reason code and detail for the SKIPPED record. */
    public record Refusal(ReasonCode reason, Map<String, String> detail) {}

    /**
     * What reserving one order's caps did: refused ({@code refusal} set, nothing this call created is left
     * charged), or reserved; {@code created} names the reservations this call charged (not those a duplicate
     * delivery of the same order already held). Only those may be given back if the order is abandoned.
     */
    public record Charge(Refusal refusal, List<String> created) {
        static final Charge NOTHING = new Charge(null, List.of());

        public Charge {
            created = List.copyOf(created);
        }
    }

    /**
     * Reserves the order's notional and one trade; all or nothing. If the ledger throws, what this call
     * created is given back (best effort) before the exception goes on.
     */
    public Charge reserve(IdempotencyKey key, CopyOrder order, LeaderTrade trade, Follower follower, Instant now) {
        List<String> created = new ArrayList<>(2);
        try {
            List<Budget> money = policy.moneyBudgets(order, trade, follower);
            if (!money.isEmpty()) {
                ReserveResult r = ledger.reserve(key.value(), money, order.notional().micros(), now, now.plus(hold));
                if (r instanceof ReserveResult.Exhausted e) {
                    return new Charge(refusal(ReasonCode.BUDGET_EXHAUSTED, e, true), List.of());
                }
                noteCreated(r, created);
            }
            List<Budget> counts = policy.countBudgets(follower);
            if (!counts.isEmpty()) {
                ReserveResult r = ledger.reserve(countId(key), counts, 1, now, now.plus(hold));
                if (r instanceof ReserveResult.Exhausted e) {
                    releaseIds(created, now);  // all or nothing across the two reservations too
                    return new Charge(refusal(ReasonCode.TRADE_COUNT_EXCEEDED, e, false), List.of());
                }
                noteCreated(r, created);
            }
        } catch (RuntimeException e) {
            giveBackQuietly(created, now, e);
            throw e;
        }
        return new Charge(null, created);
    }

    /** One order of a fan-out to reserve for. */
    public record Order(IdempotencyKey key, CopyOrder order, LeaderTrade trade, Follower follower) {}

    /**
     * {@link #reserve} for every order of a fan-out: one {@link CapLedger#reserveAll} for the money
     * budgets, then one for the trade counts of the orders that got their money (one call in all when only
     * one kind of budget is set); an order refused its count gives back the money it created.
     *
     * @return per order, in input order
     * @throws RuntimeException what the ledger threw, once what this call created is given back (best effort)
     */
    public List<Charge> reserveAll(List<Order> orders, Instant now) {
        Refusal[] refused = new Refusal[orders.size()];
        List<List<String>> created = new ArrayList<>(orders.size());
        for (int i = 0; i < orders.size(); i++) {
            created.add(new ArrayList<>(2));
        }
        try {
            List<ReserveRequest> money = new ArrayList<>();
            List<Integer> moneyOf = new ArrayList<>();
            for (int i = 0; i < orders.size(); i++) {
                Order o = orders.get(i);
                List<Budget> budgets = policy.moneyBudgets(o.order(), o.trade(), o.follower());
                if (!budgets.isEmpty()) {
                    money.add(new ReserveRequest(o.key().value(), budgets, o.order().notional().micros(), now,
                            now.plus(hold)));
                    moneyOf.add(i);
                }
            }
            List<ReserveResult> moneyResults = money.isEmpty() ? List.of() : ledger.reserveAll(money);
            for (int k = 0; k < moneyOf.size(); k++) {
                int i = moneyOf.get(k);
                if (moneyResults.get(k) instanceof ReserveResult.Exhausted e) {
                    refused[i] = refusal(ReasonCode.BUDGET_EXHAUSTED, e, true);
                } else {
                    noteCreated(moneyResults.get(k), created.get(i));
                }
            }
            List<ReserveRequest> counts = new ArrayList<>();
            List<Integer> countOf = new ArrayList<>();
            for (int i = 0; i < orders.size(); i++) {
                List<Budget> budgets = refused[i] == null ? policy.countBudgets(orders.get(i).follower()) : List.of();
                if (!budgets.isEmpty()) {
                    counts.add(new ReserveRequest(countId(orders.get(i).key()), budgets, 1, now, now.plus(hold)));
                    countOf.add(i);
                }
            }
            List<ReserveResult> countResults = counts.isEmpty() ? List.of() : ledger.reserveAll(counts);
            List<String> giveBack = new ArrayList<>();
            for (int k = 0; k < countOf.size(); k++) {
                int i = countOf.get(k);
                if (countResults.get(k) instanceof ReserveResult.Exhausted e) {
                    refused[i] = refusal(ReasonCode.TRADE_COUNT_EXCEEDED, e, false);
                    giveBack.addAll(created.get(i));  // all or nothing across the two reservations
                    created.get(i).clear();
                } else {
                    noteCreated(countResults.get(k), created.get(i));
                }
            }
            releaseIds(giveBack, now);
        } catch (RuntimeException e) {
            List<String> all = new ArrayList<>();
            created.forEach(all::addAll);
            giveBackQuietly(all, now, e);
            throw e;
        }
        List<Charge> out = new ArrayList<>(orders.size());
        for (int i = 0; i < orders.size(); i++) {
            out.add(refused[i] != null ? new Charge(refused[i], List.of())
                    : created.get(i).isEmpty() ? Charge.NOTHING : new Charge(null, created.get(i)));
        }
        return out;
    }

    private static void noteCreated(ReserveResult r, List<String> created) {
        if (r instanceof ReserveResult.Reserved held && held.created()) {
            created.add(held.reservationId());
        }
    }

    private void giveBackQuietly(List<String> created, Instant now, RuntimeException cause) {
        try {
            releaseIds(created, now);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * Gives back reservations a delivery created ({@link Charge#created}) for an order it abandons: its
     * record was never written, or the record already there holds nothing under those ids. One ledger call
     * for any number; idempotent.
     */
    public void releaseIds(List<String> created, Instant now) {
        if (created.size() == 1) {
            ledger.release(created.get(0), now);
        } else if (!created.isEmpty()) {
            ledger.releaseAll(created, now);
        }
    }

    private static Refusal refusal(ReasonCode reason, ReserveResult.Exhausted e, boolean money) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("budget", e.budget().key());
        d.put("window", e.budget().window().kind().name());
        d.put("limit", money ? Decimals.format(e.budget().limit(), 6) : Long.toString(e.budget().limit()));
        d.put("requested", money ? Decimals.format(e.requested(), 6) : Long.toString(e.requested()));
        d.put("available", money ? Decimals.format(e.available(), 6) : Long.toString(e.available()));
        return new Refusal(reason, d);
    }

    /**
     * Settles the reservations of a record that reached a final state: EXECUTED commits what was
     * filled; anything else that is final releases. Never throws: a ledger failure is logged and the
     * reservation is left for its expiry.
     */
    public void settle(CopyTradeRecord r, Instant now) {
        try {
            if (r.status() == RecordStatus.EXECUTED) {
                if (chargesMoney(r)) {
                    ledger.commit(r.key().value(), filledWithinReservation(r), now);
                }
                if (countsTrades()) {
                    ledger.commit(countId(r.key()), 1, now);
                }
            } else if (r.status().isTerminal()) {
                release(r.key(), isBuy(r), now);
            }
        } catch (RuntimeException e) {
            log.error("record {}: cap ledger could not be settled for {}; the reservation stays until it expires",
                    r.id(), r.status(), e);
        }
    }

    /**
     * {@link #settle} for every record of a group commit or a sweep batch, in one {@link CapLedger#commitAll}
     * for the fills and one {@link CapLedger#releaseAll} for the rest (each left out when empty). Never throws.
     * If a batch call fails, every record is settled again one by one ({@link #settle}): settling is
     * idempotent, so what the batch did settle is a no-op the second time, and one bad item or a passing
     * database error costs no other record its settlement. A record whose own settlement fails too is left
     * to its reservation's expiry ({@link CapLedger#releaseExpired}).
     */
    public void settleAll(List<CopyTradeRecord> records, Instant now) {
        if (records.size() == 1) {
            settle(records.get(0), now);
            return;
        }
        List<CommitRequest> commits = new ArrayList<>();
        List<String> releases = new ArrayList<>();
        for (CopyTradeRecord r : records) {
            if (r.status() == RecordStatus.EXECUTED) {
                if (chargesMoney(r)) {
                    commits.add(new CommitRequest(r.key().value(), filledWithinReservation(r)));
                }
                if (countsTrades()) {
                    commits.add(new CommitRequest(countId(r.key()), 1));
                }
            } else if (r.status().isTerminal()) {
                releases.addAll(reservationsOf(r.key(), isBuy(r)));
            }
        }
        try {
            if (!commits.isEmpty()) {
                ledger.commitAll(commits, now);
            }
            if (!releases.isEmpty()) {
                ledger.releaseAll(releases, now);
            }
        } catch (RuntimeException e) {
            log.warn("caps of {} records could not be settled in one batch; settling them one by one",
                    records.size(), e);
            for (CopyTradeRecord r : records) {
                settle(r, now);
            }
        }
    }

    /** The ids reserved for {@code key}: the money one ({@code buy}: whether it could exist) and the count one. */
    private List<String> reservationsOf(IdempotencyKey key, boolean buy) {
        List<String> ids = new ArrayList<>(2);
        if (policy == null || (buy && policy.chargesMoney())) {
            ids.add(key.value());
        }
        if (countsTrades()) {
            ids.add(countId(key));
        }
        return ids;
    }

    /** Never more than was reserved (a venue fee on top is not spend the cap planned for). */
    private static long filledWithinReservation(CopyTradeRecord r) {
        return Math.min(r.fill().notional().micros(), r.order().notional().micros());
    }

    private static boolean isBuy(CopyTradeRecord r) {
        return r.order() != null && r.order().side() == dev.copytrade.core.model.Side.BUY;
    }

    /** Returns the reservations of {@code key}; idempotent. {@code buy}: whether money could have been reserved. */
    private void release(IdempotencyKey key, boolean buy, Instant now) {
        for (String id : reservationsOf(key, buy)) {
            ledger.release(id, now);
        }
    }

    private boolean chargesMoney(CopyTradeRecord r) {
        return policy == null || (r.order().side() == dev.copytrade.core.model.Side.BUY && policy.chargesMoney());
    }

    private boolean countsTrades() {
        return policy == null || policy.countsTrades();
    }

    public int releaseExpired(Instant now, int limit) {
        return ledger.releaseExpired(now, limit);
    }

    private static String countId(IdempotencyKey key) {
        return key.value() + ":n";
    }
}
