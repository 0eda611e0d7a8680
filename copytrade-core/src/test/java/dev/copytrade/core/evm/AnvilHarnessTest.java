package dev.copytrade.core.evm;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copytrade.core.testkit.evm.Anvil;
import dev.copytrade.core.testkit.evm.AnvilNode;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** The harness's policy when no anvil can be had: skip with a how-to, except under CI=true. */
class AnvilHarnessTest {

    @Test
    @DisplayName("Scenario: Without an anvil the EVM tests skip with a how-to, and fail under CI")
    void noAnvilSkipsOrFails() {
        String before = System.getProperty("copytrade.anvil");
        System.setProperty("copytrade.anvil", "/nonexistent/anvil");
        try {
            if ("true".equals(System.getenv("CI"))) {
                assertThatThrownBy(() -> Anvil.start(AnvilNode.Mining.AUTO, Duration.ZERO))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("CI=true")
                        .hasMessageContaining("/nonexistent/anvil");
            } else {
                assertThatThrownBy(() -> Anvil.start(AnvilNode.Mining.AUTO, Duration.ZERO))
                        .isInstanceOf(TestAbortedException.class).hasMessageContaining("EVM tests skipped")
                        .hasMessageContaining("npm");
            }
        } finally {
            if (before == null) {
                System.clearProperty("copytrade.anvil");
            } else {
                System.setProperty("copytrade.anvil", before);
            }
        }
    }
}
