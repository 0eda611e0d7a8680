package dev.copytrade.examples.debt;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.debt.Debt;
import dev.copytrade.core.debt.DebtStatus;
import dev.copytrade.core.sim.SimulatedDebtSettler;
import dev.copytrade.jdbi.CopyTradeDataSources;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FloatAndReimburseTest {

    @Test
    @DisplayName("Scenario: The float-and-reimburse example records debts and repays each exactly once")
    void debtsAreRecordedThenRepaidOnce() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        FloatAndReimburse.Summary s;
        try (HikariDataSource ds = CopyTradeDataSources.pool("jdbc:h2:mem:float-test;DB_CLOSE_DELAY=-1", "sa", "", 4)) {
            s = FloatAndReimburse.run(ds, new PrintStream(buffer, true, StandardCharsets.UTF_8));
            long left = Jdbi.create(ds).withHandle(h -> h.createQuery("SELECT COUNT(*) FROM information_schema.tables"
                    + " WHERE LOWER(table_name) LIKE 'float_demo_%'").mapTo(Long.class).one());
            assertThat(left).as("the demo drops its tables").isZero();
        }
        String out = buffer.toString(StandardCharsets.UTF_8);

        assertThat(s.executed()).isPositive();
        assertThat(s.skippedForDebt()).as(out).isPositive();
        assertThat(s.debts()).as(out).isNotEmpty().allSatisfy(d -> assertThat(d.status()).isEqualTo(DebtStatus.REPAID));
        Map<Long, Integer> paidTimes = new HashMap<>();
        long paidTotal = 0;
        for (SimulatedDebtSettler.Payment p : s.payments()) {
            if (p.paid()) {
                paidTotal += p.repayment().amount();
                p.repayment().debtIds().forEach(id -> paidTimes.merge(id, 1, Integer::sum));
            }
        }
        assertThat(paidTimes).as(out).hasSize(s.debts().size()).allSatisfy((id, n) -> assertThat(n).isOne());
        assertThat(paidTotal).isEqualTo(s.debts().stream().mapToLong(Debt::amount).sum());
        assertThat(s.duplicateRepayments()).isZero();
        assertThat(out).contains("reimbursement reverted: debt recorded", "not fronted",
                "2. recovery at start-up: both proxies are empty", "repaid 0, waiting for funds " + s.debts().size(),
                "history of debt #", "DEFERRED", "REPAID", "repayments sent twice: 0");
    }
}
