package dev.copytrade.jdbi;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.debt.DebtRecoveryLoop;
import dev.copytrade.core.debt.DebtSettler;
import dev.copytrade.core.debt.RepayResult;
import dev.copytrade.core.debt.Repayment;
import dev.copytrade.core.debt.RepaymentLookup;
import java.util.concurrent.CountDownLatch;

/**
 * The child process of {@link RepaymentCrashTest}: one recovery loop run whose settler applies the
 * repayment to the durable {@link TableSettler}, says so on stdout, and then hangs until the parent
 * kills this JVM with SIGKILL, so the REPAID update is never written. Args: JDBC URL, table prefix.
 */
final class RepayThenDie {
    static final String APPLIED = "APPLIED ";
    static final String INSTANCE = "doomed-loop";

    private RepayThenDie() {}

    public static void main(String[] args) throws InterruptedException {
        TableNames names = new TableNames(null, args[1]);
        HikariDataSource pool = CopyTradeDataSources.pool(args[0], "postgres", null, 2);
        TableSettler durable = new TableSettler(pool, names);
        CountDownLatch never = new CountDownLatch(1);
        DebtSettler applyThenHang = new DebtSettler() {
            @Override
            public RepayResult repay(Repayment repayment) {
                durable.repay(repayment);
                System.out.println(APPLIED + repayment.idempotencyKey());
                System.out.flush();
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("unreachable: the parent kills this process");
            }

            @Override
            public RepaymentLookup lookup(String idempotencyKey) {
                return durable.lookup(idempotencyKey);
            }
        };
        JdbiDebtLedger ledger = JdbiDebtLedger.builder(pool).tableNames(names).build();
        DebtRecoveryLoop.builder(ledger, applyThenHang).instanceId(INSTANCE).build().runOnce();
        System.out.println("FINISHED without being killed");
    }
}
