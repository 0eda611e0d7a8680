package dev.copytrade.jdbi;

import dev.copytrade.core.debt.DebtSettler;
import dev.copytrade.core.debt.RepayResult;
import dev.copytrade.core.debt.Repayment;
import dev.copytrade.core.debt.RepaymentLookup;
import java.util.Optional;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * A settler whose ground truth is a PostgreSQL table, so it survives the process that paid: "the chain"
 * for crash tests in which a recovery loop is killed right after a repayment was applied. Idempotent by
 * key (the table's primary key), like a real settler must be.
 */
final class TableSettler implements DebtSettler {
    private final Jdbi jdbi;
    private final String table;

    TableSettler(DataSource dataSource, TableNames names) {
        this.jdbi = Jdbi.create(dataSource);
        this.table = names.prefix() + "settled";
        jdbi.useHandle(h -> h.execute("CREATE TABLE IF NOT EXISTS " + table + " (idempotency_key VARCHAR(200)"
                + " PRIMARY KEY, debtor VARCHAR(42) NOT NULL, amount BIGINT NOT NULL, debt_ids VARCHAR(2000) NOT NULL,"
                + " reference VARCHAR(200) NOT NULL)"));
    }

    @Override
    public RepayResult repay(Repayment r) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO " + table + " (idempotency_key, debtor, amount, debt_ids,"
                        + " reference) VALUES (:key, :debtor, :amount, :ids, :ref) ON CONFLICT (idempotency_key) DO NOTHING")
                .bind("key", r.idempotencyKey()).bind("debtor", r.debtor().value()).bind("amount", r.amount())
                .bind("ids", r.debtIds().toString()).bind("ref", "tx-" + r.idempotencyKey()).execute());
        return new RepayResult.Repaid(reference(r.idempotencyKey()).orElseThrow());
    }

    @Override
    public RepaymentLookup lookup(String idempotencyKey) {
        return reference(idempotencyKey).<RepaymentLookup>map(RepaymentLookup.Repaid::new)
                .orElseGet(RepaymentLookup.NotFound::new);
    }

    private Optional<String> reference(String key) {
        return jdbi.withHandle(h -> h.createQuery("SELECT reference FROM " + table + " WHERE idempotency_key = :key")
                .bind("key", key).mapTo(String.class).findOne());
    }

    /** How many repayments the table holds for {@code debtId} (as one debt or in a batch). */
    long paymentsOf(long debtId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE debt_ids = :one")
                .bind("one", "[" + debtId + "]").mapTo(Long.class).one());
    }

    long rows() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Long.class).one());
    }
}
