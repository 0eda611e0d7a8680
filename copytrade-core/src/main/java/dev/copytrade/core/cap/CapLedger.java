package dev.copytrade.core.cap;

import java.time.Instant;
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
 */
public interface CapLedger {

    /**
     * Atomically charges {@code units} against every budget in {@code budgets} (all or nothing), under
     * {@code reservationId} (the record's idempotency key). Idempotent: reserving an id that is already
     * reserved or committed returns {@link ReserveResult.Reserved} and charges nothing more.
     *
     * @param units positive; micro-USDC for money budgets, 1 for a trade-count budget (a reservation
     *     names one unit amount for all its budgets: use separate calls for money and counts)
     * @param at the instant the spend counts from (its window position)
     * @param expiresAt when an unsettled reservation is released by {@link #releaseExpired}
     * @throws dev.copytrade.core.store.StoreException if the ledger cannot answer (nothing charged)
     */
    ReserveResult reserve(String reservationId, List<Budget> budgets, long units, Instant at, Instant expiresAt);

    /**
     * Settles a reservation with the units actually spent ({@code actualUnits ≤} reserved; the rest is
     * returned to every budget). Idempotent; a no-op for an unknown, released or committed id.
     *
     * @return true if this call settled it
     */
    boolean commit(String reservationId, long actualUnits, Instant at);

    /** Returns a reservation's units to every budget. Idempotent; a no-op once committed or released. */
    boolean release(String reservationId, Instant at);

    /** Releases up to {@code limit} reservations whose {@code expiresAt} has passed; returns how many. */
    int releaseExpired(Instant now, int limit);

    /** Units reserved plus committed that count against {@code budget} at {@code now}. */
    long used(Budget budget, Instant now);
}
