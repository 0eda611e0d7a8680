package dev.copytrade.core.guardrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copytrade.core.executor.Fixtures;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.record.ReasonCode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OpenDebtLimitTest {
    private final Map<Address, Long> owed = new ConcurrentHashMap<>();
    private final GuardrailContext ctx = Fixtures.preTrade();
    private final Address wallet = ctx.follower().wallet();

    private long owed(Address debtor, String asset) {
        assertThat(asset).isEqualTo("USDC");
        return owed.getOrDefault(debtor, 0L);
    }

    private CopyOrder order(String side) {
        return CopyOrder.of(ctx.trade().market(), dev.copytrade.core.model.Side.valueOf(side), ctx.trade().price(),
                Shares.of("10"));
    }

    @Test
    @DisplayName("a BUY passes at the limit and is skipped one base unit above it")
    void buyIsSkippedAboveTheLimit() {
        OpenDebtLimit limit = new OpenDebtLimit(this::owed, Usdc.of("5"));
        owed.put(wallet, 5_000_000L);
        assertThat(limit.evaluate(order("BUY"), ctx)).isEqualTo(Decision.allow());

        owed.put(wallet, 5_000_001L);
        Decision d = limit.evaluate(order("BUY"), ctx);

        assertThat(d).isInstanceOfSatisfying(Decision.Skip.class, s -> {
            assertThat(s.reason()).isEqualTo(ReasonCode.DEBT_OUTSTANDING);
            assertThat(s.detail()).containsEntry("wallet", wallet.value()).containsEntry("openDebt", "5000001")
                    .containsEntry("maxOpenDebt", "5000000").containsEntry("asset", "USDC");
        });
        assertThat(limit.realtime()).as("asked again right before the send").isTrue();
    }

    @Test
    @DisplayName("a SELL passes without a look-up; a zero limit stops any open debt")
    void sellPassesWithoutLookup() {
        OpenDebtLimit strict = new OpenDebtLimit((debtor, asset) -> {
            throw new AssertionError("no look-up for a SELL");
        }, "usdc", 0, false);
        assertThat(strict.evaluate(order("SELL"), ctx)).isEqualTo(Decision.allow());
        assertThat(strict.realtime()).isFalse();

        OpenDebtLimit zero = new OpenDebtLimit(this::owed, Usdc.ZERO);
        assertThat(zero.evaluate(order("BUY"), ctx)).isEqualTo(Decision.allow());
        owed.put(wallet, 1L);
        assertThat(zero.evaluate(order("BUY"), ctx)).isInstanceOf(Decision.Skip.class);
    }

    @Test
    @DisplayName("a source that fails makes the chain skip the order (fail closed)")
    void failingSourceFailsClosed() {
        GuardrailChain chain = GuardrailChain.of(java.util.List.of(new OpenDebtLimit((d, a) -> {
            throw new IllegalStateException("ledger down");
        }, Usdc.ZERO)));

        assertThat(chain.evaluate(order("BUY"), ctx)).isInstanceOfSatisfying(GuardrailChain.Verdict.Stop.class,
                stop -> assertThat(stop.reason()).isEqualTo(ReasonCode.GUARDRAIL_ERROR));
        assertThatThrownBy(() -> new OpenDebtLimit(null, Usdc.ZERO)).isInstanceOfSatisfying(
                InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("openDebtSource"));
        assertThatThrownBy(() -> new OpenDebtLimit(this::owed, "USDC", -1, true)).isInstanceOfSatisfying(
                InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("maxOpenDebt"));
    }
}
