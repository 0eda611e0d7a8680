package dev.copytrade.jdbi.internal;

import dev.copytrade.core.debt.AccrueResult;
import dev.copytrade.core.debt.Debt;
import dev.copytrade.core.debt.DebtAction;
import dev.copytrade.core.debt.DebtDraft;
import dev.copytrade.core.debt.DebtEvent;
import dev.copytrade.core.debt.DebtStatus;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.store.StoreException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Maps debts and their history to and from rows, and accrues drafts inside a caller's transaction: the
 * one place that knows the debt tables' layout, shared by the debt ledger and by the record store (which
 * accrues a transition's debts in the transaction of its compare-and-set).
 */
public final class DebtRows {
    public static final RowMapper<Debt> MAPPER = DebtRows::map;
    public static final RowMapper<DebtEvent> EVENT_MAPPER = DebtRows::mapEvent;

    private static final int BATCH_ROWS = 500;
    private static final String[] INSERT_COLUMNS = {"record_id", "leg_id", "debtor", "creditor", "asset", "amount",
        "reason", "status", "attempts", "next_attempt_at", "created_at", "updated_at", "version"};
    /** Orders accruals by their unique key, so two transactions inserting overlapping legs never wait in a cycle. */
    private static final Comparator<DebtDraft> KEY_ORDER = Comparator.comparingLong(DebtDraft::recordId)
            .thenComparing(DebtDraft::legId);

    private final boolean postgres;
    private final String debts;
    private final String events;

    /**
     * @param postgres true for PostgreSQL ({@code ON CONFLICT}, {@code RETURNING}); false for H2
     * @param debtTable the qualified debt table
     * @param eventTable the qualified history table
     */
    public DebtRows(boolean postgres, String debtTable, String eventTable) {
        this.postgres = postgres;
        this.debts = debtTable;
        this.events = eventTable;
    }

    /** The draft as the database will hold it (instants at microseconds), so the debt built from it is the row. */
    public static DebtDraft asStored(DebtDraft d) {
        if (d.createdAt().getNano() % 1000 == 0) {
            return d;
        }
        return new DebtDraft(d.recordId(), d.legId(), d.debtor(), d.creditor(), d.asset(), d.amount(), d.reason(),
                RecordRows.micros(d.createdAt()));
    }

    /**
     * Records each draft as an OPEN debt with its ACCRUED history entry unless its (record id, leg id) is
     * recorded: {@code DebtLedger.accrue} semantics, results in input order, a repeated pair inserting
     * once. Runs in {@code h}'s transaction and commits nothing itself. PostgreSQL: one multi-row
     * {@code INSERT … ON CONFLICT DO NOTHING RETURNING} per 500 drafts (in key order), one batch of
     * history rows, one read per conflict. H2: insert per draft, a unique violation read back (a failed
     * statement does not abort an H2 transaction).
     */
    public List<AccrueResult> accrue(Handle h, List<DebtDraft> drafts) {
        Map<String, DebtDraft> unique = new LinkedHashMap<>();
        for (DebtDraft d : drafts) {
            unique.putIfAbsent(legKey(d.recordId(), d.legId()), asStored(d));
        }
        List<DebtDraft> ordered = new ArrayList<>(unique.values());
        ordered.sort(KEY_ORDER);
        Map<String, Debt> inserted = postgres ? insertPostgres(h, ordered) : insertH2(h, ordered);
        if (!inserted.isEmpty()) {
            appendAccrued(h, ordered, inserted);
        }
        Map<String, Boolean> firstSeen = new HashMap<>();
        List<AccrueResult> out = new ArrayList<>(drafts.size());
        for (DebtDraft d : drafts) {
            String k = legKey(d.recordId(), d.legId());
            Debt mine = inserted.get(k);
            if (mine != null && firstSeen.putIfAbsent(k, Boolean.TRUE) == null) {
                out.add(new AccrueResult(mine, true));
            } else {
                Debt existing = mine != null ? mine : selectByLeg(h, d.recordId(), d.legId()).orElseThrow(() ->
                        racingInsert(d));
                out.add(new AccrueResult(existing, false));
            }
        }
        return out;
    }

