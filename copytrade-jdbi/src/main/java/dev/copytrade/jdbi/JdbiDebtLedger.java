package dev.copytrade.jdbi;

import dev.copytrade.core.debt.AccrueResult;
import dev.copytrade.core.debt.Debt;
import dev.copytrade.core.debt.DebtDraft;
import dev.copytrade.core.debt.DebtEvent;
import dev.copytrade.core.debt.DebtLedger;
import dev.copytrade.core.debt.DebtStatus;
import dev.copytrade.core.debt.DebtTransition;
import dev.copytrade.core.debt.DebtTransitionResult;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.store.StoreException;
import dev.copytrade.jdbi.internal.DebtRows;
import dev.copytrade.jdbi.internal.RecordRows;
import dev.copytrade.jdbi.internal.Retry;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * {@link DebtLedger} on JDBI 3, correct across processes sharing the database: PostgreSQL (the target) or
 * H2 (a light extra dialect). Semantics as {@code DebtLedger} states them; every method commits before it
 * returns. Tables from {@code V4__copytrade_debts.sql}: one row per debt, unique per (record id, leg id),
 * and an append-only history row per change of state.
 *
 * <p>PostgreSQL: an accrual is a multi-row {@code INSERT … ON CONFLICT (record_id, leg_id) DO NOTHING
 * RETURNING} plus its history rows, in one transaction; a transition is one statement, a data-modifying
 * CTE that updates the row under compare-and-set on its version and appends the history row from what the
 * update returned (both or neither, one commit); the claim is one {@code UPDATE … FROM (SELECT … FOR UPDATE
 * SKIP LOCKED)} over a partial index of OPEN and REPAYING rows by due time, so several recovery loops in
 * several processes never receive the same debt, never wait on each other, and their cost follows the due
 * debts, not the history. H2 does the same in short transactions (it has no data-modifying CTEs): its claim
 * selects the due rows {@code FOR UPDATE SKIP LOCKED} (H2 2.2.220+), then updates them one by one.
 *
 * <p>A {@link JdbiCopyTradeStore} over the same tables writes a transition's debts in the transaction of
 * its compare-and-set; this ledger then repays them. Instants are kept to the microsecond. A transaction
 * that loses a deadlock or a serialization check is retried whole. Database errors become
 * {@link StoreException}.
 */
public final class JdbiDebtLedger implements DebtLedger {
    private static final int ATTEMPTS = 20;
    private static final String CLAIMABLE = "('OPEN', 'REPAYING')";
    private static final String OUTSTANDING = "('OPEN', 'REPAYING', 'ESCALATED')";

    private final Jdbi jdbi;
    private final Dialect dialect;
    private final String debts;
    private final String events;
    private final DebtRows rows;

    private JdbiDebtLedger(Jdbi jdbi, Dialect dialect, TableNames names) {
        this.jdbi = jdbi;
        this.dialect = dialect;
        this.debts = names.debtTable();
        this.events = names.debtEventTable();
        this.rows = new DebtRows(dialect == Dialect.POSTGRESQL, debts, events);
    }

    /** A ledger over {@code dataSource}; the dialect is detected unless set. */
    public static Builder builder(DataSource dataSource) {
        InvalidInputException.requireNonNull("dataSource", dataSource);
        return new Builder(dataSource);
    }

    /** The ledger over the tables a store built with the same names writes its debts to. */
    static JdbiDebtLedger over(Jdbi jdbi, Dialect dialect, TableNames names) {
        return new JdbiDebtLedger(jdbi, dialect, names);
    }

    public Dialect dialect() {
        return dialect;
    }

    // ---- accrue -----------------------------------------------------------------------------------

    @Override
    public AccrueResult accrue(DebtDraft draft) {
        InvalidInputException.requireNonNull("draft", draft);
        return accrueAll(List.of(draft)).get(0);
    }

