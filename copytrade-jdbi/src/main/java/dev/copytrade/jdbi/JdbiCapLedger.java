package dev.copytrade.jdbi;

import dev.copytrade.core.cap.Budget;
import dev.copytrade.core.cap.BudgetWindow;
import dev.copytrade.core.cap.CapLedger;
import dev.copytrade.core.cap.CommitRequest;
import dev.copytrade.core.cap.ReserveRequest;
import dev.copytrade.core.cap.ReserveResult;
import dev.copytrade.core.internal.CapChecks;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.store.StoreException;
import dev.copytrade.jdbi.internal.RecordRows;
import dev.copytrade.jdbi.internal.Retry;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Update;

/**
 * {@link CapLedger} on JDBI 3, correct across processes sharing the database: PostgreSQL (the target) or
 * H2 (a light extra dialect). Semantics as {@code InMemoryCapLedger} states them; every method is one
 * transaction that commits before it returns.
 *
 * <p>Design. Three tables ({@code V2__copytrade_caps.sql}): a reservation row per id (status
 * RESERVED/COMMITTED/RELEASED, units, {@code spent_at}, {@code expires_at}) that makes reserve, commit
 * and release idempotent; a charge row per (reservation, budget) it charged, which is how a commit or a
 * release returns units exactly; and a budget row per budget: for a UTC-day budget one counter per day,
 * for a rolling budget one lock row. A reservation, in one transaction:
 *
 * <ol>
 *   <li>inserts its reservation row ({@code ON CONFLICT DO NOTHING}); if the id exists and is not
 *       released, it answers {@code Reserved} with {@code created} false, having charged nothing (a
 *       concurrent reserve of the same id waits on the key, then sees the winner's row), so of racing
 *       reservations of one id exactly one is {@code created};
 *   <li>visits its budgets in one order (sorted by key, then window) so two transactions never wait on
 *       each other's budget rows in a cycle;
 *   <li>charges a UTC-day budget with one conditional {@code UPDATE … SET used = used + :u WHERE … AND
 *       used <= :limit - :u}; the row lock and PostgreSQL's re-check of the condition after a wait make it
 *       exact with no read-then-write (the day's row is inserted on first use, racing inserts tolerated);
 *   <li>charges a rolling budget by locking its row ({@code SELECT … FOR UPDATE}), summing the live
 *       charges dated from {@code at - length} to {@code at + length} (an index range scan), and only then
 *       inserting its charge, before the lock is released by the commit;
 *   <li>inserts its charge rows and commits, or rolls everything back and answers {@code Exhausted}.
 * </ol>
 *
 * <p>A commit lowers the charges (and the day counters) by the unspent units; a release deletes the
 * charges and returns their units to the counters; both lock the reservation row first and then the
 * budget rows in the same order. {@code releaseExpired} claims expired reservations with
 * {@code FOR UPDATE SKIP LOCKED} (PostgreSQL and H2: several sweepers never block each other, and a row
 * being committed right now is skipped), in batches of at most {@value #BATCH}. A transaction that loses a
 * deadlock, a serialization check or (on H2) a racing insert or lock wait is retried whole: nothing it did
 * survived. Instants are kept to the microsecond. Database errors become {@link StoreException}.
 */
public final class JdbiCapLedger implements CapLedger {
    private static final int BATCH = 500;
    private static final int ATTEMPTS = 20;
    /** The bucket of a rolling budget's lock row: rolling budgets have no counter, only this row. */
    private static final Instant LOCK_ROW = Instant.EPOCH;
    /**
     * H2 also reports a racing insert of the same key, a lock wait timeout and a concurrent update so; all
     * three lose the transaction's work, so it is retried whole like PostgreSQL's deadlocks.
     */
    private static final Set<String> TRANSIENT_H2 = Set.of("40001", "40P01", "23505", "HYT00", "90131");

    private final Jdbi jdbi;
    private final Dialect dialect;
    private final String reservations;
    private final String budgets;
    private final String charges;

    private JdbiCapLedger(Jdbi jdbi, Dialect dialect, TableNames names) {
        this.jdbi = jdbi;
        this.dialect = dialect;
        this.reservations = names.capReservationTable();
        this.budgets = names.capBudgetTable();
        this.charges = names.capChargeTable();
    }

    /** A ledger over {@code dataSource}; the dialect is detected unless set. */
    public static Builder builder(DataSource dataSource) {
        InvalidInputException.requireNonNull("dataSource", dataSource);
        return new Builder(dataSource);
    }

    public Dialect dialect() {
        return dialect;
    }

    /** A budget as this ledger visits it: where it sits in the caller's list, and its counter or lock row. */
    private record Visit(int index, Budget budget, String window, Instant bucket) {
        static final Comparator<Visit> LOCK_ORDER = Comparator.comparing((Visit v) -> v.budget().key())
                .thenComparing(Visit::window);

        static Visit of(int index, Budget b, Instant at) {
            boolean daily = b.window().kind() == BudgetWindow.Kind.UTC_DAY;
            return new Visit(index, b, CapChecks.windowName(b.window()), daily ? b.window().start(at) : LOCK_ROW);
        }

        boolean daily() {
            return budget.window().kind() == BudgetWindow.Kind.UTC_DAY;
        }
    }

    /** Day-counter units held by charges, as commit and release give them back. */
    private record Charge(String key, String window, Instant bucket, long units) {
        /** The same order as {@link Visit#LOCK_ORDER}, computed here rather than by the database's collation. */
        static final Comparator<Charge> LOCK_ORDER = Comparator.comparing(Charge::key).thenComparing(Charge::window)
                .thenComparing(Charge::bucket);
    }

    /** Unwinds the reserve transaction with the answer when a budget cannot take the units. */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient ReserveResult.Exhausted result;