    private Map<String, Debt> insertPostgres(Handle h, List<DebtDraft> ordered) {
        Map<String, Debt> inserted = new HashMap<>();
        for (int from = 0; from < ordered.size(); from += BATCH_ROWS) {
            List<DebtDraft> chunk = ordered.subList(from, Math.min(ordered.size(), from + BATCH_ROWS));
            StringBuilder sql = new StringBuilder("INSERT INTO ").append(debts).append(" (")
                    .append(String.join(", ", INSERT_COLUMNS)).append(") VALUES ");
            for (int i = 0; i < chunk.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append(valuesRow("_" + i));
            }
            sql.append(" ON CONFLICT (record_id, leg_id) DO NOTHING RETURNING id, record_id, leg_id");
            var insert = h.createQuery(sql.toString());
            Map<String, DebtDraft> byKey = new HashMap<>();
            for (int i = 0; i < chunk.size(); i++) {
                DebtDraft d = chunk.get(i);
                byKey.put(legKey(d.recordId(), d.legId()), d);
                bindDraft(insert, d, "_" + i);
            }
            insert.map((rs, ctx) -> Map.entry(legKey(rs.getLong("record_id"), rs.getString("leg_id")), rs.getLong("id")))
                    .forEach(e -> inserted.put(e.getKey(), byKey.get(e.getKey()).toDebt(e.getValue())));
        }
        return inserted;
    }

    private Map<String, Debt> insertH2(Handle h, List<DebtDraft> ordered) {
        Map<String, Debt> inserted = new HashMap<>();
        String sql = "INSERT INTO " + debts + " (" + String.join(", ", INSERT_COLUMNS) + ") VALUES " + valuesRow("");
        for (DebtDraft d : ordered) {
            try {
                var insert = h.createUpdate(sql);
                bindDraft(insert, d, "");
                long id = insert.executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
                inserted.put(legKey(d.recordId(), d.legId()), d.toDebt(id));
            } catch (JdbiException e) {
                if (!"23505".equals(Retry.sqlState(e))) {
                    throw e;
                }
            }
        }
        return inserted;
    }

    private void appendAccrued(Handle h, List<DebtDraft> ordered, Map<String, Debt> inserted) {
        PreparedBatch batch = h.prepareBatch(insertEventSql());
        for (DebtDraft d : ordered) {
            Debt debt = inserted.get(legKey(d.recordId(), d.legId()));
            if (debt != null) {
                bindEvent(batch, DebtEvent.accrued(debt));
                batch.add();
            }
        }
        batch.execute();
    }

    /** The history insert, named parameters as {@link #bindEvent} binds them. */
    public String insertEventSql() {
        return "INSERT INTO " + events + " (debt_id, version, at, action, from_status, to_status, attempts,"
                + " next_attempt_at, actor, note, repayment_key, repayment_ref) VALUES (:debtId, :version, :at,"
                + " :action, :fromStatus, :toStatus, :attempts, :nextAttemptAt, :actor, :note, :repaymentKey,"
                + " :repaymentRef)";
    }

    public static void bindEvent(org.jdbi.v3.core.statement.SqlStatement<?> stmt, DebtEvent e) {
        stmt.bind("debtId", e.debtId()).bind("version", e.version()).bind("at", RecordRows.timestamp(e.at()))
                .bind("action", e.action().name())
                .bind("fromStatus", RecordRows.nullableString(e.from() == null ? null : e.from().name()))
                .bind("toStatus", e.to().name()).bind("attempts", e.attempts())
                .bind("nextAttemptAt", RecordRows.timestamp(e.nextAttemptAt()))
                .bind("actor", RecordRows.nullableString(e.actor())).bind("note", RecordRows.nullableString(e.note()))
                .bind("repaymentKey", RecordRows.nullableString(e.repaymentKey()))
                .bind("repaymentRef", RecordRows.nullableString(e.repaymentRef()));
    }

