package dev.copytrade.jdbi;

import dev.copytrade.core.model.IdempotencyKey;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.RecordDraft;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.record.Transition;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.store.PrewriteResult;
import dev.copytrade.core.store.StoreException;
import dev.copytrade.core.store.TransitionResult;
import dev.copytrade.core.debt.DebtDraft;
import dev.copytrade.jdbi.internal.DebtRows;
import dev.copytrade.jdbi.internal.FlatJson;
import dev.copytrade.jdbi.internal.RecordRows;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * {@link CopyTradeStore} on JDBI 3: PostgreSQL (the target) or H2 (a light extra dialect).
 *
 * <p>PostgreSQL: prewrite is one {@code INSERT … ON CONFLICT DO NOTHING RETURNING *} with a fallback
 * read for the conflict; a batch prewrite is one multi-row insert per 500 drafts in one transaction;
 * transitions are one {@code UPDATE … WHERE id = ? AND status = ? RETURNING *}; the stale claim is one
 * {@code UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)} served by a partial index over
 * in-flight rows, so any number of processes can sweep at once and the cost follows the stale rows.
 * Every statement commits before the method returns. Database errors become {@link StoreException}.
 *
 * <p>Debts: a transition that carries debts ({@code Transition.debts()}) is applied in one transaction
 * with them: the compare-and-set, then, only if it was applied, each debt inserted into the debt table of
 * the same {@link TableNames} ({@code ON CONFLICT (record_id, leg_id) DO NOTHING}: a leg already recorded
 * is not an error and is not recorded again) with its ACCRUED history row. {@link #debtLedger()} is the
 * ledger over those tables. Transitions without debts keep their one-statement path.
 */
public final class JdbiCopyTradeStore implements CopyTradeStore {
    private static final int BATCH_ROWS = 500;
    private static final String IN_FLIGHT = "('PENDING', 'SUBMITTED')";

    private final Jdbi jdbi;
    private final Dialect dialect;
    private final String table;
    private final String insertOne;
    private final DebtRows debtRows;
    private final JdbiDebtLedger debtLedger;

    private JdbiCopyTradeStore(Jdbi jdbi, Dialect dialect, TableNames names) {
        this.jdbi = jdbi;
        this.dialect = dialect;
        this.table = names.recordTable();
        this.debtRows = new DebtRows(dialect == Dialect.POSTGRESQL, names.debtTable(), names.debtEventTable());
        this.debtLedger = JdbiDebtLedger.over(jdbi, dialect, names);
        this.insertOne = "INSERT INTO " + table + " (" + String.join(", ", RecordRows.INSERT_COLUMNS) + ") VALUES "
                + RecordRows.valuesRow("", detailParam());
    }

    /** A store over {@code dataSource}; the dialect is detected unless set. */
    public static Builder builder(DataSource dataSource) {
        InvalidInputException.requireNonNull("dataSource", dataSource);
        return new Builder(dataSource);
    }

    public Dialect dialect() {
        return dialect;
    }

    /**
     * The debt ledger over the tables this store records a transition's debts in (same database, same
     * {@link TableNames}): give it to the recovery loop, the operator tools and the anti-overdraft guardrail.
     */
    public JdbiDebtLedger debtLedger() {
        return debtLedger;
    }

    private String detailParam() {
        return dialect == Dialect.POSTGRESQL ? "CAST(? AS jsonb)" : "?";
    }

    private <T> T call(String what, Function<Handle, T> work) {
        try {
            return jdbi.withHandle(work::apply);
        } catch (JdbiException e) {
            throw new StoreException(what + " failed: " + JdbiBuilder.rootMessage(e), e);
        }
    }

    private <T> T inTransaction(String what, Function<Handle, T> work) {
        try {
            return jdbi.inTransaction(work::apply);
        } catch (JdbiException e) {
            throw new StoreException(what + " failed: " + JdbiBuilder.rootMessage(e), e);
        }
    }

    /** Records an applied transition's debts in its transaction (nothing for a transition without debts). */
    private void accrueDebts(Handle h, Transition t) {
        if (!t.debts().isEmpty()) {
            debtRows.accrue(h, t.debts());
        }
    }


    @Override
    public PrewriteResult prewrite(RecordDraft draft) {
        InvalidInputException.requireNonNull("draft", draft);
        return call("prewrite", h -> {
            if (dialect == Dialect.POSTGRESQL) {
                RecordDraft stored = RecordRows.asStored(draft);
                var insert = h.createQuery(insertOne + " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id");
                RecordRows.bindDraft(insert, stored, "");
                Optional<Long> id = insert.mapTo(Long.class).findOne();
                if (id.isPresent()) {
                    return new PrewriteResult(stored.toRecord(id.get()), true);
                }
                return new PrewriteResult(existing(h, draft.key()), false);
            }
            boolean inserted;
            try {
                var insert = h.createUpdate(insertOne);
                RecordRows.bindDraft(insert, draft, "");
                insert.execute();
                inserted = true;
            } catch (JdbiException e) {
                if (!isUniqueViolation(e)) {
                    throw e;
                }
                inserted = false;
            }
            return new PrewriteResult(existing(h, draft.key()), inserted);
        });
    }

    private CopyTradeRecord existing(Handle h, IdempotencyKey key) {
        return selectByKey(h, key).orElseThrow(() -> new StoreException(
                "prewrite conflicted on key " + key + " but no record with that key could be read"));
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<PrewriteResult> prewriteAll(List<RecordDraft> drafts) {
        InvalidInputException.requireNonNull("drafts", drafts);
        if (dialect != Dialect.POSTGRESQL || drafts.size() <= 1) {
            return CopyTradeStore.super.prewriteAll(drafts);
        }
        try {
            return jdbi.inTransaction(h -> {
                Map<String, CopyTradeRecord> created = new HashMap<>();
                for (int from = 0; from < drafts.size(); from += BATCH_ROWS) {
                    List<RecordDraft> chunk = drafts.subList(from, Math.min(drafts.size(), from + BATCH_ROWS));
                    StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" (")
                            .append(String.join(", ", RecordRows.INSERT_COLUMNS)).append(") VALUES ");
                    for (int i = 0; i < chunk.size(); i++) {
                        sql.append(i == 0 ? "" : ", ").append(RecordRows.valuesRow("_" + i, detailParam()));
                    }
                    sql.append(" ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, idempotency_key");
                    var insert = h.createQuery(sql.toString());
                    Map<String, RecordDraft> byKey = new HashMap<>();
                    for (int i = 0; i < chunk.size(); i++) {
                        RecordDraft stored = RecordRows.asStored(chunk.get(i));
                        byKey.putIfAbsent(stored.key().value(), stored);
                        RecordRows.bindDraft(insert, stored, "_" + i);
                    }
                    insert.map((rs, ctx) -> Map.entry(rs.getString("idempotency_key").trim(), rs.getLong("id")))
                            .forEach(e -> created.put(e.getKey(), byKey.get(e.getKey()).toRecord(e.getValue())));
                }
                Set<String> missing = new HashSet<>();
                for (RecordDraft d : drafts) {
                    if (!created.containsKey(d.key().value())) {
                        missing.add(d.key().value());
                    }
                }
                Map<String, CopyTradeRecord> found = new HashMap<>();
                if (!missing.isEmpty()) {
                    h.createQuery("SELECT * FROM " + table + " WHERE idempotency_key IN (<keys>)")
                            .bindList("keys", new ArrayList<>(missing))
                            .map(RecordRows.MAPPER)
                            .forEach(r -> found.put(r.key().value(), r));
                }
                List<PrewriteResult> out = new ArrayList<>(drafts.size());
                for (RecordDraft d : drafts) {
                    String k = d.key().value();
                    CopyTradeRecord mine = created.remove(k);
                    if (mine != null) {
                        found.put(k, mine);
                        out.add(new PrewriteResult(mine, true));
                    } else {
                        CopyTradeRecord r = found.get(k);
                        if (r == null) {
                            throw new StoreException("prewrite conflicted on key " + k + " but no record could be read");
                        }
                        out.add(new PrewriteResult(r, false));
                    }
                }
                return out;
            });
        } catch (JdbiException e) {
            throw new StoreException("batch prewrite failed: " + JdbiBuilder.rootMessage(e), e);
        }
    }

    /**
     * PostgreSQL: one {@code UPDATE … FROM (VALUES …) … WHERE t.status = v.from_status RETURNING} per
     * wave, all waves in one transaction (one commit). A record named twice in a batch goes into a later
     * wave, so transitions of one record apply in input order, exactly as one at a time would.
     */
    @Override
    public List<TransitionResult> transitionAll(List<Transition> transitions) {
        InvalidInputException.requireNonNull("transitions", transitions);
        if (dialect != Dialect.POSTGRESQL || transitions.size() <= 1) {
            return CopyTradeStore.super.transitionAll(transitions);
        }
        try {
            return jdbi.inTransaction(h -> {
                List<List<Integer>> waves = new ArrayList<>();
                Map<Long, Integer> waveOfId = new HashMap<>();
                for (int i = 0; i < transitions.size(); i++) {
                    int wave = waveOfId.merge(transitions.get(i).id(), 0, (old, zero) -> old + 1);
                    while (waves.size() <= wave) {
                        waves.add(new ArrayList<>());
                    }
                    waves.get(wave).add(i);
                }
                TransitionResult[] out = new TransitionResult[transitions.size()];
                for (List<Integer> wave : waves) {
                    for (int from = 0; from < wave.size(); from += BATCH_ROWS) {
                        applyWave(h, transitions, wave.subList(from, Math.min(wave.size(), from + BATCH_ROWS)), out);
                    }
                }
                // the debts of the applied transitions, in one accrual in this same transaction
                List<DebtDraft> owed = new ArrayList<>();
                for (TransitionResult r : out) {
                    if (r.applied()) {
                        owed.addAll(r.transition().debts());
                    }
                }
                if (!owed.isEmpty()) {
                    debtRows.accrue(h, owed);
                }
                return List.of(out);
            });
        } catch (JdbiException e) {
            throw new StoreException("batch transition failed: " + JdbiBuilder.rootMessage(e), e);
        }
    }

    private void applyWave(Handle h, List<Transition> all, List<Integer> wave, TransitionResult[] out) {
        StringBuilder sql = new StringBuilder("UPDATE ").append(table).append(" t SET status = v.to_status,"
                + " updated_at = v.at, version = t.version + 1, reason = COALESCE(v.reason, t.reason),"
                + " detail = t.detail || v.detail, venue_ref = COALESCE(v.venue_ref, t.venue_ref),"
                + " nonce = COALESCE(v.nonce, t.nonce), fill_shares = COALESCE(v.fill_shares, t.fill_shares),"
                + " fill_notional = COALESCE(v.fill_notional, t.fill_notional),"
                + " fill_ref = COALESCE(v.fill_ref, t.fill_ref), last_error = COALESCE(v.last_error, t.last_error),"
                + " lease_owner = CASE WHEN v.keep_lease THEN COALESCE(v.lease_owner, t.lease_owner) END,"
                + " lease_until = CASE WHEN v.keep_lease THEN COALESCE(v.lease_until, t.lease_until) END"
                + " FROM (VALUES ");
        for (int i = 0; i < wave.size(); i++) {
            String n = "_" + i;
            sql.append(i == 0 ? "" : ", ").append("(CAST(:id").append(n).append(" AS BIGINT), CAST(:from").append(n)
                    .append(" AS VARCHAR), CAST(:to").append(n).append(" AS VARCHAR), CAST(:at").append(n)
                    .append(" AS TIMESTAMPTZ), CAST(:reason").append(n).append(" AS VARCHAR), CAST(:detail").append(n)
                    .append(" AS JSONB), CAST(:ref").append(n).append(" AS VARCHAR), CAST(:nonce").append(n)
                    .append(" AS BIGINT), CAST(:fs").append(n).append(" AS BIGINT), CAST(:fn").append(n)
                    .append(" AS BIGINT), CAST(:fr").append(n).append(" AS VARCHAR), CAST(:err").append(n)
                    .append(" AS VARCHAR), CAST(:keep").append(n).append(" AS BOOLEAN), CAST(:lo").append(n)
                    .append(" AS VARCHAR), CAST(:lu").append(n).append(" AS TIMESTAMPTZ))");
        }
        sql.append(") AS v(id, from_status, to_status, at, reason, detail, venue_ref, nonce, fill_shares,"
                + " fill_notional, fill_ref, last_error, keep_lease, lease_owner, lease_until)"
                + " WHERE t.id = v.id AND t.status = v.from_status RETURNING t.*");
        var update = h.createQuery(sql.toString());
        for (int i = 0; i < wave.size(); i++) {
            Transition t = all.get(wave.get(i));
            String n = "_" + i;
            boolean keep = t.to().isInFlight();
            update.bind("id" + n, t.id()).bind("from" + n, t.from().name()).bind("to" + n, t.to().name())
                    .bind("at" + n, RecordRows.timestamp(t.at()))
                    .bind("reason" + n, RecordRows.nullableString(t.reason() == null ? null : t.reason().name()))
                    .bind("detail" + n, FlatJson.write(t.detail()))
                    .bind("ref" + n, RecordRows.nullableString(t.venueRef()))
                    .bind("nonce" + n, RecordRows.nullableLong(t.nonce()))
                    .bind("fs" + n, RecordRows.nullableLong(t.fill() == null ? null : t.fill().shares().micros()))
                    .bind("fn" + n, RecordRows.nullableLong(t.fill() == null ? null : t.fill().notional().micros()))
                    .bind("fr" + n, RecordRows.nullableString(t.fill() == null ? null : t.fill().venueRef()))
                    .bind("err" + n, RecordRows.nullableString(t.lastError()))
                    .bind("keep" + n, keep)
                    .bind("lo" + n, RecordRows.nullableString(keep ? t.leaseOwner() : null))
                    .bind("lu" + n, RecordRows.timestamp(keep ? t.leaseUntil() : null));
        }
        Map<Long, CopyTradeRecord> won = new HashMap<>();
        update.map(RecordRows.MAPPER).forEach(r -> won.put(r.id(), r));
        List<Long> lostIds = new ArrayList<>();
        for (int i : wave) {
            if (!won.containsKey(all.get(i).id())) {
                lostIds.add(all.get(i).id());
            }
        }
        Map<Long, CopyTradeRecord> current = new HashMap<>();
        if (!lostIds.isEmpty()) {
            h.createQuery("SELECT * FROM " + table + " WHERE id IN (<ids>)").bindList("ids", lostIds)
                    .map(RecordRows.MAPPER).forEach(r -> current.put(r.id(), r));
        }
        for (int i : wave) {
            Transition t = all.get(i);
            CopyTradeRecord r = won.get(t.id());
            out[i] = r != null ? new TransitionResult(t, true, r) : new TransitionResult(t, false, current.get(t.id()));
        }
    }

    /**
     * PostgreSQL: {@code UPDATE … RETURNING version}; when the version moved from the caller's copy by
     * exactly one, nobody else wrote the row in between, so the row is {@code current.apply(t)} and is
     * not read back (the hot path of every finalize). Otherwise, or on H2, as {@link #transition(Transition)}.
     */
    @Override
    public TransitionResult transition(CopyTradeRecord current, Transition t) {
        InvalidInputException.requireNonNull("transition", t);
        if (dialect != Dialect.POSTGRESQL || !t.debts().isEmpty() || current == null || current.id() != t.id()
                || current.status() != t.from() || (t.to().isInFlight() && (t.leaseOwner() == null
                || t.leaseUntil() == null))) {
            // an in-flight target keeps lease fields a claim may have changed: read the row back
            return transition(t);
        }
        Transition stored = RecordRows.asStored(t);
        return call("transition", h -> {
            var update = h.createQuery(updateSql(stored, "detail || CAST(:detail AS jsonb)") + " RETURNING version");
            bindTransition(update, stored, FlatJson.write(stored.detail()));
            Optional<Integer> version = update.mapTo(Integer.class).findOne();
            if (version.isPresent() && version.get() == current.version() + 1) {
                return new TransitionResult(t, true, current.apply(stored));
            }
            CopyTradeRecord now = selectById(h, t.id()).orElse(null);
            return new TransitionResult(t, version.isPresent(), now);
        });
    }

    @Override
    public TransitionResult transition(Transition t) {
        InvalidInputException.requireNonNull("transition", t);
        if (dialect == Dialect.POSTGRESQL) {
            Function<Handle, TransitionResult> work = h -> {
                var update = h.createQuery(updateSql(t, "detail || CAST(:detail AS jsonb)") + " RETURNING *");
                bindTransition(update, t, FlatJson.write(t.detail()));
                Optional<CopyTradeRecord> won = update.map(RecordRows.MAPPER).findOne();
                if (won.isPresent()) {
                    accrueDebts(h, t);
                    return new TransitionResult(t, true, won.get());
                }
                return new TransitionResult(t, false, selectById(h, t.id()).orElse(null));
            };
            // one statement commits by itself; with debts, the update and the inserts commit together
            return t.debts().isEmpty() ? call("transition", work) : inTransaction("transition", work);
        }
        try {
            return jdbi.inTransaction(h -> {
                String detail = null;
                if (!t.detail().isEmpty()) {
                    // H2 cannot merge JSON in SQL: lock the row, merge here, write back under the same CAS
                    Optional<String> current = h.createQuery("SELECT detail FROM " + table + " WHERE id = :id FOR UPDATE")
                            .bind("id", t.id()).mapTo(String.class).findOne();
                    Map<String, String> merged = new LinkedHashMap<>(FlatJson.read(current.orElse("{}")));
                    merged.putAll(t.detail());
                    detail = FlatJson.write(merged);
                }
                var update = h.createUpdate(updateSql(t, ":detail"));
                bindTransition(update, t, detail);
                boolean applied = update.execute() == 1;
                if (applied) {
                    accrueDebts(h, t);
                }
                return new TransitionResult(t, applied, selectById(h, t.id()).orElse(null));
            });
        } catch (JdbiException e) {
            throw new StoreException("transition failed: " + JdbiBuilder.rootMessage(e), e);
        }
    }

    private String updateSql(Transition t, String detailExpr) {
        StringBuilder set = new StringBuilder("UPDATE ").append(table)
                .append(" SET status = :to, updated_at = :at, version = version + 1");
        if (t.reason() != null) {
            set.append(", reason = :reason");
        }
        if (!t.detail().isEmpty()) {
            set.append(", detail = ").append(detailExpr);
        }
        if (t.venueRef() != null) {
            set.append(", venue_ref = :venueRef");
        }
        if (t.nonce() != null) {
            set.append(", nonce = :nonce");
        }
        if (t.fill() != null) {
            set.append(", fill_shares = :fillShares, fill_notional = :fillNotional, fill_ref = :fillRef");
        }
        if (t.lastError() != null) {
            set.append(", last_error = :lastError");
        }
        if (!t.to().isInFlight()) {
            set.append(", lease_owner = NULL, lease_until = NULL");
        } else {
            if (t.leaseOwner() != null) {
                set.append(", lease_owner = :leaseOwner");
            }
            if (t.leaseUntil() != null) {
                set.append(", lease_until = :leaseUntil");
            }
        }
        return set.append(" WHERE id = :id AND status = :from").toString();
    }

    private static void bindTransition(SqlStatement<?> stmt, Transition t, String detail) {
        stmt.bind("id", t.id()).bind("from", t.from().name()).bind("to", t.to().name())
                .bind("at", RecordRows.timestamp(t.at()));
        if (t.reason() != null) {
            stmt.bind("reason", t.reason().name());
        }
        if (!t.detail().isEmpty()) {
            stmt.bind("detail", detail);
        }
        if (t.venueRef() != null) {
            stmt.bind("venueRef", t.venueRef());
        }
        if (t.nonce() != null) {
            stmt.bind("nonce", t.nonce().longValue());
        }
        if (t.fill() != null) {
            stmt.bind("fillShares", t.fill().shares().micros()).bind("fillNotional", t.fill().notional().micros())
                    .bind("fillRef", t.fill().venueRef());
        }
        if (t.lastError() != null) {
            stmt.bind("lastError", t.lastError());
        }
        if (t.to().isInFlight()) {
            if (t.leaseOwner() != null) {
                stmt.bind("leaseOwner", t.leaseOwner());
            }
            if (t.leaseUntil() != null) {
                stmt.bind("leaseUntil", RecordRows.timestamp(t.leaseUntil()));
            }
        }
    }

    @Override
    public boolean renewLease(long id, RecordStatus expected, String owner, Instant until) {
        InvalidInputException.requireNonNull("expected", expected);
        InvalidInputException.requireNonNull("owner", owner);
        InvalidInputException.requireNonNull("until", until);
        if (!expected.isInFlight()) {
            return false;
        }
        return call("renewLease", h -> h.createUpdate("UPDATE " + table
                        + " SET lease_until = :until WHERE id = :id AND status = :status AND lease_owner = :owner")
                .bind("until", RecordRows.timestamp(until)).bind("id", id).bind("status", expected.name())
                .bind("owner", owner).execute() == 1);
    }

    @Override
    public List<CopyTradeRecord> claimStale(Instant now, int limit, String owner, Instant leaseUntil) {
        InvalidInputException.requireNonNull("now", now);
        InvalidInputException.requireNonNull("owner", owner);
        InvalidInputException.requireNonNull("leaseUntil", leaseUntil);
        if (limit <= 0) {
            return List.of();
        }
        if (dialect == Dialect.POSTGRESQL) {
            return call("claimStale", h -> {
                // the CTE locks the oldest stale rows, skipping rows another sweeper holds; RETURNING has no
                // order, so the old deadline comes back too and sorts the result oldest first
                List<Map.Entry<Instant, CopyTradeRecord>> rows = h.createQuery("WITH stale AS (SELECT id, lease_until"
                                + " AS old_lease FROM " + table + " WHERE status IN " + IN_FLIGHT
                                + " AND lease_until <= :now ORDER BY lease_until, id LIMIT :limit FOR UPDATE SKIP LOCKED)"
                                + " UPDATE " + table + " t SET lease_owner = :owner, lease_until = :until FROM stale"
                                + " WHERE t.id = stale.id RETURNING t.*, stale.old_lease")
                        .bind("owner", owner).bind("until", RecordRows.timestamp(leaseUntil))
                        .bind("now", RecordRows.timestamp(now)).bind("limit", limit)
                        .map((rs, ctx) -> Map.entry(rs.getObject("old_lease", java.time.OffsetDateTime.class).toInstant(),
                                RecordRows.MAPPER.map(rs, ctx)))
                        .list();
                List<Map.Entry<Instant, CopyTradeRecord>> sorted = new ArrayList<>(rows);
                sorted.sort(Map.Entry.<Instant, CopyTradeRecord>comparingByKey()
                        .thenComparingLong(e -> e.getValue().id()));
                List<CopyTradeRecord> claimed = new ArrayList<>(sorted.size());
                sorted.forEach(e -> claimed.add(e.getValue()));
                return claimed;
            });
        }
        return call("claimStale", h -> {
            List<Long> candidates = h.createQuery("SELECT id FROM " + table + " WHERE status IN " + IN_FLIGHT
                            + " AND lease_until <= :now ORDER BY lease_until, id LIMIT :limit")
                    .bind("now", RecordRows.timestamp(now)).bind("limit", limit).mapTo(Long.class).list();
            List<CopyTradeRecord> claimed = new ArrayList<>(candidates.size());
            for (long id : candidates) {
                int won = h.createUpdate("UPDATE " + table + " SET lease_owner = :owner, lease_until = :until"
                                + " WHERE id = :id AND status IN " + IN_FLIGHT + " AND lease_until <= :now")
                        .bind("owner", owner).bind("until", RecordRows.timestamp(leaseUntil)).bind("id", id)
                        .bind("now", RecordRows.timestamp(now)).execute();
                if (won == 1) {
                    selectById(h, id).ifPresent(claimed::add);
                }
            }
            return claimed;
        });
    }

    @Override
    public Optional<CopyTradeRecord> findById(long id) {
        return call("findById", h -> selectById(h, id));
    }

    @Override
    public Optional<CopyTradeRecord> findByKey(IdempotencyKey key) {
        InvalidInputException.requireNonNull("key", key);
        return call("findByKey", h -> selectByKey(h, key));
    }

    @Override
    public List<CopyTradeRecord> findByStatus(RecordStatus status, long afterId, int limit) {
        InvalidInputException.requireNonNull("status", status);
        if (limit <= 0) {
            return List.of();
        }
        return call("findByStatus", h -> h.createQuery("SELECT * FROM " + table
                        + " WHERE status = :status AND id > :after ORDER BY id LIMIT :limit")
                .bind("status", status.name()).bind("after", afterId).bind("limit", limit)
                .map(RecordRows.MAPPER).list());
    }

    @Override
    public Map<RecordStatus, Long> countByStatus() {
        return call("countByStatus", h -> {
            Map<RecordStatus, Long> counts = new EnumMap<>(RecordStatus.class);
            for (RecordStatus s : RecordStatus.values()) {
                counts.put(s, 0L);
            }
            h.createQuery("SELECT status, COUNT(*) AS n FROM " + table + " GROUP BY status")
                    .map((rs, ctx) -> Map.entry(RecordStatus.valueOf(rs.getString("status")), rs.getLong("n")))
                    .forEach(e -> counts.put(e.getKey(), e.getValue()));
            return counts;
        });
    }

    private Optional<CopyTradeRecord> selectById(Handle h, long id) {
        return h.createQuery("SELECT * FROM " + table + " WHERE id = :id").bind("id", id)
                .map(RecordRows.MAPPER).findOne();
    }

    private Optional<CopyTradeRecord> selectByKey(Handle h, IdempotencyKey key) {
        return h.createQuery("SELECT * FROM " + table + " WHERE idempotency_key = :key").bind("key", key.value())
                .map(RecordRows.MAPPER).findOne();
    }

    /** Defaults: dialect detected from the database, tables {@link TableNames#defaults()}, no migration. */
    public static final class Builder extends JdbiBuilder<Builder, JdbiCopyTradeStore> {
        private Builder(DataSource dataSource) {
            super(dataSource);
        }

        @Override
        Builder self() {
            return this;
        }

        @Override
        JdbiCopyTradeStore create(Jdbi jdbi, Dialect dialect, TableNames names) {
            return new JdbiCopyTradeStore(jdbi, dialect, names);
        }
    }
}