    /** All drafts in one transaction: none of them is recorded unless all are. */
    @Override
    public List<AccrueResult> accrueAll(List<DebtDraft> drafts) {
        InvalidInputException.requireNonNull("drafts", drafts);
        for (int i = 0; i < drafts.size(); i++) {
            InvalidInputException.requireNonNull("drafts[" + i + "]", drafts.get(i));
        }
        if (drafts.isEmpty()) {
            return List.of();
        }
        return inTransaction("accrue", h -> rows.accrue(h, drafts));
    }

    // ---- claim ------------------------------------------------------------------------------------

    @Override
    public List<Debt> claimDue(Instant now, int limit, String owner, Instant leaseUntil) {
        InvalidInputException.requireNonNull("now", now);
        InvalidInputException.requireNonNull("owner", owner);
        InvalidInputException.requireNonNull("leaseUntil", leaseUntil);
        if (limit <= 0) {
            return List.of();
        }
        String due = "status IN " + CLAIMABLE + " AND next_attempt_at <= :now"
                + " AND (lease_until IS NULL OR lease_until <= :now)";
        if (dialect == Dialect.POSTGRESQL) {
            List<Debt> claimed = new ArrayList<>(call("claimDue", h -> h.createQuery("WITH due AS (SELECT id FROM "
                            + debts + " WHERE " + due + " ORDER BY next_attempt_at, id LIMIT :limit"
                            + " FOR UPDATE SKIP LOCKED) UPDATE " + debts + " t SET lease_owner = :owner,"
                            + " lease_until = :until, version = t.version + 1 FROM due WHERE t.id = due.id RETURNING t.*")
                    .bind("now", RecordRows.timestamp(now)).bind("limit", limit).bind("owner", owner)
                    .bind("until", RecordRows.timestamp(leaseUntil)).map(DebtRows.MAPPER).list()));
            // RETURNING has no order; the due time is unchanged by the claim, so it sorts the result
            claimed.sort(Comparator.comparing(Debt::nextAttemptAt).thenComparingLong(Debt::id));
            return claimed;
        }
        // H2: one transaction that locks the candidates, skipping rows another transaction holds, as PostgreSQL
        return inTransaction("claimDue", h -> {
            List<Long> candidates = h.createQuery("SELECT id FROM " + debts + " WHERE " + due
                            + " ORDER BY next_attempt_at, id LIMIT :limit FOR UPDATE SKIP LOCKED")
                    .bind("now", RecordRows.timestamp(now)).bind("limit", limit).mapTo(Long.class).list();
            List<Debt> claimed = new ArrayList<>(candidates.size());
            for (long id : candidates) {
                // locked as selected; the condition stays so the update remains a compare-and-set
                int won = h.createUpdate("UPDATE " + debts + " SET lease_owner = :owner, lease_until = :until,"
                                + " version = version + 1 WHERE id = :id AND " + due)
                        .bind("owner", owner).bind("until", RecordRows.timestamp(leaseUntil)).bind("id", id)
                        .bind("now", RecordRows.timestamp(now)).execute();
                if (won == 1) {
                    rows.selectById(h, id).ifPresent(claimed::add);
                }
            }
            return claimed;
        });
    }

    // ---- transition -------------------------------------------------------------------------------

