package dev.copytrade.examples.bench.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Runs the debt recovery benchmark at toy size: every row measured and checked. Not a performance test. */
class DebtRecoveryBenchmarkTest {

    @Test
    @DisplayName("the debt recovery benchmark reports one, two loops and batching, each run checked")
    void reportsEveryConfiguration() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<DebtRecoveryBenchmark.Row> rows = DebtRecoveryBenchmark.run(
                new String[] {"--debts", "300", "--loops", "1,2", "--runs", "1"},
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String report = bytes.toString(StandardCharsets.UTF_8);

        assertThat(rows).as(report).extracting(DebtRecoveryBenchmark.Row::loops).containsExactly(1, 2, 1);
        assertThat(rows).as(report).allSatisfy(r -> assertThat(r.debtsPerSecond().median()).isPositive());
        assertThat(rows.get(0).repaymentsPerDebt()).as("one repayment per debt").isEqualTo(1.0);
        assertThat(rows.get(2).repaymentsPerDebt()).as("batching pays several debts per call").isLessThan(1.0);
        assertThat(report).contains("fsync=on", "debts/s", "batched repayments");
    }

    @Test
    @DisplayName("the debt recovery benchmark names a bad option")
    void badOption() {
        assertThatThrownBy(() -> DebtRecoveryBenchmark.run(new String[] {"--loops", "0"}, System.out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--loops must be at least 1");
    }
}
