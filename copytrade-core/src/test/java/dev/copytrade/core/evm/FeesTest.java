package dev.copytrade.core.evm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copytrade.core.model.InvalidInputException;
import java.math.BigInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FeesTest {

    @Test
    @DisplayName("Scenario: A replacement raises both fees by at least the bump, rounded up")
    void bumpRoundsUp() {
        Fees f = Fees.of(1_000_000_001L, 3L);
        Fees raised = f.bumped(10);
        assertThat(raised.maxFeePerGas()).isEqualTo(BigInteger.valueOf(1_100_000_002L));  // 1100000001.1 up
        assertThat(raised.maxPriorityFeePerGas()).isEqualTo(BigInteger.valueOf(4L));  // 3.3 up
        assertThat(Fees.of(10, 0).bumped(10).maxPriorityFeePerGas()).as("a zero tip is still raised")
                .isEqualTo(BigInteger.ONE);
        assertThat(Fees.of(100, 50).atLeast(Fees.of(90, 60))).isEqualTo(Fees.of(100, 60));
    }

    @Test
    void invalidFeesNameTheField() {
        assertThatThrownBy(() -> Fees.of(0, 0)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("fees.maxFeePerGas");
        assertThatThrownBy(() -> Fees.of(10, 11)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("fees.maxPriorityFeePerGas");
    }
}
