package dev.copytrade.core.memory;

import dev.copytrade.core.cap.Budget;
import dev.copytrade.core.cap.BudgetWindow;
import dev.copytrade.core.cap.CapLedger;
import dev.copytrade.core.cap.CommitRequest;
import dev.copytrade.core.cap.ReserveRequest;
import dev.copytrade.core.cap.ReserveResult;
import dev.copytrade.core.internal.CapChecks;
import dev.copytrade.core.model.InvalidInputException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A thread-safe, exact {@link CapLedger} in memory, for tests, examples and single-process bots. Nothing
 * survives a restart, and it cannot guard budgets shared by several processes (use the JDBI ledger).
 *
 * <p>Semantics every ledger shares (see {@link BudgetWindow}):
 *
 * <ul>
 *   <li>a budget is identified by its key and window; its limit is read at each reservation, so a lowered
 *       limit holds back new reservations while the spend already counted stays;
 *   <li>a reservation counts from its {@code at}: in a UTC-day budget for the UTC day of {@code at}; in a
 *       rolling budget at every instant from {@code at} to {@code at + length}, both included;
 *   <li>a rolling budget checks a new reservation against all spend dated from {@code at - length} to
 *       {@code at + length} (the union of the windows that will count it): exact when reservations arrive
 *       in time order, never over the limit when they do not;
 *   <li>a released id may be reserved again: it is then a new reservation, charged afresh;
 *   <li>{@code releaseExpired(now, …)} releases reservations with {@code expiresAt ≤ now}, earliest first.
 * </ul>
 *
 * <p>One lock guards the whole ledger: a reservation is a few map operations, far cheaper than the trade
 * it guards, and one lock makes all-or-nothing across budgets trivially exact. Memory grows with the
 * reservations made, as the in-memory store's does with records.
 */
public final class InMemoryCapLedger implements CapLedger {
    private enum Status {
        RESERVED,
        COMMITTED,
        RELEASED
    }

    private static final class Reservation {
        final String id;
        final List<Budget> budgets;
        final long reserved;
        final Instant at;
        final Instant expiresAt;
        long units;
        Status status = Status.RESERVED;

        Reservation(String id, List<Budget> budgets, long units, Instant at, Instant expiresAt) {
            this.id = id;
            this.budgets = List.copyOf(budgets);
            this.reserved = units;
            this.units = units;
            this.at = at;
            this.expiresAt = expiresAt;
        }
    }

    private final Object lock = new Object();
    private final Map<String, Reservation> reservations = new HashMap<>();
    /** Budget identity → window position (the UTC day's start, or the spend's own instant) → units. */
    private final Map<String, NavigableMap<Instant, Long>> spend = new HashMap<>();
    /** Only the RESERVED ones, so a sweep costs what is expired, not the whole history. */
    private final NavigableSet<Reservation> unsettled = new TreeSet<>(
            Comparator.<Reservation, Instant>comparing(r -> r.expiresAt).thenComparing(r -> r.id));

    @Override
    public ReserveResult reserve(String reservationId, List<Budget> budgets, long units, Instant at, Instant expiresAt) {
        CapChecks.reserve(reservationId, budgets, units, at, expiresAt);
        synchronized (lock) {
            return reserveLocked(reservationId, budgets, units, at, expiresAt);
        }
    }

    /** Under one hold of the lock, so no single reservation interleaves with the batch. */
    @Override
    public List<ReserveResult> reserveAll(List<ReserveRequest> requests) {
        List<ReserveRequest> checked = CapChecks.requests(requests);
        List<ReserveResult> out = new ArrayList<>(checked.size());
        synchronized (lock) {
            for (ReserveRequest r : checked) {
                out.add(reserveLocked(r.reservationId(), r.budgets(), r.units(), r.at(), r.expiresAt()));
            }
        }
        return out;
    }

    private ReserveResult reserveLocked(String reservationId, List<Budget> budgets, long units, Instant at,
            Instant expiresAt) {
        Reservation existing = reservations.get(reservationId);
        if (existing != null && existing.status != Status.RELEASED) {
            return ReserveResult.Reserved.alreadyHeld(reservationId);
        }
        for (Budget b : budgets) {
            // a limit lowered below what is already counted leaves a negative room: report none
            long room = b.limit() - counted(b, at);
            if (units > room) {
                return new ReserveResult.Exhausted(b, units, Math.max(0, room));
            }
        }
        Reservation r = new Reservation(reservationId, budgets, units, at, expiresAt);
        reservations.put(reservationId, r);
        unsettled.add(r);
        charge(r, units);
        return ReserveResult.Reserved.created(reservationId);
    }

