package dev.copytrade.core.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.Price;
import dev.copytrade.core.model.Shares;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A feed line can carry any exponent; parsing must reject it as bad input without expanding its digits. */
class DecimalsExponentTest {

    @ParameterizedTest
    @ValueSource(strings = {"1e999999999", "1e100000", "12345678901234567890", "9.9e19"})
    void hugeMagnitudeIsInvalidInputNotAnArithmeticError(String text) {
        assertThatThrownBy(() -> Shares.parse("trade.size", text))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("trade.size: exceeds the maximum");
    }

    @Test
    void hugeNegativeExponentIsRejectedWithAShortValue() {
        assertThatThrownBy(() -> Price.parse("trade.price", "1e-999999999"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("trade.price: has 999999999 decimals, at most 6 allowed (was 1E-999999999)");
        assertThatThrownBy(() -> Shares.parse("trade.size", "-1e-999999999"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("trade.size: must not be negative (was -1E-999999999)");
    }
}