    @Override
    public DebtTransitionResult transition(DebtTransition t) {
        InvalidInputException.requireNonNull("transition", t);
        if (dialect == Dialect.POSTGRESQL) {
            return call("debt transition", h -> {
                // one statement: the history row is inserted from the updated row, so both commit or neither
                var update = h.createQuery("WITH u AS (" + updateSql() + " RETURNING *), e AS (INSERT INTO " + events
                        + " (debt_id, version, at, action, from_status, to_status, attempts, next_attempt_at, actor,"
                        + " note, repayment_key, repayment_ref) SELECT id, version, updated_at, CAST(:action AS VARCHAR),"
                        + " CAST(:from AS VARCHAR), status, attempts, next_attempt_at, CAST(:actor AS VARCHAR),"
                        + " CAST(:note AS VARCHAR), repayment_key, repayment_ref FROM u) SELECT * FROM u");
                bindTransition(update, t);
                Optional<Debt> won = update.map(DebtRows.MAPPER).findOne();
                if (won.isPresent()) {
                    return new DebtTransitionResult(t, true, won.get());
                }
                return new DebtTransitionResult(t, false, rows.selectById(h, t.id()).orElse(null));
            });
        }
        return inTransaction("debt transition", h -> {
            var update = h.createUpdate(updateSql());
            bindTransition(update, t);
            if (update.execute() != 1) {
                return new DebtTransitionResult(t, false, rows.selectById(h, t.id()).orElse(null));
            }
            Debt after = rows.selectById(h, t.id()).orElseThrow();
            var event = h.createUpdate(rows.insertEventSql());
            DebtRows.bindEvent(event, DebtEvent.of(t, after));
            event.execute();
            return new DebtTransitionResult(t, true, after);
        });
    }

    private String updateSql() {
        return "UPDATE " + debts + " SET status = :to, attempts = :attempts, next_attempt_at = :next,"
                + " last_error = :lastError, repayment_key = :repaymentKey, repayment_ref = :repaymentRef,"
                + " lease_owner = :leaseOwner, lease_until = :leaseUntil, updated_at = :at, version = version + 1"
                + " WHERE id = :id AND version = :fromVersion AND status = :from";
    }

    private static void bindTransition(SqlStatement<?> stmt, DebtTransition t) {
        stmt.bind("id", t.id()).bind("fromVersion", t.fromVersion()).bind("from", t.from().name())
                .bind("to", t.to().name()).bind("attempts", t.attempts())
                .bind("next", RecordRows.timestamp(t.nextAttemptAt()))
                .bind("lastError", RecordRows.nullableString(t.lastError()))
                .bind("repaymentKey", RecordRows.nullableString(t.repaymentKey()))
                .bind("repaymentRef", RecordRows.nullableString(t.repaymentRef()))
                .bind("leaseOwner", RecordRows.nullableString(t.leaseOwner()))
                .bind("leaseUntil", RecordRows.timestamp(t.leaseUntil())).bind("at", RecordRows.timestamp(t.at()))
                .bind("action", t.action().name()).bind("actor", RecordRows.nullableString(t.actor()))
                .bind("note", RecordRows.nullableString(t.note()));
    }

    // ---- read -------------------------------------------------------------------------------------

    @Override
    public Optional<Debt> findById(long id) {
        return call("findById", h -> rows.selectById(h, id));
    }

    @Override
    public Optional<Debt> findByLeg(long recordId, String legId) {
        InvalidInputException.requireNonNull("legId", legId);
        return call("findByLeg", h -> rows.selectByLeg(h, recordId, legId));
    }

    @Override
    public List<Debt> findByRecord(long recordId) {
        return call("findByRecord", h -> h.createQuery("SELECT * FROM " + debts + " WHERE record_id = :record"
                + " ORDER BY id").bind("record", recordId).map(DebtRows.MAPPER).list());
    }

    @Override
    public List<Debt> findByStatus(DebtStatus status, long afterId, int limit) {
        InvalidInputException.requireNonNull("status", status);
        if (limit <= 0) {
            return List.of();
        }
        return call("findByStatus", h -> h.createQuery("SELECT * FROM " + debts
                        + " WHERE status = :status AND id > :after ORDER BY id LIMIT :limit")
                .bind("status", status.name()).bind("after", afterId).bind("limit", limit)
                .map(DebtRows.MAPPER).list());
    }

    @Override
    public List<DebtEvent> history(long debtId) {
        return call("history", h -> h.createQuery("SELECT * FROM " + events + " WHERE debt_id = :id ORDER BY version")
                .bind("id", debtId).map(DebtRows.EVENT_MAPPER).list());
    }

