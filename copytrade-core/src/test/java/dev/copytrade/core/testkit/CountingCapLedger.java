package dev.copytrade.core.testkit;

import dev.copytrade.core.cap.Budget;
import dev.copytrade.core.cap.CapLedger;
import dev.copytrade.core.cap.CommitRequest;
import dev.copytrade.core.cap.ReserveRequest;
import dev.copytrade.core.cap.ReserveResult;
import dev.copytrade.core.store.StoreException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link CapLedger} that forwards every call to a real ledger and counts them by method name
 * ({@code "commit"}, {@code "commitAll"}, …), so a test can prove how many round trips a component makes;
 * {@link #failBatchSettlements()} makes {@code commitAll} and {@code releaseAll} throw without settling
 * anything, as a database that refuses one batch would.
 */
public class CountingCapLedger implements CapLedger {
    private final CapLedger inner;
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    private volatile boolean batchSettlementsFail;

    public CountingCapLedger(CapLedger delegate) {
        this.inner = delegate;
    }

    /** How many times {@code method} was called. */
    public long calls(String method) {
        AtomicLong n = calls.get(method);
        return n == null ? 0 : n.get();
    }

    /** Every later {@code commitAll} and {@code releaseAll} throws {@link StoreException}, settling nothing. */
    public CountingCapLedger failBatchSettlements() {
        batchSettlementsFail = true;
        return this;
    }

    private void count(String method) {
        calls.computeIfAbsent(method, m -> new AtomicLong()).incrementAndGet();
    }

    private void maybeFail(String method) {
        if (batchSettlementsFail) {
            throw new StoreException("simulated: " + method + " refused");
        }
    }

    @Override
    public ReserveResult reserve(String reservationId, List<Budget> budgets, long units, Instant at, Instant expiresAt) {
        count("reserve");
        return inner.reserve(reservationId, budgets, units, at, expiresAt);
    }

    @Override
    public List<ReserveResult> reserveAll(List<ReserveRequest> requests) {
        count("reserveAll");
        return inner.reserveAll(requests);
    }

    @Override
    public boolean commit(String reservationId, long actualUnits, Instant at) {
        count("commit");
        return inner.commit(reservationId, actualUnits, at);
    }

    @Override
    public boolean release(String reservationId, Instant at) {
        count("release");
        return inner.release(reservationId, at);
    }

    @Override
    public List<Boolean> commitAll(List<CommitRequest> commits, Instant at) {
        count("commitAll");
        maybeFail("commitAll");
        return inner.commitAll(commits, at);
    }

    @Override
    public List<Boolean> releaseAll(List<String> reservationIds, Instant at) {
        count("releaseAll");
        maybeFail("releaseAll");
        return inner.releaseAll(reservationIds, at);
    }

    @Override
    public int releaseExpired(Instant now, int limit) {
        count("releaseExpired");
        return inner.releaseExpired(now, limit);
    }

    @Override
    public long used(Budget budget, Instant now) {
        return inner.used(budget, now);
    }
}