    public Optional<Debt> selectByLeg(Handle h, long recordId, String legId) {
        return h.createQuery("SELECT * FROM " + debts + " WHERE record_id = :record AND leg_id = :leg")
                .bind("record", recordId).bind("leg", legId).map(MAPPER).findOne();
    }

    public Optional<Debt> selectById(Handle h, long id) {
        return h.createQuery("SELECT * FROM " + debts + " WHERE id = :id").bind("id", id).map(MAPPER).findOne();
    }

    /**
     * A leg reported taken that cannot be read: another transaction is inserting it. Both dialects wait for
     * such an insert to commit before reporting the conflict, so this is a guard; its SQLState marks the
     * transaction as worth retrying whole.
     */
    private static StoreException racingInsert(DebtDraft d) {
        return new StoreException("debt for record " + d.recordId() + " leg " + d.legId()
                + " is being inserted by another transaction", new SQLException("racing insert", "40001"));
    }

    private static String legKey(long recordId, String legId) {
        return recordId + "/" + legId;
    }

    private static String valuesRow(String suffix) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < INSERT_COLUMNS.length; i++) {
            sb.append(i == 0 ? ":" : ", :").append(INSERT_COLUMNS[i]).append(suffix);
        }
        return sb.append(')').toString();
    }

    private static void bindDraft(org.jdbi.v3.core.statement.SqlStatement<?> stmt, DebtDraft d, String n) {
        stmt.bind("record_id" + n, d.recordId()).bind("leg_id" + n, d.legId())
                .bind("debtor" + n, d.debtor().value()).bind("creditor" + n, d.creditor().value())
                .bind("asset" + n, d.asset()).bind("amount" + n, d.amount()).bind("reason" + n, d.reason())
                .bind("status" + n, DebtStatus.OPEN.name()).bind("attempts" + n, 0)
                .bind("next_attempt_at" + n, RecordRows.timestamp(d.createdAt()))
                .bind("created_at" + n, RecordRows.timestamp(d.createdAt()))
                .bind("updated_at" + n, RecordRows.timestamp(d.createdAt())).bind("version" + n, 0L);
    }

    private static Instant instant(ResultSet rs, String col) throws SQLException {
        OffsetDateTime odt = rs.getObject(col, OffsetDateTime.class);
        return odt == null ? null : odt.toInstant();
    }

    private static Debt map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Debt(rs.getLong("id"), rs.getLong("record_id"), rs.getString("leg_id"),
                new Address(rs.getString("debtor")), new Address(rs.getString("creditor")), rs.getString("asset"),
                rs.getLong("amount"), rs.getString("reason"), DebtStatus.valueOf(rs.getString("status")),
                rs.getInt("attempts"), instant(rs, "next_attempt_at"), rs.getString("last_error"),
                rs.getString("repayment_key"), rs.getString("repayment_ref"), rs.getString("lease_owner"),
                instant(rs, "lease_until"), instant(rs, "created_at"), instant(rs, "updated_at"), rs.getLong("version"));
    }

    private static DebtEvent mapEvent(ResultSet rs, StatementContext ctx) throws SQLException {
        String from = rs.getString("from_status");
        return new DebtEvent(rs.getLong("debt_id"), rs.getLong("version"), instant(rs, "at"),
                DebtAction.valueOf(rs.getString("action")), from == null ? null : DebtStatus.valueOf(from),
                DebtStatus.valueOf(rs.getString("to_status")), rs.getInt("attempts"), instant(rs, "next_attempt_at"),
                rs.getString("actor"), rs.getString("note"), rs.getString("repayment_key"),
                rs.getString("repayment_ref"));
    }
}