    @Override
    public boolean commit(String reservationId, long actualUnits, Instant at) {
        CapChecks.settle(reservationId, at);
        synchronized (lock) {
            Reservation r = reservations.get(reservationId);
            if (r == null) {
                return false;
            }
            CapChecks.actualUnits(actualUnits, r.reserved);
            if (r.status != Status.RESERVED) {
                return false;
            }
            settle(r, Status.COMMITTED, actualUnits);
            return true;
        }
    }

    /** Checks every item against its reservation first, then settles them, under one hold of the lock. */
    @Override
    public List<Boolean> commitAll(List<CommitRequest> commits, Instant at) {
        CapChecks.commits(commits, at);
        synchronized (lock) {
            for (int i = 0; i < commits.size(); i++) {
                Reservation r = reservations.get(commits.get(i).reservationId());
                if (r != null) {
                    CapChecks.actualUnits("commits[" + i + "].actualUnits", commits.get(i).actualUnits(), r.reserved);
                }
            }
            List<Boolean> out = new ArrayList<>(commits.size());
            for (CommitRequest c : commits) {
                Reservation r = reservations.get(c.reservationId());
                boolean settles = r != null && r.status == Status.RESERVED;
                if (settles) {
                    settle(r, Status.COMMITTED, c.actualUnits());
                }
                out.add(settles);
            }
            return out;
        }
    }

    @Override
    public List<Boolean> releaseAll(List<String> reservationIds, Instant at) {
        CapChecks.releases(reservationIds, at);
        synchronized (lock) {
            List<Boolean> out = new ArrayList<>(reservationIds.size());
            for (String id : reservationIds) {
                out.add(release(id, at));
            }
            return out;
        }
    }

    @Override
    public boolean release(String reservationId, Instant at) {
        CapChecks.settle(reservationId, at);
        synchronized (lock) {
            Reservation r = reservations.get(reservationId);
            if (r == null || r.status != Status.RESERVED) {
                return false;
            }
            settle(r, Status.RELEASED, 0);
            return true;
        }
    }

    @Override
    public int releaseExpired(Instant now, int limit) {
        InvalidInputException.requireNonNull("now", now);
        int released = 0;
        synchronized (lock) {
            while (released < limit && !unsettled.isEmpty() && !unsettled.first().expiresAt.isAfter(now)) {
                settle(unsettled.first(), Status.RELEASED, 0);
                released++;
            }
        }
        return released;
    }

    @Override
    public long used(Budget budget, Instant now) {
        InvalidInputException.requireNonNull("budget", budget);
        InvalidInputException.requireNonNull("now", now);
        BudgetWindow w = budget.window();
        synchronized (lock) {
            NavigableMap<Instant, Long> s = spend.getOrDefault(CapChecks.identity(budget), new TreeMap<>());
            if (w.kind() == BudgetWindow.Kind.UTC_DAY) {
                return s.getOrDefault(w.start(now), 0L);
            }
            return sum(s.subMap(w.start(now), true, now, true));
        }
    }

    /** What a new reservation at {@code at} must fit beside (see the class comment on rolling budgets). */
    private long counted(Budget b, Instant at) {
        NavigableMap<Instant, Long> s = spend.get(CapChecks.identity(b));
        if (s == null) {
            return 0;
        }
        BudgetWindow w = b.window();
        if (w.kind() == BudgetWindow.Kind.UTC_DAY) {
            return s.getOrDefault(w.start(at), 0L);
        }
        return sum(s.subMap(w.start(at), true, at.plus(w.length()), true));
    }

    private void settle(Reservation r, Status to, long keptUnits) {
        unsettled.remove(r);
        charge(r, keptUnits - r.units);
        r.units = keptUnits;
        r.status = to;
    }

    private void charge(Reservation r, long delta) {
        if (delta == 0) {
            return;
        }
        for (Budget b : r.budgets) {
            Instant position = b.window().kind() == BudgetWindow.Kind.UTC_DAY ? b.window().start(r.at) : r.at;
            spend.computeIfAbsent(CapChecks.identity(b), k -> new TreeMap<>())
                    .merge(position, delta, (old, d) -> old + d == 0 ? null : old + d);
        }
    }

    private static long sum(Map<Instant, Long> units) {
        long total = 0;
        for (long u : units.values()) {
            total += u;
        }
        return total;
    }
}
