package dev.copytrade.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.guardrail.EmergencyPause;
import dev.copytrade.core.guardrail.Guardrail;
import dev.copytrade.core.guardrail.MaxNotionalPerTrade;
import dev.copytrade.core.guardrail.OpenDebtLimit;
import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.memory.InMemoryDebtLedger;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.testkit.Debts;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** COPY_TRADING_MAX_OPEN_DEBT_USD: parsed, built with the debt ledger it needs, and refusing a debtor's BUY. */
class OpenDebtConfigTest {
    private static final String OWING = "0x" + "5".repeat(40);
    private static final String CLEAN = "0x" + "6".repeat(40);

    private static CopyTradeExecutor.Builder executor() {
        return CopyTradeExecutor.builder().store(new InMemoryCopyTradeStore()).chainAdapter(new SimulatedChainAdapter())
                .parallelism(1);
    }

    private static LeaderTrade trade(String id, String side) {
        return LeaderTrade.builder().signalId(SignalId.venueFill("debt-cfg", id)).leader("0x" + "a".repeat(40))
                .market("0x" + "c".repeat(64), "5", "debt-cfg").side(side).price("0.5").size("100")
                .timestamp(Instant.now()).build();
    }

    @Test
    @DisplayName("Scenario: The open-debt limit is read under its operator name")
    void readsTheName() {
        assertThat(GuardrailConfig.fromMap(Map.of("COPY_TRADING_MAX_OPEN_DEBT_USD", "12.5")).maxOpenDebtUsd())
                .contains(Usdc.of("12.5"));
        assertThat(GuardrailConfig.fromProperties(props("copy.trading.max.open.debt.usd", "0")).maxOpenDebtUsd())
                .as("zero is a limit (any open debt stops BUYs), not off").contains(Usdc.ZERO);
        assertThat(GuardrailConfig.fromMap(Map.of()).maxOpenDebtUsd()).isEmpty();
        assertThat(GuardrailConfig.fromMap(Map.of("COPY_TRADING_MAX_OPEN_DEBT_USD", "5")).warnings()).isEmpty();
        for (String bad : new String[] {"-1", "lots", "1.0000001"}) {
            assertThatThrownBy(() -> GuardrailConfig.fromMap(Map.of("COPY_TRADING_MAX_OPEN_DEBT_USD", bad)))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                        assertThat(e.field()).isEqualTo("COPY_TRADING_MAX_OPEN_DEBT_USD");
                        assertThat(e.getMessage()).contains(bad);
                    });
        }
    }

    private static java.util.Properties props(String key, String value) {
        java.util.Properties p = new java.util.Properties();
        p.setProperty(key, value);
        return p;
    }

    @Test
    @DisplayName("Scenario: The open-debt limit without a debt ledger is refused at start naming it")
    void needsTheLedger() {
        GuardrailConfig c = GuardrailConfig.fromMap(Map.of("COPY_TRADING_MAX_OPEN_DEBT_USD", "5"));
        assertThatThrownBy(c::guardrails).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.field()).isEqualTo("debtLedger"));
        assertThatThrownBy(() -> c.applyTo(executor(), null)).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.field()).isEqualTo("debtLedger"));
        assertThatThrownBy(() -> c.applyTo(executor(), null, null)).isInstanceOfSatisfying(
                InvalidInputException.class, e -> assertThat(e.getMessage()).contains("COPY_TRADING_MAX_OPEN_DEBT_USD"));

        GuardrailConfig unset = GuardrailConfig.fromMap(Map.of("COPY_TRADING_MAX_TRADE_USD", "5"));
        assertThat(unset.guardrails()).as("no limit set: no ledger needed").extracting(Guardrail::getClass)
                .containsExactly(EmergencyPause.class, MaxNotionalPerTrade.class);
        assertThat(GuardrailConfig.fromMap(Map.of("COPY_TRADING_MAX_OPEN_DEBT_USD", "5",
                "COPY_TRADING_MAX_TRADE_USD", "5")).guardrails(new InMemoryDebtLedger()))
                .extracting(Guardrail::getClass)
                .containsExactly(EmergencyPause.class, MaxNotionalPerTrade.class, OpenDebtLimit.class);
    }

    @Test
    @DisplayName("Scenario: The configured open-debt limit skips a BUY for a wallet that owes more")
    void refusesADebtorsBuy() {
        InMemoryDebtLedger debts = new InMemoryDebtLedger();
        debts.accrue(Debts.draft(Debts.freshRecordId(), "reimburse", Address.of(OWING), 10_000_000, Instant.now()));
        GuardrailConfig c = GuardrailConfig.fromMap(Map.of("COPY_TRADING_MAX_OPEN_DEBT_USD", "5"));
        Follower owing = Follower.eoa("owing", OWING, CopyPolicy.fixed(Usdc.of("3")).build());
        Follower clean = Follower.eoa("clean", CLEAN, CopyPolicy.fixed(Usdc.of("3")).build());

        try (CopyTradeExecutor ex = c.applyTo(executor(), null, debts).build()) {
            CopyResult refused = ex.execute(trade("buy", "BUY"), owing);
            assertThat(refused.outcome()).isEqualTo(CopyResult.Outcome.SKIPPED);
            assertThat(refused.record().reason()).isEqualTo(ReasonCode.DEBT_OUTSTANDING);
            assertThat(refused.record().detail()).containsEntry("openDebt", "10000000")
                    .containsEntry("maxOpenDebt", "5000000");
            assertThat(ex.execute(trade("buy", "BUY"), clean).outcome()).isEqualTo(CopyResult.Outcome.EXECUTED);
            assertThat(ex.execute(trade("sell", "SELL"), owing).outcome()).as("a SELL fronts nothing")
                    .isEqualTo(CopyResult.Outcome.EXECUTED);
        }
    }
}