    @Override
    public long openAmountOwedBy(Address debtor, String asset) {
        InvalidInputException.requireNonNull("debtor", debtor);
        String a = Debt.normalizeAsset(asset);
        // SUM of BIGINT is NUMERIC in both dialects: an overflow surfaces here, not as a wrapped negative
        BigDecimal sum = call("openAmountOwedBy", h -> h.createQuery("SELECT COALESCE(SUM(amount), 0) FROM " + debts
                        + " WHERE debtor = :debtor AND asset = :asset AND status IN " + OUTSTANDING)
                .bind("debtor", debtor.value()).bind("asset", a).mapTo(BigDecimal.class).one());
        return sum.longValueExact();
    }

    @Override
    public Map<DebtStatus, Long> countByStatus() {
        return call("countByStatus", h -> {
            Map<DebtStatus, Long> counts = new EnumMap<>(DebtStatus.class);
            for (DebtStatus s : DebtStatus.values()) {
                counts.put(s, 0L);
            }
            h.createQuery("SELECT status, COUNT(*) AS n FROM " + debts + " GROUP BY status")
                    .map((rs, ctx) -> Map.entry(DebtStatus.valueOf(rs.getString("status")), rs.getLong("n")))
                    .forEach(e -> counts.put(e.getKey(), e.getValue()));
            return counts;
        });
    }

    /**
     * What is still owed, per status (OPEN, REPAYING, ESCALATED) and asset: how many debts, their sum in
     * base units and the oldest one's accrual time. One aggregate query over the debtor index; for operator
     * reports ({@code verify}) and dashboards.
     */
    public List<Outstanding> outstanding() {
        return call("outstanding", h -> h.createQuery("SELECT status, asset, COUNT(*) AS n, SUM(amount) AS total,"
                        + " MIN(created_at) AS oldest FROM " + debts + " WHERE status IN " + OUTSTANDING
                        + " GROUP BY status, asset ORDER BY status, asset")
                .map((rs, ctx) -> new Outstanding(DebtStatus.valueOf(rs.getString("status")), rs.getString("asset"),
                        rs.getLong("n"), rs.getBigDecimal("total").toBigIntegerExact(),
                        rs.getObject("oldest", OffsetDateTime.class).toInstant()))
                .list());
    }

    /**
     * One line of {@link #outstanding()}.
     *
     * @param status OPEN, REPAYING or ESCALATED
     * @param asset the asset owed
     * @param count how many debts
     * @param amount their sum in base units (a {@code BigInteger}: a report never overflows)
     * @param oldest when the oldest of them was accrued
     */
    public record Outstanding(DebtStatus status, String asset, long count, java.math.BigInteger amount,
            Instant oldest) {}

    // ---- plumbing ---------------------------------------------------------------------------------

    private <T> T call(String what, HandleCallback<T, RuntimeException> work) {
        try {
            return jdbi.withHandle(work);
        } catch (JdbiException e) {
            throw new StoreException(what + " failed: " + JdbiBuilder.rootMessage(e), e);
        }
    }

    private <T> T inTransaction(String what, HandleCallback<T, RuntimeException> work) {
        return Retry.inTransaction(jdbi, what, Retry.POSTGRES_TRANSIENT, ATTEMPTS, work);
    }

    /** Defaults: dialect detected from the database, tables {@link TableNames#defaults()}, no migration. */
    public static final class Builder extends JdbiBuilder<Builder, JdbiDebtLedger> {
        private Builder(DataSource dataSource) {
            super(dataSource);
        }

        @Override
        Builder self() {
            return this;
        }

        @Override
        JdbiDebtLedger create(Jdbi jdbi, Dialect dialect, TableNames names) {
            return new JdbiDebtLedger(jdbi, dialect, names);
        }
    }
}
