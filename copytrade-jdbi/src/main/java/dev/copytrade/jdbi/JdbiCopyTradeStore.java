package dev.copytrade.jdbi;

import dev.copytrade.core.internal.StoreChecks;
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
import dev.copytrade.jdbi.internal.Retry;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * {@link CopyTradeStore} on JDBI 3: PostgreSQL (the target) or H2 (a light extra dialect).
 *
 * <p>PostgreSQL: prewrite is one {@code INSERT … ON CONFLICT DO NOTHING RETURNING *} with a fallback
 * read for the conflict; transitions are one {@code UPDATE … WHERE id = ? AND status = ? RETURNING};
 * batches of either are one statement per 2,000 rows with one array parameter per column
 * ({@code unnest}), in one transaction (one commit); the stale claim is one
 * {@code UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)} served by a partial index over
 * in-flight rows, so any number of processes can sweep at once and the cost follows the stale rows (H2: the
 * same {@code SELECT … FOR UPDATE SKIP LOCKED}, then one update per row, in one transaction).
 * Every statement commits before the method returns. Database errors become {@link StoreException}.
 *
 * <p>Debts: a transition that carries debts ({@code Transition.debts()}) is applied in one transaction
 * with them: the compare-and-set, then, only if it was applied, each debt inserted into the debt table of
 * the same {@link TableNames} ({@code ON CONFLICT (record_id, leg_id) DO NOTHING}: a leg already recorded
 * is not an error and is not recorded again) with its ACCRUED history row. {@link #debtLedger()} is the
 * ledger over those tables. Transitions without debts keep their one-statement path.
 */
public final class JdbiCopyTradeStore implements CopyTradeStore {
    private static final int BATCH_ROWS = 2_000;
    private static final int BATCH_ATTEMPTS = 5;
    /** H2's lock timeout (HYT00) and its concurrent-update refusal (90131): the insert wrote nothing. */
    private static final Set<String> H2_LOCK_WAIT_ENDED = Set.of("HYT00", "90131");
    private static final int H2_PREWRITE_ATTEMPTS = 5;
    private static final String IN_FLIGHT = "('PENDING', 'SUBMITTED')";

    private final Jdbi jdbi;
    private final Dialect dialect;
    private final String table;
    private final String insertOne;
    private final DebtRows debtRows;
    private final JdbiDebtLedger debtLedger;
    private final String insertAll;
    private final String updateAll;

    private JdbiCopyTradeStore(Jdbi jdbi, Dialect dialect, TableNames names) {
        this.jdbi = jdbi;
        this.dialect = dialect;
        this.table = names.recordTable();
        this.debtRows = new DebtRows(dialect == Dialect.POSTGRESQL, names.debtTable(), names.debtEventTable());
        this.debtLedger = JdbiDebtLedger.over(jdbi, dialect, names);
        this.insertOne = "INSERT INTO " + table + " (" + String.join(", ", RecordRows.INSERT_COLUMNS) + ") VALUES "
                + RecordRows.valuesRow("", detailParam());
        this.insertAll = "INSERT INTO " + table + " (" + String.join(", ", RecordRows.INSERT_COLUMNS) + ") "
                + RecordRows.UNNEST_DRAFTS + " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, idempotency_key";
        this.updateAll = "UPDATE " + table + " t SET status = v.to_status, updated_at = "
                + RecordRows.fromEpochMicros("v.at") + ","
                + " version = t.version + 1, reason = COALESCE(v.reason, t.reason),"
                + " detail = t.detail || CAST(v.detail AS JSONB), venue_ref = COALESCE(v.venue_ref, t.venue_ref),"
                + " nonce = COALESCE(v.nonce, t.nonce), fill_shares = COALESCE(v.fill_shares, t.fill_shares),"
                + " fill_notional = COALESCE(v.fill_notional, t.fill_notional),"
                + " fill_ref = COALESCE(v.fill_ref, t.fill_ref), last_error = COALESCE(v.last_error, t.last_error),"
                + " lease_owner = CASE WHEN v.keep_lease THEN COALESCE(v.lease_owner, t.lease_owner) END,"
                + " lease_until = CASE WHEN v.keep_lease THEN COALESCE(" + RecordRows.fromEpochMicros("v.lease_until")
                + ", t.lease_until) END FROM unnest(CAST(:ids AS BIGINT[]), CAST(:froms AS VARCHAR[]),"
                + " CAST(:tos AS VARCHAR[]), CAST(:ats AS BIGINT[]), CAST(:reasons AS VARCHAR[]), CAST(:details AS VARCHAR[]),"
                + " CAST(:refs AS VARCHAR[]), CAST(:nonces AS BIGINT[]), CAST(:fillShares AS BIGINT[]),"
                + " CAST(:fillNotionals AS BIGINT[]), CAST(:fillRefs AS VARCHAR[]), CAST(:errors AS VARCHAR[]),"
                + " CAST(:keeps AS BOOLEAN[]), CAST(:leaseOwners AS VARCHAR[]), CAST(:leaseUntils AS BIGINT[]))"
                + " AS v(id, from_status, to_status, at, reason, detail, venue_ref, nonce, fill_shares, fill_notional,"
                + " fill_ref, last_error, keep_lease, lease_owner, lease_until)"
                + " WHERE t.id = v.id AND t.status = v.from_status";
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
        if (dialect != Dialect.POSTGRESQL) {
            return Retry.run(jdbi, "prewrite", H2_LOCK_WAIT_ENDED, H2_PREWRITE_ATTEMPTS, false, h -> prewriteH2(h, draft));
        }
        return call("prewrite", h -> {
            RecordDraft stored = RecordRows.asStored(draft);
            var insert = h.createQuery(insertOne + " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id");
            RecordRows.bindDraft(insert, stored, "");
            Optional<Long> id = insert.mapTo(Long.class).findOne();
            if (id.isPresent()) {
                return new PrewriteResult(stored.toRecord(id.get()), true);
            }
            return new PrewriteResult(existing(h, draft.key()), false);
        });
    }

    /**
     * H2 has no ON CONFLICT: insert, and read the key's record on a unique violation. An insert that met
     * another transaction's uncommitted row for the key waits at most H2's lock timeout and then fails
     * having written nothing ({@link #H2_LOCK_WAIT_ENDED}), so {@link #prewrite} tries it again.
     */
    private PrewriteResult prewriteH2(Handle h, RecordDraft draft) {
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

    /**
     * PostgreSQL: one {@code INSERT … SELECT … FROM unnest(…) ON CONFLICT DO NOTHING RETURNING id} per
     * {@value #BATCH_ROWS} distinct keys (one array parameter per column, so the statement stays short
     * whatever the batch size), then one read of the keys that conflicted, all in one transaction (one
     * commit). Rows go in sorted by key, so two batches sharing keys (two processes fanning out the same
     * trade) take their locks in the same order. A deadlock or serialization failure, which rolls the
     * whole transaction back, is retried.
     */
    @Override
    public List<PrewriteResult> prewriteAll(List<RecordDraft> drafts) {
        InvalidInputException.requireNonNull("drafts", drafts);
        if (dialect != Dialect.POSTGRESQL || drafts.size() <= 1) {
            return CopyTradeStore.super.prewriteAll(drafts);
        }
        // the first draft of each key inserts; a repeated key in the batch gets that record back
        TreeMap<String, RecordDraft> firsts = new TreeMap<>();
        for (int i = 0; i < drafts.size(); i++) {
            RecordDraft d = InvalidInputException.requireNonNull("drafts[" + i + "]", drafts.get(i));
            firsts.computeIfAbsent(d.key().value(), k -> RecordRows.asStored(d));
        }
        List<RecordDraft> unique = new ArrayList<>(firsts.values());
        return inBatchTransaction("batch prewrite", unique.size() > BATCH_ROWS, h -> {
            Map<String, CopyTradeRecord> created = new HashMap<>();
            for (int from = 0; from < unique.size(); from += BATCH_ROWS) {
                var insert = h.createQuery(insertAll);
                RecordRows.bindDraftArrays(insert, unique.subList(from, Math.min(unique.size(), from + BATCH_ROWS)));
                insert.map((rs, ctx) -> Map.entry(rs.getString("idempotency_key").trim(), rs.getLong("id")))
                        .forEach(e -> created.put(e.getKey(), firsts.get(e.getKey()).toRecord(e.getValue())));
            }
            List<String> missing = new ArrayList<>();
            for (String k : firsts.keySet()) {
                if (!created.containsKey(k)) {
                    missing.add(k);
                }
            }
            Map<String, CopyTradeRecord> found = new HashMap<>();
            if (!missing.isEmpty()) {
                h.createQuery("SELECT * FROM " + table + " WHERE idempotency_key = ANY(CAST(:keys AS BPCHAR[]))")
                        .bind("keys", RecordRows.array("varchar", missing.toArray()))
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
    }

    /** PostgreSQL: as {@link #transitionAll(List, List)} without the caller's copies (every row is returned whole). */
    @Override
    public List<TransitionResult> transitionAll(List<Transition> transitions) {
        InvalidInputException.requireNonNull("transitions", transitions);
        if (dialect != Dialect.POSTGRESQL || transitions.size() <= 1) {
            return CopyTradeStore.super.transitionAll(transitions);
        }
        return transitionAll(Arrays.asList(new CopyTradeRecord[transitions.size()]), transitions);
    }

    /**
     * PostgreSQL: one {@code UPDATE … FROM unnest(…) … WHERE t.id = v.id AND t.status = v.from_status
     * RETURNING} per wave, all waves in one transaction (one commit). A record named twice in a batch goes
     * into a later wave, so transitions of one record apply in input order, exactly as one at a time would.
     * When the caller's copy proves a row (as {@link #transition(CopyTradeRecord, Transition)} does), only
     * its id and version come back; rows it cannot prove, and the records of lost transitions, are read in
     * one query. A deadlock or serialization failure is retried (nothing of the transaction survived it).
     */
    @Override
    public List<TransitionResult> transitionAll(List<CopyTradeRecord> current, List<Transition> transitions) {
        StoreChecks.requireSameSize(current, transitions);
        if (dialect != Dialect.POSTGRESQL || transitions.size() <= 1) {
            return CopyTradeStore.super.transitionAll(current, transitions);
        }
        List<Transition> stored = new ArrayList<>(transitions.size());
        List<List<Integer>> waves = new ArrayList<>();
        Map<Long, Integer> waveOfId = new HashMap<>();
        for (int i = 0; i < transitions.size(); i++) {
            Transition t = InvalidInputException.requireNonNull("transitions[" + i + "]", transitions.get(i));
            stored.add(RecordRows.asStored(t));
            int wave = waveOfId.merge(t.id(), 0, (old, zero) -> old + 1);
            while (waves.size() <= wave) {
                waves.add(new ArrayList<>());
            }
            waves.get(wave).add(i);
        }
        boolean oneStatement = waves.size() == 1 && transitions.size() <= BATCH_ROWS
                && transitions.stream().allMatch(t -> t.debts().isEmpty());
        return inBatchTransaction("batch transition", !oneStatement, h -> {
            TransitionResult[] out = new TransitionResult[transitions.size()];
            for (List<Integer> wave : waves) {
                // ascending ids: batches touching the same rows lock them in one order
                wave.sort(Comparator.comparingLong(i -> transitions.get(i).id()));
                for (int from = 0; from < wave.size(); from += BATCH_ROWS) {
                    applyWave(h, current, transitions, stored, wave.subList(from, Math.min(wave.size(), from + BATCH_ROWS)),
                            out);
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
    }

    private void applyWave(Handle h, List<CopyTradeRecord> current, List<Transition> all, List<Transition> stored,
            List<Integer> wave, TransitionResult[] out) {
        boolean lean = true;
        for (int i : wave) {
            lean &= provable(current.get(i), all.get(i));
        }
        int n = wave.size();
        Long[] ids = new Long[n];
        String[] froms = new String[n];
        String[] tos = new String[n];
        Long[] ats = new Long[n];
        String[] reasons = new String[n];
        String[] details = new String[n];
        String[] refs = new String[n];
        Long[] nonces = new Long[n];
        Long[] fillShares = new Long[n];
        Long[] fillNotionals = new Long[n];
        String[] fillRefs = new String[n];
        String[] errors = new String[n];
        Boolean[] keeps = new Boolean[n];
        String[] leaseOwners = new String[n];
        Long[] leaseUntils = new Long[n];
        for (int k = 0; k < n; k++) {
            Transition t = stored.get(wave.get(k));
            boolean keep = t.to().isInFlight();
            ids[k] = t.id();
            froms[k] = t.from().name();
            tos[k] = t.to().name();
            ats[k] = RecordRows.epochMicros(t.at());
            reasons[k] = t.reason() == null ? null : t.reason().name();
            details[k] = FlatJson.write(t.detail());
            refs[k] = t.venueRef();
            nonces[k] = t.nonce();
            fillShares[k] = t.fill() == null ? null : t.fill().shares().micros();
            fillNotionals[k] = t.fill() == null ? null : t.fill().notional().micros();
            fillRefs[k] = t.fill() == null ? null : t.fill().venueRef();
            errors[k] = t.lastError();
            keeps[k] = keep;
            leaseOwners[k] = keep ? t.leaseOwner() : null;
            leaseUntils[k] = keep ? RecordRows.epochMicros(t.leaseUntil()) : null;
        }
        var update = h.createQuery(updateAll + (lean ? " RETURNING t.id, t.version" : " RETURNING t.*"))
                .bind("ids", RecordRows.array("int8", ids)).bind("froms", RecordRows.array("varchar", froms))
                .bind("tos", RecordRows.array("varchar", tos)).bind("ats", RecordRows.array("int8", ats))
                .bind("reasons", RecordRows.array("varchar", reasons))
                .bind("details", RecordRows.array("varchar", details)).bind("refs", RecordRows.array("varchar", refs))
                .bind("nonces", RecordRows.array("int8", nonces))
                .bind("fillShares", RecordRows.array("int8", fillShares))
                .bind("fillNotionals", RecordRows.array("int8", fillNotionals))
                .bind("fillRefs", RecordRows.array("varchar", fillRefs))
                .bind("errors", RecordRows.array("varchar", errors)).bind("keeps", RecordRows.array("bool", keeps))
                .bind("leaseOwners", RecordRows.array("varchar", leaseOwners))
                .bind("leaseUntils", RecordRows.array("int8", leaseUntils));
        Map<Long, CopyTradeRecord> won = new HashMap<>();
        Set<Long> applied = new HashSet<>();
        if (lean) {
            Map<Long, Integer> versions = new HashMap<>();
            update.map((rs, ctx) -> Map.entry(rs.getLong("id"), rs.getInt("version")))
                    .forEach(e -> versions.put(e.getKey(), e.getValue()));
            applied.addAll(versions.keySet());
            for (int i : wave) {
                CopyTradeRecord before = current.get(i);
                Integer version = versions.get(before.id());
                if (version != null && version == before.version() + 1) {
                    won.put(before.id(), before.apply(stored.get(i)));
                }
            }
        } else {
            update.map(RecordRows.MAPPER).forEach(r -> won.put(r.id(), r));
            applied.addAll(won.keySet());
        }
        List<Long> unread = new ArrayList<>();
        for (int i : wave) {
            if (!won.containsKey(all.get(i).id())) {
                unread.add(all.get(i).id());
            }
        }
        Map<Long, CopyTradeRecord> read = new HashMap<>();
        if (!unread.isEmpty()) {
            h.createQuery("SELECT * FROM " + table + " WHERE id = ANY(CAST(:ids AS BIGINT[]))")
                    .bind("ids", RecordRows.array("int8", unread.toArray())).map(RecordRows.MAPPER)
                    .forEach(r -> read.put(r.id(), r));
        }
        for (int i : wave) {
            Transition t = all.get(i);
            CopyTradeRecord proven = won.get(t.id());
            out[i] = new TransitionResult(t, applied.contains(t.id()), proven != null ? proven : read.get(t.id()));
        }
    }

    /**
     * Whether the row after {@code t} can be known from the caller's copy (given the version moved by
     * one): the copy is of this record in {@code t.from()}, and an in-flight target names both lease
     * fields (otherwise it keeps lease fields a claim may have changed since the copy was taken).
     */
    private static boolean provable(CopyTradeRecord current, Transition t) {
        return current != null && current.id() == t.id() && current.status() == t.from()
                && (!t.to().isInFlight() || (t.leaseOwner() != null && t.leaseUntil() != null));
    }

    /**
     * Runs a batch: in one transaction when it takes several writing statements, otherwise as its one
     * statement, atomic on its own, in auto-commit (no BEGIN and COMMIT round trips: under load they cost
     * a group write more than its statement). A deadlock or serialization failure, after which none of
     * it survived, is retried.
     */
    private <T> T inBatchTransaction(String what, boolean severalWrites, HandleCallback<T, RuntimeException> work) {
        return Retry.run(jdbi, what, Retry.POSTGRES_TRANSIENT, BATCH_ATTEMPTS, severalWrites, work);
    }

    /**
     * PostgreSQL: {@code UPDATE … RETURNING version}; when the version moved from the caller's copy by
     * exactly one, nobody else wrote the row in between, so the row is {@code current.apply(t)} and is
     * not read back (the hot path of every finalize). Otherwise, or on H2, as {@link #transition(Transition)}.
     */
    @Override
    public TransitionResult transition(CopyTradeRecord current, Transition t) {
        InvalidInputException.requireNonNull("transition", t);
        if (dialect != Dialect.POSTGRESQL || !t.debts().isEmpty() || !provable(current, t)) {
            // debts are written by the transactional path
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
        // H2: one transaction that locks the candidates, skipping rows another transaction holds (H2 2.2.220+
        // honours SKIP LOCKED; without it one held row made the whole claim wait out the lock timeout and fail)
        return inTransaction("claimStale", h -> {
            List<Long> candidates = h.createQuery("SELECT id FROM " + table + " WHERE status IN " + IN_FLIGHT
                            + " AND lease_until <= :now ORDER BY lease_until, id LIMIT :limit FOR UPDATE SKIP LOCKED")
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
