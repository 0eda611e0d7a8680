package dev.copytrade.core.cap;

import dev.copytrade.core.internal.CapChecks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Budgets that concurrency cannot overshoot, in one process or many sharing a store. A reservation
 * charges every budget it names at once, or none; it is later committed with the amount actually
 * spent (the rest is released), or released whole. A reservation that is neither committed nor
 * released before {@code expiresAt} is released by {@link #releaseExpired} (the sweeper calls it), so a
 * crashed process cannot hold budget forever. Every implementation passes {@code CapLedgerContract}
 * from core's test-jar.
 *
 * <p>Invariant, for every budget and every instant: reserved + committed within the window ≤ limit.
 *
 * <p>A budget is identified by its key and window, not its limit: a limit changed between calls applies
 * to the spend already counted. A reservation counts from its {@code at} for as long as its window says
 * ({@link BudgetWindow}); a commit keeps that position and only lowers the units.
 */
public interface CapLedger {

    /**
     * Atomically charges {@code units} against every budget in {@code budgets} (all or nothing), under
     * {@code reservationId} (the record's idempotency key). Idempotent: reserving an id that is already
     * reserved or committed returns {@link ReserveResult.Reserved} with {@code created() == false} and
     * charges nothing more (whatever budgets and units this call names); {@code created() == true} only when
     * this call charged the budgets. An id that was released may be reserved again: that is a new
     * reservation, charged afresh ({@code created}). A caller gives back, when it abandons an order, only the
     * reservations its own calls created: one that was already held belongs to another delivery of the same
     * order (a duplicate signal), which may still be running and must keep its budget. When several budgets cannot take it, the result names the first of them
     * in {@code budgets} order. A rolling budget checks the new units against all spend dated from
     * {@code at - length} to {@code at + length} (every window that will count them), which is exact when
     * reservations arrive in time order and never over the limit when they do not.
     *
     * @param budgets the budgets to charge, each at most once (by key and window); empty charges nothing
     * @param units positive; micro-USDC for money budgets, 1 for a trade-count budget (a reservation
     *     names one unit amount for all its budgets: use separate calls for money and counts)
     * @param at the instant the spend counts from (its window position)
     * @param expiresAt when an unsettled reservation is released by {@link #releaseExpired}; not before
     *     {@code at}
     * @throws dev.copytrade.core.model.InvalidInputException naming the field for a bad argument
     * @throws dev.copytrade.core.store.StoreException if the ledger cannot answer (nothing charged)
     */
    ReserveResult reserve(String reservationId, List<Budget> budgets, long units, Instant at, Instant expiresAt);

    /**
     * {@link #reserve} for many reservations in as few round trips as the ledger allows (a fan-out reserves
     * every follower's order at once), with the same per-item semantics: each item charges all its budgets or
     * none, and is idempotent by its id ({@code created} as {@code reserve} says). Items are decided in input
     * order, exactly as one {@code reserve} after another would decide them: an earlier item may take the room
     * a later one needed, and an id repeated in the batch is charged at most once (its first acceptance is
     * {@code created}, a later one in the batch is not). Results are in input order.
     *
     * <p>Implementations that decide the batch in one transaction (the JDBI ledger) charge nothing when they
     * throw. The default loops over {@code reserve}: when it throws, the items before the failure stay
     * charged; a caller that gives up releases them ({@link #release} is idempotent) or lets them expire.
     *
     * @throws dev.copytrade.core.model.InvalidInputException naming {@code requests} (or an item) when null
     * @throws dev.copytrade.core.store.StoreException if the ledger cannot answer
     */
    default List<ReserveResult> reserveAll(List<ReserveRequest> requests) {
        List<ReserveRequest> checked = CapChecks.requests(requests);
        List<ReserveResult> out = new ArrayList<>(checked.size());
        for (ReserveRequest r : checked) {
            out.add(reserve(r.reservationId(), r.budgets(), r.units(), r.at(), r.expiresAt()));
        }
        return out;
    }

    /**
     * Settles a reservation with the units actually spent ({@code actualUnits ≤} reserved; the rest is
     * returned to every budget). Idempotent; a no-op for an unknown, released or committed id.
     *
     * @return true if this call settled it
     * @throws dev.copytrade.core.model.InvalidInputException naming {@code actualUnits} when it is negative
     *     or more than the reservation holds
     */
    boolean commit(String reservationId, long actualUnits, Instant at);

    /** Returns a reservation's units to every budget. Idempotent; a no-op once committed or released. */
    boolean release(String reservationId, Instant at);

    /**
     * {@link #commit} for many reservations in as few round trips as the ledger allows (the executor settles
     * a whole group commit of fills at once), with the same per-item semantics; results in input order (an id
     * named twice settles once: the second answers false). An {@code actualUnits} above what its reservation
     * holds is refused for the whole batch: the in-memory and JDBI ledgers check every item first and settle
     * nothing ({@code commits[i].actualUnits} named). The default loops over {@code commit}: a refused item, or
     * a ledger failure, stops it there and the items before stay settled.
     *
     * @throws dev.copytrade.core.model.InvalidInputException for a bad item or a null list or item
     */
    default List<Boolean> commitAll(List<CommitRequest> commits, Instant at) {
        CapChecks.commits(commits, at);
        List<Boolean> out = new ArrayList<>(commits.size());
        for (CommitRequest c : commits) {
            out.add(commit(c.reservationId(), c.actualUnits(), at));
        }
        return out;
    }

    /**
     * {@link #release} for many reservations in as few round trips as the ledger allows, with the same
     * per-item semantics; results in input order. The default loops over {@code release}.
     */
    default List<Boolean> releaseAll(List<String> reservationIds, Instant at) {
        CapChecks.releases(reservationIds, at);
        List<Boolean> out = new ArrayList<>(reservationIds.size());
        for (String id : reservationIds) {
            out.add(release(id, at));
        }
        return out;
    }

    /**
     * Releases up to {@code limit} reservations still unsettled whose {@code expiresAt ≤ now}, earliest
     * first; returns how many. Safe to run from several processes at once: each is released once.
     */
    int releaseExpired(Instant now, int limit);

    /**
     * Units reserved plus committed that count against {@code budget} at {@code now}: for a UTC-day budget
     * all spend dated in the UTC day of {@code now}; for a rolling one, spend dated from
     * {@code now - length} to {@code now}, both included.
     */
    long used(Budget budget, Instant now);
}