        Refused(ReserveResult.Exhausted result) {
            super(null, null, false, false);
            this.result = result;
        }
    }

    // ---- reserve ----------------------------------------------------------------------------------

    @Override
    public ReserveResult reserve(String reservationId, List<Budget> budgetList, long units, Instant at, Instant expiresAt) {
        CapChecks.reserve(reservationId, budgetList, units, at, expiresAt);
        try {
            return inTransaction("reserve", h -> reserveIn(h, reservationId, budgetList, units, at, expiresAt, false));
        } catch (Refused r) {
            return r.result;
        }
    }

    /**
     * The steps of one reservation inside the caller's transaction; a refusal throws {@link Refused}.
     * {@code rowHeld}: this transaction already holds the id's row ({@link #claimInIdOrder}).
     */
    private ReserveResult reserveIn(Handle h, String reservationId, List<Budget> budgetList, long units, Instant at,
            Instant expiresAt, boolean rowHeld) {
        List<Visit> visits = new ArrayList<>(budgetList.size());
        for (int i = 0; i < budgetList.size(); i++) {
            visits.add(Visit.of(i, budgetList.get(i), at));
        }
        visits.sort(Visit.LOCK_ORDER);
        if (!claimId(h, reservationId, units, at, expiresAt, rowHeld)) {
            return ReserveResult.Reserved.alreadyHeld(reservationId);
        }
        Visit refused = null;
        long refusedRoom = 0;
        for (Visit v : visits) {
            long room = v.daily() ? chargeDay(h, v, units) : roomInRollingWindow(h, v, units, at);
            // keep visiting after a refusal: the answer names the first short budget in the caller's order
            if (room >= 0 && (refused == null || v.index() < refused.index())) {
                refused = v;
                refusedRoom = room;
            }
        }
        if (refused != null) {
            throw new Refused(new ReserveResult.Exhausted(refused.budget(), units, refusedRoom));
        }
        insertCharges(h, reservationId, visits, units, at);
        return ReserveResult.Reserved.created(reservationId);
    }

    /**
     * One transaction for the whole batch, decided item by item in input order as {@link #reserve} would.
     * PostgreSQL: a handful of statements whatever the batch size ({@link BatchReservation}). H2: every id's
     * row taken in id order first ({@link #claimInIdOrder}), then the steps of {@code reserve} per item, each
     * under a savepoint a refusal rolls back to.
     */
    @Override
    public List<ReserveResult> reserveAll(List<ReserveRequest> requests) {
        List<ReserveRequest> checked = CapChecks.requests(requests);
        if (checked.isEmpty()) {
            return List.of();
        }
        if (dialect == Dialect.POSTGRESQL) {
            return inTransaction("reserveAll", h -> new BatchReservation(h, checked).run());
        }
        return inTransaction("reserveAll", h -> {
            Set<String> placeholders = claimInIdOrder(h, checked);
            List<ReserveResult> out = new ArrayList<>(checked.size());
            for (ReserveRequest r : checked) {
                String savepoint = "item" + out.size();
                h.savepoint(savepoint);
                try {
                    out.add(reserveIn(h, r.reservationId(), r.budgets(), r.units(), r.at(), r.expiresAt(), true));
                    h.releaseSavepoint(savepoint);
                } catch (Refused refused) {
                    // JDBI forgets a savepoint it rolled back to: nothing left to release
                    h.rollbackToSavepoint(savepoint);
                    out.add(refused.result);
                }
            }
            if (!placeholders.isEmpty()) {
                // ids this batch claimed but never reserved (refused): leave no row, as a refused reserve leaves none
                h.createUpdate("DELETE FROM " + reservations + " WHERE reservation_id IN (<ids>) AND status = 'RELEASED'")
                        .bindList("ids", new ArrayList<>(placeholders)).execute();
            }
            return out;
        });
    }

    /**
     * H2: takes the reservation row of every id the batch names, in id order, before any item is decided, so
     * two batches naming the same ids in other orders never wait on each other in a cycle (H2 does not detect
     * that deadlock: both would wait out the lock timeout, again on every retry). An existing row is locked; a
     * missing one is inserted as RELEASED with no units (a placeholder the item's reserve then takes, as it
     * takes a released id); returns the placeholders.
     */
    private Set<String> claimInIdOrder(Handle h, List<ReserveRequest> requests) {
        TreeMap<String, ReserveRequest> firsts = new TreeMap<>();
        for (ReserveRequest r : requests) {
            firsts.putIfAbsent(r.reservationId(), r);
        }
        Set<String> placeholders = new HashSet<>();
        for (ReserveRequest r : firsts.values()) {
            int inserted = insertIfAbsent(h, "INSERT INTO " + reservations + " (reservation_id, status, reserved_units,"
                    + " units, spent_at, expires_at) VALUES (:id, 'RELEASED', 0, 0, :at, :expiresAt)", "reservation_id",
                    u -> u.bind("id", r.reservationId()).bind("at", RecordRows.timestamp(r.at()))
                            .bind("expiresAt", RecordRows.timestamp(r.expiresAt())));
            if (inserted == 1) {
                placeholders.add(r.reservationId());
            } else if (h.createQuery("SELECT status FROM " + reservations + " WHERE reservation_id = :id FOR UPDATE")
                    .bind("id", r.reservationId()).mapTo(String.class).findOne().isEmpty()) {
                throw racingInsert("reservation " + r.reservationId());
            }
        }
        return placeholders;
    }

    /** A budget counter or lock row: what a batch locks, in {@link #ORDER} (the single reserve's order). */
    private record Row(String key, String window, Instant bucket) {
        static final Comparator<Row> ORDER = Comparator.comparing(Row::key).thenComparing(Row::window)
                .thenComparing(Row::bucket);

        static Row of(Visit v) {
            return new Row(v.budget().key(), v.window(), v.bucket());
        }
    }

    private static final String UNNEST_ROWS = "unnest(CAST(:keys AS VARCHAR[]), CAST(:windows AS VARCHAR[]),"
            + " CAST(:buckets AS VARCHAR[])) AS v(k, w, b)";

    /**
     * PostgreSQL: locks existing budget rows in {@link Row#ORDER} (one statement; the database sorts bytewise,
     * as Java compares the ASCII keys) and returns their {@code used}.
     */
    private Map<Row, Long> lockBudgetRows(Handle h, Collection<Row> rows) {
        Map<Row, Long> used = new HashMap<>();
        h.createQuery("SELECT t.budget_key, t.budget_window, t.bucket, t.used FROM " + budgets + " t WHERE"
                        + " (t.budget_key, t.budget_window, t.bucket) IN (SELECT v.k, v.w, CAST(v.b AS TIMESTAMPTZ) FROM "
                        + UNNEST_ROWS + ") ORDER BY t.budget_key COLLATE \"C\", t.budget_window COLLATE \"C\","
                        + " t.bucket FOR UPDATE")
                .bindMap(rowArrays(rows))
                .map((rs, ctx) -> Map.entry(new Row(rs.getString(1), rs.getString(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant()), rs.getLong(4)))
                .forEach(e -> used.put(e.getKey(), e.getValue()));
        return used;
    }

    /** PostgreSQL: adds {@code deltas} (negative to give units back) to day counters this transaction has locked. */
    private void addToCounters(Handle h, Map<Row, Long> deltas) {
        if (deltas.isEmpty()) {
            return;
        }
        List<Row> rows = new ArrayList<>(deltas.keySet());
        h.createUpdate("UPDATE " + budgets + " t SET used = t.used + v.d FROM unnest(CAST(:keys AS VARCHAR[]),"
                        + " CAST(:windows AS VARCHAR[]), CAST(:buckets AS VARCHAR[]), CAST(:ds AS BIGINT[]))"
                        + " AS v(k, w, b, d) WHERE t.budget_key = v.k AND t.budget_window = v.w"
                        + " AND t.bucket = CAST(v.b AS TIMESTAMPTZ)")
                .bindMap(rowArrays(rows))
                .bind("ds", RecordRows.array("int8", rows.stream().map(deltas::get).toArray()))
                .execute();
    }

    /**
     * {@link #reserveAll} on PostgreSQL, in the caller's transaction, in a handful of statements whatever
     * the batch size (arrays through {@code unnest}):
     *
     * <ol>
     *   <li>insert the reservation row of every id ({@code ON CONFLICT DO NOTHING}: an id now held by this
     *       transaction, so a concurrent reserve of it waits) and lock the rows of the ids that existed;
     *   <li>create the budget rows the batch needs, then lock them all in one {@code SELECT … ORDER BY …
     *       FOR UPDATE}, in the order a single reserve locks them (key, then window, bytewise);
     *   <li>sum the live charges of its rolling budgets around each instant the batch names;
     *   <li>decide every item in input order, in memory, counting what the earlier items took;
     *   <li>write the day counters, the charges and the reservation rows, and delete the rows of ids that
     *       were inserted for items refused.
     * </ol>
     *
     * Every budget a decision reads is locked before it is read, so the decisions are exactly what one
     * reserve after another would decide, and a reserve racing the batch waits for its commit.
     */
    private final class BatchReservation {
        private final Handle h;
        private final List<ReserveRequest> requests;
        /** Ids whose reservation is held (reserved or committed), at first from the database, then as decided. */
        private final Set<String> held = new HashSet<>();
        private final Set<String> inserted = new HashSet<>();
        private final Set<String> released = new HashSet<>();
        private final Map<Row, Long> dayUsed = new HashMap<>();
        private final Map<Row, Long> dayCharged = new HashMap<>();
        /** Live charges of a rolling budget (by identity) within one window length of an instant. */
        private final Map<String, Long> rollingCounted = new HashMap<>();
        /** What the accepted items of this batch charge each rolling budget (by identity), and when. */
        private final Map<String, List<Map.Entry<Instant, Long>>> rollingTaken = new HashMap<>();

        BatchReservation(Handle h, List<ReserveRequest> requests) {
            this.h = h;
            this.requests = requests;
        }

        List<ReserveResult> run() {
            TreeMap<String, ReserveRequest> firsts = new TreeMap<>();
            for (ReserveRequest r : requests) {
                firsts.putIfAbsent(r.reservationId(), r);
            }
            claimIds(firsts);
            lockBudgets();
            List<ReserveResult> out = new ArrayList<>(requests.size());
            Map<String, ReserveRequest> accepted = new HashMap<>();
            List<Object[]> charges = new ArrayList<>();
            for (ReserveRequest r : requests) {
                out.add(decide(r, accepted, charges));
            }
            write(firsts, accepted, charges);
            return out;
        }

        private void claimIds(TreeMap<String, ReserveRequest> firsts) {
            List<ReserveRequest> rows = new ArrayList<>(firsts.values());
            h.createQuery("INSERT INTO " + reservations + " (reservation_id, status, reserved_units, units, spent_at,"
                            + " expires_at) SELECT v.id, 'RESERVED', v.units, v.units, CAST(v.at AS TIMESTAMPTZ),"
                            + " CAST(v.expires AS TIMESTAMPTZ) FROM unnest(CAST(:ids AS VARCHAR[]), CAST(:units AS BIGINT[]),"
                            + " CAST(:ats AS VARCHAR[]), CAST(:expires AS VARCHAR[])) AS v(id, units, at, expires)"
                            + " ON CONFLICT (reservation_id) DO NOTHING RETURNING reservation_id")
                    .bindMap(reservationArrays(rows))
                    .mapTo(String.class).forEach(inserted::add);
            List<String> existing = new ArrayList<>();
            for (String id : firsts.keySet()) {
                if (!inserted.contains(id)) {
                    existing.add(id);
                }
            }
            if (existing.isEmpty()) {
                return;
            }
            Map<String, String> status = new HashMap<>();
            h.createQuery("SELECT reservation_id, status FROM " + reservations + " WHERE reservation_id = ANY(CAST(:ids"
                            + " AS VARCHAR[])) ORDER BY reservation_id COLLATE \"C\" FOR UPDATE")
                    .bind("ids", RecordRows.array("varchar", existing.toArray()))
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                    .forEach(e -> status.put(e.getKey(), e.getValue()));
            for (String id : existing) {
                String s = status.get(id);
                if (s == null) {
                    throw racingInsert("reservation " + id);
                }
                (s.equals("RELEASED") ? released : held).add(id);
            }
        }

        /** Creates and locks every budget row an item that may charge names; reads the day counters and rolling sums. */
        private void lockBudgets() {
            TreeSet<Row> rows = new TreeSet<>(Row.ORDER);
            Map<String, Map.Entry<Visit, Instant>> rolling = new LinkedHashMap<>();
            for (ReserveRequest r : requests) {
                if (held.contains(r.reservationId())) {
                    continue;
                }
                for (Budget b : r.budgets()) {
                    Visit v = Visit.of(0, b, r.at());
                    rows.add(Row.of(v));
                    if (!v.daily()) {
                        rolling.putIfAbsent(rollingKey(b, r.at()), Map.entry(v, RecordRows.micros(r.at())));
                    }
                }
            }
            if (rows.isEmpty()) {
                return;
            }
            h.createUpdate("INSERT INTO " + budgets + " (budget_key, budget_window, bucket, used) SELECT v.k, v.w,"
                            + " CAST(v.b AS TIMESTAMPTZ), 0 FROM " + UNNEST_ROWS
                            + " ON CONFLICT (budget_key, budget_window, bucket) DO NOTHING")
                    .bindMap(rowArrays(rows))
                    .execute();
            dayUsed.putAll(lockBudgetRows(h, rows));
            for (Row r : rows) {
                if (!dayUsed.containsKey(r)) {
                    throw racingInsert("budget " + r.key());
                }
            }
            if (!rolling.isEmpty()) {
                sumRolling(rolling);
            }
        }

        /** One query for every (rolling budget, instant) the batch asks about, once their lock rows are held. */
        private void sumRolling(Map<String, Map.Entry<Visit, Instant>> rolling) {
            List<String> ids = new ArrayList<>(rolling.keySet());
            List<Object> keys = new ArrayList<>();
            List<Object> windows = new ArrayList<>();
            List<Object> froms = new ArrayList<>();
            List<Object> tos = new ArrayList<>();
            for (String id : ids) {
                Visit v = rolling.get(id).getKey();
                Instant at = rolling.get(id).getValue();
                keys.add(v.budget().key());
                windows.add(v.window());
                froms.add(text(v.budget().window().start(at)));
                tos.add(text(at.plus(v.budget().window().length())));
            }
            h.createQuery("SELECT v.i, COALESCE((SELECT SUM(c.units) FROM " + charges + " c WHERE c.budget_key = v.k"
                            + " AND c.budget_window = v.w AND c.spent_at BETWEEN CAST(v.f AS TIMESTAMPTZ) AND"
                            + " CAST(v.t AS TIMESTAMPTZ)), 0) FROM unnest(CAST(:is AS INTEGER[]), CAST(:keys AS VARCHAR[]),"
                            + " CAST(:windows AS VARCHAR[]), CAST(:froms AS VARCHAR[]), CAST(:tos AS VARCHAR[]))"
                            + " AS v(i, k, w, f, t)")
                    .bind("is", RecordRows.array("int4", java.util.stream.IntStream.range(0, ids.size()).boxed().toArray()))
                    .bind("keys", RecordRows.array("varchar", keys.toArray()))
                    .bind("windows", RecordRows.array("varchar", windows.toArray()))
                    .bind("froms", RecordRows.array("varchar", froms.toArray()))
                    .bind("tos", RecordRows.array("varchar", tos.toArray()))
                    .map((rs, ctx) -> Map.entry(rs.getInt(1), rs.getLong(2)))
                    .forEach(e -> rollingCounted.put(ids.get(e.getKey()), e.getValue()));
        }

        private ReserveResult decide(ReserveRequest r, Map<String, ReserveRequest> accepted, List<Object[]> charges) {
            String id = r.reservationId();
            if (held.contains(id)) {
                return ReserveResult.Reserved.alreadyHeld(id);
            }
            long units = r.units();
            for (Budget b : r.budgets()) {
                long counted = counted(Visit.of(0, b, r.at()), r.at());
                // a limit lowered below what is already counted leaves a negative room: report none
                if (units > b.limit() - counted) {
                    return new ReserveResult.Exhausted(b, units, Math.max(0, b.limit() - counted));
                }
            }
            held.add(id);
            accepted.put(id, r);
            Instant at = RecordRows.micros(r.at());
            for (Budget b : r.budgets()) {
                Visit v = Visit.of(0, b, r.at());
                if (v.daily()) {
                    dayUsed.merge(Row.of(v), units, Long::sum);
                    dayCharged.merge(Row.of(v), units, Long::sum);
                } else {
                    rollingTaken.computeIfAbsent(CapChecks.identity(b), k -> new ArrayList<>()).add(Map.entry(at, units));
                }
                charges.add(new Object[] {id, b.key(), v.window(), v.daily() ? text(v.bucket()) : null, text(at), units});
            }
            return ReserveResult.Reserved.created(id);
        }

        /** What a budget counts against a new reservation at {@code at}, as the single reserve reads it. */
        private long counted(Visit v, Instant at) {
            if (v.daily()) {
                return dayUsed.get(Row.of(v));
            }
            Budget b = v.budget();
            long counted = rollingCounted.get(rollingKey(b, at));
            Instant from = b.window().start(RecordRows.micros(at));
            Instant to = RecordRows.micros(at).plus(b.window().length());
            for (Map.Entry<Instant, Long> taken : rollingTaken.getOrDefault(CapChecks.identity(b), List.of())) {
                if (!taken.getKey().isBefore(from) && !taken.getKey().isAfter(to)) {
                    counted += taken.getValue();
                }
            }
            return counted;
        }

        private void write(Map<String, ReserveRequest> firsts, Map<String, ReserveRequest> accepted,
                List<Object[]> charges) {
            addToCounters(h, dayCharged);
            // rows inserted with the first item of their id, but taken by a later one, and released rows revived
            List<ReserveRequest> rewrite = new ArrayList<>();
            for (ReserveRequest r : accepted.values()) {
                if (released.contains(r.reservationId()) || firsts.get(r.reservationId()) != r) {
                    rewrite.add(r);
                }
            }
            if (!rewrite.isEmpty()) {
                h.createUpdate("UPDATE " + reservations + " t SET status = 'RESERVED', reserved_units = v.units,"
                                + " units = v.units, spent_at = CAST(v.at AS TIMESTAMPTZ),"
                                + " expires_at = CAST(v.expires AS TIMESTAMPTZ), settled_at = NULL"
                                + " FROM unnest(CAST(:ids AS VARCHAR[]), CAST(:units AS BIGINT[]), CAST(:ats AS VARCHAR[]),"
                                + " CAST(:expires AS VARCHAR[])) AS v(id, units, at, expires) WHERE t.reservation_id = v.id")
                        .bindMap(reservationArrays(rewrite))
                        .execute();
            }
            List<String> refused = new ArrayList<>();
            for (String id : inserted) {
                if (!accepted.containsKey(id)) {
                    refused.add(id);
                }
            }
            if (!refused.isEmpty()) {
                h.createUpdate("DELETE FROM " + reservations + " WHERE reservation_id = ANY(CAST(:ids AS VARCHAR[]))")
                        .bind("ids", RecordRows.array("varchar", refused.toArray())).execute();
            }
            if (!charges.isEmpty()) {
                h.createUpdate("INSERT INTO " + JdbiCapLedger.this.charges + " (reservation_id, budget_key, budget_window,"
                                + " bucket, spent_at, units) SELECT v.id, v.k, v.w, CAST(v.b AS TIMESTAMPTZ),"
                                + " CAST(v.at AS TIMESTAMPTZ), v.u FROM unnest(CAST(:ids AS VARCHAR[]), CAST(:keys AS VARCHAR[]),"
                                + " CAST(:windows AS VARCHAR[]), CAST(:buckets AS VARCHAR[]), CAST(:ats AS VARCHAR[]),"
                                + " CAST(:units AS BIGINT[])) AS v(id, k, w, b, at, u)")
                        .bind("ids", RecordRows.array("varchar", column(charges, 0)))
                        .bind("keys", RecordRows.array("varchar", column(charges, 1)))
                        .bind("windows", RecordRows.array("varchar", column(charges, 2)))
                        .bind("buckets", RecordRows.array("varchar", column(charges, 3)))
                        .bind("ats", RecordRows.array("varchar", column(charges, 4)))
                        .bind("units", RecordRows.array("int8", column(charges, 5)))
                        .execute();
            }
        }
    }

    /** The {@code :keys}, {@code :windows} and {@code :buckets} arrays of {@link #UNNEST_ROWS}. */
    private static Map<String, Argument> rowArrays(Collection<Row> rows) {
        return Map.of("keys", RecordRows.array("varchar", rows.stream().map(Row::key).toArray()),
                "windows", RecordRows.array("varchar", rows.stream().map(Row::window).toArray()),
                "buckets", RecordRows.array("varchar", rows.stream().map(r -> text(r.bucket())).toArray()));
    }

    /** The {@code :ids}, {@code :units}, {@code :ats} and {@code :expires} arrays of a batch of reservations. */
    private static Map<String, Argument> reservationArrays(Collection<ReserveRequest> requests) {
        return Map.of("ids", RecordRows.array("varchar", requests.stream().map(ReserveRequest::reservationId).toArray()),
                "units", RecordRows.array("int8", requests.stream().map(ReserveRequest::units).toArray()),
                "ats", RecordRows.array("varchar", requests.stream().map(r -> text(r.at())).toArray()),
                "expires", RecordRows.array("varchar", requests.stream().map(r -> text(r.expiresAt())).toArray()));
    }

    /** The key of a rolling budget's count around {@code at}: its identity and the instant (at microseconds). */
    private static String rollingKey(Budget b, Instant at) {
        return CapChecks.identity(b) + " " + RecordRows.micros(at);
    }

    private static String text(Instant i) {
        return i == null ? null : RecordRows.micros(i).toString();
    }

    private static Object[] column(List<Object[]> rows, int column) {
        Object[] out = new Object[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows.get(i)[column];
        }
        return out;
    }

    /**
     * Makes this call the holder of {@code id}: true when it inserted the row or revived a released one
     * (charge now), false when the id is already reserved or committed (charge nothing).
     */
    private boolean claimId(Handle h, String id, long units, Instant at, Instant expiresAt, boolean rowHeld) {
        int inserted = rowHeld ? 0
                : insertIfAbsent(h, "INSERT INTO " + reservations + " (reservation_id, status, reserved_units, units,"
                        + " spent_at, expires_at) VALUES (:id, 'RESERVED', :units, :units, :at, :expiresAt)",
                        "reservation_id", u -> u.bind("id", id).bind("units", units)
                                .bind("at", RecordRows.timestamp(at)).bind("expiresAt", RecordRows.timestamp(expiresAt)));
        if (inserted == 1) {
            return true;
        }
        Optional<String> status = h.createQuery("SELECT status FROM " + reservations
                        + " WHERE reservation_id = :id FOR UPDATE").bind("id", id).mapTo(String.class).findOne();
        if (status.isEmpty()) {
            throw racingInsert("reservation " + id);
        }
        if (!status.get().equals("RELEASED")) {
            return false;
        }
        h.createUpdate("UPDATE " + reservations + " SET status = 'RESERVED', reserved_units = :units, units = :units,"
                        + " spent_at = :at, expires_at = :expiresAt, settled_at = NULL WHERE reservation_id = :id")
                .bind("id", id).bind("units", units).bind("at", RecordRows.timestamp(at))
                .bind("expiresAt", RecordRows.timestamp(expiresAt)).execute();
        return true;
    }

    /** Charges a UTC-day counter; returns -1 when charged, else the room it had (nothing charged). */
    private long chargeDay(Handle h, Visit v, long units) {
        Budget b = v.budget();
        while (true) {
            int charged = h.createUpdate("UPDATE " + budgets + " SET used = used + :units WHERE budget_key = :key"
                            + " AND budget_window = :window AND bucket = :bucket AND used <= :limit - :units")
                    .bind("units", units).bind("limit", b.limit()).bind("key", b.key()).bind("window", v.window())
                    .bind("bucket", RecordRows.timestamp(v.bucket())).execute();
            if (charged == 1) {
                return -1;
            }
            Optional<Long> used = selectUsed(h, v, false);
            if (used.isPresent()) {
                return Math.max(0, b.limit() - used.get());
            }
            if (units > b.limit()) {
                return b.limit();
            }
            // the day's first charge creates its counter; if another transaction created it first, charge that
            if (insertBudgetRow(h, v, units) == 1) {
                return -1;
            }
        }
    }

    /** Locks a rolling budget and returns -1 when {@code units} fit in it, else the room it has. */
    private long roomInRollingWindow(Handle h, Visit v, long units, Instant at) {
        if (selectUsed(h, v, true).isEmpty()) {
            insertBudgetRow(h, v, 0);
            if (selectUsed(h, v, true).isEmpty()) {
                throw racingInsert("budget " + v.budget().key());
            }
        }
        Budget b = v.budget();
        long counted = sumCharges(h, v, b.window().start(at), at.plus(b.window().length()));
        return units <= b.limit() - counted ? -1 : Math.max(0, b.limit() - counted);
    }

    /** Live charges of a rolling budget dated from {@code from} to {@code to}, both included. */
    private long sumCharges(Handle h, Visit v, Instant from, Instant to) {
        return h.createQuery("SELECT COALESCE(SUM(units), 0) FROM " + charges + " WHERE budget_key = :key"
                        + " AND budget_window = :window AND spent_at BETWEEN :from AND :to")
                .bind("key", v.budget().key()).bind("window", v.window())
                .bind("from", RecordRows.timestamp(from)).bind("to", RecordRows.timestamp(to))
                .mapTo(Long.class).one();
    }

    private Optional<Long> selectUsed(Handle h, Visit v, boolean lock) {
        return h.createQuery("SELECT used FROM " + budgets + " WHERE budget_key = :key AND budget_window = :window"
                        + " AND bucket = :bucket" + (lock ? " FOR UPDATE" : ""))
                .bind("key", v.budget().key()).bind("window", v.window()).bind("bucket", RecordRows.timestamp(v.bucket()))
                .mapTo(Long.class).findOne();
    }

    /**
     * A key that was just reported taken but cannot be read. Both dialects wait for the racing insert to
     * commit before they report it (measured for H2 2.3), so this is a guard: the whole transaction is
     * retried rather than charging without the row's lock.
     */
    private static StoreException racingInsert(String what) {
        return new StoreException(what + " is being inserted by another transaction",
                new SQLException("racing insert", "40001"));
    }

    private int insertBudgetRow(Handle h, Visit v, long used) {
        return insertIfAbsent(h, "INSERT INTO " + budgets + " (budget_key, budget_window, bucket, used)"
                        + " VALUES (:key, :window, :bucket, :used)", "budget_key, budget_window, bucket",
                u -> u.bind("key", v.budget().key()).bind("window", v.window())
                        .bind("bucket", RecordRows.timestamp(v.bucket())).bind("used", used));
    }

    private void insertCharges(Handle h, String id, List<Visit> visits, long units, Instant at) {
        if (visits.isEmpty()) {
            return;
        }
        PreparedBatch batch = h.prepareBatch("INSERT INTO " + charges + " (reservation_id, budget_key, budget_window,"
                + " bucket, spent_at, units) VALUES (:id, :key, :window, :bucket, :at, :units)");
        for (Visit v : visits) {
            batch.bind("id", id).bind("key", v.budget().key()).bind("window", v.window())
                    .bind("bucket", RecordRows.timestamp(v.daily() ? v.bucket() : null))
                    .bind("at", RecordRows.timestamp(at)).bind("units", units).add();
        }
        batch.execute();
    }

    /**
     * Runs an insert that may meet an existing key: PostgreSQL skips it ({@code ON CONFLICT DO NOTHING}, so
     * the transaction stays usable); H2 has no such clause, but a failed statement there does not abort the
     * transaction, so the duplicate is caught. Returns the rows inserted.
     */
    private int insertIfAbsent(Handle h, String insert, String conflictColumns, Consumer<Update> binder) {
        if (dialect == Dialect.POSTGRESQL) {
            var u = h.createUpdate(insert + " ON CONFLICT (" + conflictColumns + ") DO NOTHING");
            binder.accept(u);
            return u.execute();
        }
        try {
            var u = h.createUpdate(insert);
            binder.accept(u);
            return u.execute();
        } catch (JdbiException e) {
            if (!"23505".equals(Retry.sqlState(e))) {
                throw e;
            }
            return 0;
        }
    }

    // ---- settle -----------------------------------------------------------------------------------

    @Override
    public boolean commit(String reservationId, long actualUnits, Instant at) {
        CapChecks.settle(reservationId, at);
        return inTransaction("commit", h -> {
            Optional<Long> reserved = h.createQuery("SELECT reserved_units FROM " + reservations
                            + " WHERE reservation_id = :id FOR UPDATE").bind("id", reservationId)
                    .mapTo(Long.class).findOne();
            if (reserved.isEmpty()) {
                return false;
            }
            CapChecks.actualUnits(actualUnits, reserved.get());
            return commitLocked(h, new CommitRequest(reservationId, actualUnits), reserved.get(), at);
        });
    }

    /** Settles one reservation whose row this transaction has locked and whose units were checked. */
    private boolean commitLocked(Handle h, CommitRequest c, long reserved, Instant at) {
        int settled = h.createUpdate("UPDATE " + reservations + " SET status = 'COMMITTED', units = :units,"
                        + " settled_at = :at WHERE reservation_id = :id AND status = 'RESERVED'")
                .bind("units", c.actualUnits()).bind("at", RecordRows.timestamp(at)).bind("id", c.reservationId())
                .execute();
        if (settled == 0) {
            return false;
        }
        long unspent = reserved - c.actualUnits();
        if (unspent > 0) {
            List<Charge> held = chargesOf(h, List.of(c.reservationId()));
            returnToCounters(h, held.stream().map(ch -> new Charge(ch.key(), ch.window(), ch.bucket(), unspent)).toList());
            h.createUpdate("UPDATE " + charges + " SET units = :units WHERE reservation_id = :id")
                    .bind("units", c.actualUnits()).bind("id", c.reservationId()).execute();
        }
        return true;
    }

    /**
     * One transaction: locks every reservation named (in id order), checks every item, then settles each
     * as {@link #commit} would. PostgreSQL: a handful of statements whatever the batch size; H2: the single
     * commit's statements per item.
     */
    @Override
    public List<Boolean> commitAll(List<CommitRequest> commits, Instant at) {
        CapChecks.commits(commits, at);
        if (commits.isEmpty()) {
            return List.of();
        }
        return inTransaction("commitAll", h -> {
            Map<String, Long> reserved = new HashMap<>();
            Set<String> open = lockReservations(h, commits.stream().map(CommitRequest::reservationId).toList(), reserved);
            for (int i = 0; i < commits.size(); i++) {
                Long units = reserved.get(commits.get(i).reservationId());
                if (units != null) {
                    CapChecks.actualUnits("commits[" + i + "].actualUnits", commits.get(i).actualUnits(), units);
                }
            }
            List<Boolean> out = new ArrayList<>(commits.size());
            List<CommitRequest> settling = new ArrayList<>();
            for (CommitRequest c : commits) {
                boolean settles = open.remove(c.reservationId());
                out.add(settles);
                if (settles) {
                    settling.add(c);
                }
            }
            if (dialect != Dialect.POSTGRESQL) {
                settling.forEach(c -> commitLocked(h, c, reserved.get(c.reservationId()), at));
            } else if (!settling.isEmpty()) {
                commitAllLocked(h, settling, reserved, at);
            }
            return out;
        });
    }

    /** PostgreSQL: {@link #commitLocked} for a batch, with array parameters. */
    private void commitAllLocked(Handle h, List<CommitRequest> settling, Map<String, Long> reserved, Instant at) {
        h.createUpdate("UPDATE " + reservations + " t SET status = 'COMMITTED', units = v.u,"
                        + " settled_at = CAST(:at AS TIMESTAMPTZ) FROM unnest(CAST(:ids AS VARCHAR[]),"
                        + " CAST(:units AS BIGINT[])) AS v(id, u) WHERE t.reservation_id = v.id")
                .bind("at", text(at))
                .bind("ids", RecordRows.array("varchar", settling.stream().map(CommitRequest::reservationId).toArray()))
                .bind("units", RecordRows.array("int8", settling.stream().map(CommitRequest::actualUnits).toArray()))
                .execute();
        Map<String, Long> unspent = new HashMap<>();
        for (CommitRequest c : settling) {
            long left = reserved.get(c.reservationId()) - c.actualUnits();
            if (left > 0) {
                unspent.put(c.reservationId(), left);
            }
        }
        if (unspent.isEmpty()) {
            return;
        }
        List<String> partial = new ArrayList<>(unspent.keySet());
        List<Charge> back = new ArrayList<>();
        h.createQuery("SELECT reservation_id, budget_key, budget_window, bucket FROM " + charges
                        + " WHERE reservation_id = ANY(CAST(:ids AS VARCHAR[])) AND bucket IS NOT NULL")
                .bind("ids", RecordRows.array("varchar", partial.toArray()))
                .map((rs, ctx) -> new Charge(rs.getString(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant(), unspent.get(rs.getString(1))))
                .forEach(back::add);
        returnToCounters(h, back);
        h.createUpdate("UPDATE " + charges + " c SET units = v.u FROM unnest(CAST(:ids AS VARCHAR[]),"
                        + " CAST(:units AS BIGINT[])) AS v(id, u) WHERE c.reservation_id = v.id")
                .bind("ids", RecordRows.array("varchar", partial.toArray()))
                .bind("units", RecordRows.array("int8",
                        partial.stream().map(id -> reserved.get(id) - unspent.get(id)).toArray()))
                .execute();
    }

    @Override
    public boolean release(String reservationId, Instant at) {
        CapChecks.settle(reservationId, at);
        return inTransaction("release", h -> {
            int settled = h.createUpdate("UPDATE " + reservations + " SET status = 'RELEASED', settled_at = :at"
                            + " WHERE reservation_id = :id AND status = 'RESERVED'")
                    .bind("at", RecordRows.timestamp(at)).bind("id", reservationId).execute();
            if (settled == 0) {
                return false;
            }
            dropCharges(h, List.of(reservationId));
            return true;
        });
    }

    /** One transaction: locks the reservations named (in id order), releases the reserved ones, drops their charges. */
    @Override
    public List<Boolean> releaseAll(List<String> reservationIds, Instant at) {
        CapChecks.releases(reservationIds, at);
        if (reservationIds.isEmpty()) {
            return List.of();
        }
        return inTransaction("releaseAll", h -> {
            Set<String> open = lockReservations(h, reservationIds, new HashMap<>());
            List<Boolean> out = new ArrayList<>(reservationIds.size());
            List<String> releasing = new ArrayList<>();
            for (String id : reservationIds) {
                boolean releases = open.remove(id);
                out.add(releases);
                if (releases) {
                    releasing.add(id);
                }
            }
            if (!releasing.isEmpty()) {
                h.createUpdate("UPDATE " + reservations + " SET status = 'RELEASED', settled_at = :at"
                                + " WHERE reservation_id IN (<ids>)")
                        .bind("at", RecordRows.timestamp(at)).bindList("ids", releasing).execute();
                dropCharges(h, releasing);
            }
            return out;
        });
    }

    /**
     * Locks the reservation rows of {@code ids} in id order (bytewise on PostgreSQL, as {@link #reserveAll}
     * takes them), fills {@code reserved} with their reserved units, and returns the ids still RESERVED.
     */
    private Set<String> lockReservations(Handle h, List<String> ids, Map<String, Long> reserved) {
        Set<String> open = new HashSet<>();
        String order = dialect == Dialect.POSTGRESQL ? "reservation_id COLLATE \"C\"" : "reservation_id";
        h.createQuery("SELECT reservation_id, reserved_units, status FROM " + reservations
                        + " WHERE reservation_id IN (<ids>) ORDER BY " + order + " FOR UPDATE")
                .bindList("ids", new ArrayList<>(new TreeSet<>(ids)))
                .map((rs, ctx) -> {
                    reserved.put(rs.getString(1), rs.getLong(2));
                    return rs.getString(3).equals("RESERVED") ? rs.getString(1) : null;
                })
                .forEach(id -> {
                    if (id != null) {
                        open.add(id);
                    }
                });
        return open;
    }

    @Override
    public int releaseExpired(Instant now, int limit) {
        InvalidInputException.requireNonNull("now", now);
        int released = 0;
        while (released < limit) {
            int batch = Math.min(BATCH, limit - released);
            int n = inTransaction("releaseExpired", h -> releaseExpiredBatch(h, now, batch));
            released += n;
            if (n < batch) {
                break;
            }
        }
        return released;
    }

    private int releaseExpiredBatch(Handle h, Instant now, int batch) {
        // both dialects skip rows another transaction holds (H2 since 2.2.220): a reservation being settled right
        // now is left to it, and several sweepers never wait on each other
        List<String> ids = h.createQuery("SELECT reservation_id FROM " + reservations + " WHERE status = 'RESERVED'"
                        + " AND expires_at <= :now ORDER BY expires_at, reservation_id LIMIT :limit FOR UPDATE SKIP LOCKED")
                .bind("now", RecordRows.timestamp(now)).bind("limit", batch).mapTo(String.class).list();
        List<String> won = new ArrayList<>(ids.size());
        for (String id : ids) {
            // locked and still RESERVED as read; the condition is kept so the update stays a compare-and-set
            int settled = h.createUpdate("UPDATE " + reservations + " SET status = 'RELEASED', settled_at = :now"
                            + " WHERE reservation_id = :id AND status = 'RESERVED' AND expires_at <= :now")
                    .bind("now", RecordRows.timestamp(now)).bind("id", id).execute();
            if (settled == 1) {
                won.add(id);
            }
        }
        dropCharges(h, won);
        return won.size();
    }

    /** Deletes the charges of released reservations and returns their units to the day counters. */
    private void dropCharges(Handle h, List<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        returnToCounters(h, chargesOf(h, ids));
        h.createUpdate("DELETE FROM " + charges + " WHERE reservation_id IN (<ids>)").bindList("ids", ids).execute();
    }

    /** The day-counter charges of {@code ids}, summed per counter row. */
    private List<Charge> chargesOf(Handle h, List<String> ids) {
        return h.createQuery("SELECT budget_key, budget_window, bucket, SUM(units) AS units FROM " + charges
                        + " WHERE reservation_id IN (<ids>) AND bucket IS NOT NULL GROUP BY budget_key, budget_window, bucket")
                .bindList("ids", ids)
                .map((rs, ctx) -> new Charge(rs.getString("budget_key"), rs.getString("budget_window"),
                        rs.getObject("bucket", OffsetDateTime.class).toInstant(), rs.getLong("units")))
                .list();
    }

    /** Lowers day counters, visiting them in lock order so this never waits in a cycle with a reserve. */
    private void returnToCounters(Handle h, List<Charge> held) {
        if (dialect == Dialect.POSTGRESQL && held.size() > 1) {
            // many counters (a batch): lock them in order with one statement, lower them with another
            Map<Row, Long> deltas = new HashMap<>();
            for (Charge c : held) {
                deltas.merge(new Row(c.key(), c.window(), c.bucket()), -c.units(), Long::sum);
            }
            lockBudgetRows(h, deltas.keySet());
            addToCounters(h, deltas);
            return;
        }
        List<Charge> ordered = new ArrayList<>(held);
        ordered.sort(Charge.LOCK_ORDER);
        for (Charge c : ordered) {
            h.createUpdate("UPDATE " + budgets + " SET used = used - :units WHERE budget_key = :key"
                            + " AND budget_window = :window AND bucket = :bucket")
                    .bind("units", c.units()).bind("key", c.key()).bind("window", c.window())
                    .bind("bucket", RecordRows.timestamp(c.bucket())).execute();
        }
    }

    // ---- read -------------------------------------------------------------------------------------

    @Override
    public long used(Budget budget, Instant now) {
        InvalidInputException.requireNonNull("budget", budget);
        InvalidInputException.requireNonNull("now", now);
        Visit v = Visit.of(0, budget, now);
        return read("used", h -> v.daily() ? selectUsed(h, v, false).orElse(0L)
                : sumCharges(h, v, budget.window().start(now), now));
    }

    // ---- plumbing ---------------------------------------------------------------------------------

    private <T> T read(String what, HandleCallback<T, RuntimeException> work) {
        try {
            return jdbi.withHandle(work);
        } catch (JdbiException e) {
            throw new StoreException(what + " failed: " + JdbiBuilder.rootMessage(e), e);
        }
    }

    private <T> T inTransaction(String what, HandleCallback<T, RuntimeException> work) {
        return Retry.inTransaction(jdbi, what, dialect == Dialect.H2 ? TRANSIENT_H2 : Retry.POSTGRES_TRANSIENT, ATTEMPTS,
                work);
    }

    /** Defaults: dialect detected from the database, tables {@link TableNames#defaults()}, no migration. */
    public static final class Builder extends JdbiBuilder<Builder, JdbiCapLedger> {
        private Builder(DataSource dataSource) {
            super(dataSource);
        }

        @Override
        Builder self() {
            return this;
        }

        @Override
        JdbiCapLedger create(Jdbi jdbi, Dialect dialect, TableNames names) {
            return new JdbiCapLedger(jdbi, dialect, names);
        }
    }
}
