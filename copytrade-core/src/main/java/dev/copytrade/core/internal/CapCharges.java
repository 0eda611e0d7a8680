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
     * Reserves the order's notional and one trade; all or nothing.
     *
     * @return null when reserved, otherwise why not (nothing is left charged)
     */
    public Refusal reserve(IdempotencyKey key, CopyOrder order, LeaderTrade trade, Follower follower, Instant now) {
        List<Budget> money = policy.moneyBudgets(order, trade, follower);
        if (!money.isEmpty()) {
            ReserveResult r = ledger.reserve(key.value(), money, order.notional().micros(), now, now.plus(hold));
            if (r instanceof ReserveResult.Exhausted e) {
                return refusal(ReasonCode.BUDGET_EXHAUSTED, e, true);
            }
        }
        List<Budget> counts = policy.countBudgets(follower);
        if (!counts.isEmpty()) {
            ReserveResult r = ledger.reserve(countId(key), counts, 1, now, now.plus(hold));
            if (r instanceof ReserveResult.Exhausted e) {
                if (!money.isEmpty()) {
                    ledger.release(key.value(), now);  // all or nothing across the two reservations too
                }
                return refusal(ReasonCode.TRADE_COUNT_EXCEEDED, e, false);
            }
        }
        return null;
    }

    /** One order of a fan-out to reserve for. */
    public record Order(IdempotencyKey key, CopyOrder order, LeaderTrade trade, Follower follower) {}

    /**
     * {@link #reserve} for every order of a fan-out: one {@link CapLedger#reserveAll} for the money
     * budgets, then one for the trade counts of the orders that got their money (one call in all when only
     * one kind of budget is set); an order refused its count gives its money back.
     *
     * @return per order, in input order: null when reserved, otherwise why not (nothing left charged)
     * @throws RuntimeException what the ledger threw; reservations already made stay until released or expired
     */
    public List<Refusal> reserveAll(List<Order> orders, Instant now) {
        Refusal[] out = new Refusal[orders.size()];
        List<ReserveRequest> money = new ArrayList<>();
        List<Integer> moneyOf = new ArrayList<>();
        for (int i = 0; i < orders.size(); i++) {
            Order o = orders.get(i);
            List<Budget> budgets = policy.moneyBudgets(o.order(), o.trade(), o.follower());
            if (!budgets.isEmpty()) {
                money.add(new ReserveRequest(o.key().value(), budgets, o.order().notional().micros(), now, now.plus(hold)));
                moneyOf.add(i);
            }
        }
        List<ReserveResult> moneyResults = money.isEmpty() ? List.of() : ledger.reserveAll(money);
        boolean[] holdsMoney = new boolean[orders.size()];
        for (int k = 0; k < moneyOf.size(); k++) {
            if (moneyResults.get(k) instanceof ReserveResult.Exhausted e) {
                out[moneyOf.get(k)] = refusal(ReasonCode.BUDGET_EXHAUSTED, e, true);
            } else {
                holdsMoney[moneyOf.get(k)] = true;
            }
        }
        List<ReserveRequest> counts = new ArrayList<>();
        List<Integer> countOf = new ArrayList<>();
        for (int i = 0; i < orders.size(); i++) {
            List<Budget> budgets = out[i] == null ? policy.countBudgets(orders.get(i).follower()) : List.of();
            if (!budgets.isEmpty()) {
                counts.add(new ReserveRequest(countId(orders.get(i).key()), budgets, 1, now, now.plus(hold)));
                countOf.add(i);
            }
        }
        List<ReserveResult> countResults = counts.isEmpty() ? List.of() : ledger.reserveAll(counts);
        for (int k = 0; k < countOf.size(); k++) {
            if (countResults.get(k) instanceof ReserveResult.Exhausted e) {
                int i = countOf.get(k);
                out[i] = refusal(ReasonCode.TRADE_COUNT_EXCEEDED, e, false);
                if (holdsMoney[i]) {
                    ledger.release(orders.get(i).key().value(), now);  // all or nothing across the two reservations
                }
            }
        }
        return Arrays.asList(out);
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
     * {@link #settle} for every record of a group commit, in one {@link CapLedger#commitAll} for the fills and
     * one {@link CapLedger#releaseAll} for the rest (each left out when empty). Never throws.
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
            log.error("caps of {} records could not be settled; their reservations stay until they expire",
                    records.size(), e);
        }
    }

    /** Gives back the reservations of orders whose records were never written (a failed fan-out prewrite). */
    public void releaseAll(List<IdempotencyKey> keys, List<Boolean> buys, Instant now) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            ids.addAll(reservationsOf(keys.get(i), buys.get(i)));
        }
        if (!ids.isEmpty()) {
            ledger.releaseAll(ids, now);
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
    public void release(IdempotencyKey key, boolean buy, Instant now) {
        for (String id : reservationsOf(key, buy)) {
            ledger.release(id, now);
        }
    }

    /** Returns only the money reservation of {@code key} (a BUY's), leaving its trade count; idempotent. */
    public void releaseMoney(IdempotencyKey key, Instant now) {
        if (policy == null || policy.chargesMoney()) {
            ledger.release(key.value(), now);
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
