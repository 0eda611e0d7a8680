package dev.copytrade.examples.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The short chaos run: three bot JVMs on an embedded PostgreSQL, a few hundred deliveries, five SIGKILLs
 * (one at each kill window and one at a random moment) and database backends terminated throughout. The
 * long run (10,000 trades, 100 kills) is a documented command, not a test.
 */
class ChaosRunTest {

    @Test
    @DisplayName("Scenario: Killed bot processes leave every invariant intact")
    void shortChaosRun() throws Exception {
        long seed = Long.getLong("copytrade.seed", System.nanoTime());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ChaosRun.Report r = ChaosRun.run(new String[] {"--trades", "120", "--kills", "5", "--processes", "3",
            "--seed", Long.toString(seed), "--max-seconds", "240"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String report = bytes.toString(StandardCharsets.UTF_8);

        assertThat(r.passed()).as(report).isTrue();
        assertThat(r.totalKills()).as(report).isEqualTo(5);
        assertThat(r.restarts()).as(report).isGreaterThanOrEqualTo(5);
        assertThat(r.venueOrders()).as(report).isPositive();
        assertThat(r.checks()).as(report).hasSize(8).allSatisfy(c -> assertThat(report).contains(c.line()));
        assertThat(report).as(report).contains("seed:       " + seed, "--seed " + seed, "result:     every invariant holds");
    }

    @Test
    @DisplayName("Scenario: Bad chaos options are refused before anything starts")
    void badOptions() {
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ChaosRun.run(new String[] {"--trades", "0"}, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--trades");
        assertThatThrownBy(() -> ChaosRun.run(new String[] {"--kills", "many"}, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--kills");
        assertThatThrownBy(() -> ChaosRun.run(new String[] {"--signers", "5", "--followers", "4"}, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--signers");
        assertThatThrownBy(() -> ChaosRun.run(new String[] {"--jdbc-url", "jdbc:h2:mem:x"}, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--jdbc-url");
        assertThatThrownBy(() -> ChaosRun.run(new String[] {"--fast"}, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--fast");
    }
}
