package dev.copytrade.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copytrade.core.cap.BudgetWindow;
import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.guardrail.AccessList;
import dev.copytrade.core.guardrail.EmergencyPause;
import dev.copytrade.core.guardrail.Guardrail;
import dev.copytrade.core.guardrail.MaxNotionalPerTrade;
import dev.copytrade.core.memory.InMemoryCapLedger;
import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.time.SettableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GuardrailConfigTest {
    private static final String WALLET = "0x" + "3".repeat(40);
    private static final String SIGNER = "0x" + "4".repeat(40);

    @Test
    @DisplayName("Scenario: The operators' names are read from the environment")
    void readsEveryName() {
        GuardrailConfig c = GuardrailConfig.fromMap(Map.ofEntries(
                Map.entry("COPY_TRADING_EMERGENCY_PAUSE", "true"),
                Map.entry("ENABLE_REAL_TRADING", "yes"),
                Map.entry("COPY_TRADING_DRY_RUN", "0"),
                Map.entry("COPY_TRADING_EXECUTION_ALLOWLIST", WALLET + ", " + WALLET.toUpperCase().replace("0X", "0x")),
                Map.entry("COPY_TRADING_WORKER_ALLOWLIST", SIGNER),
                Map.entry("COPY_TRADING_MAX_TRADE_USD", "25"),
                Map.entry("COPY_TRADING_MAX_TRADE_POLICY", "clamp"),
                Map.entry("COPY_TRADING_DAILY_CAP_USD", "1000"),
                Map.entry("COPY_TRADING_WALLET_DAILY_CAP_USD", "200.5"),
                Map.entry("COPY_TRADING_MARKET_DAILY_CAP_USD", "100"),
                Map.entry("COPY_TRADING_MARKET_CAPS", "btc-updown=50,eth-updown:20"),
                Map.entry("COPY_TRADING_MAX_TRADES_PER_WINDOW", "90"),
                Map.entry("COPY_TRADING_TRADE_WINDOW_MS", "60000"),
                Map.entry("PATH", "/usr/bin")));

        assertThat(c.realTrading()).isTrue();
        assertThat(c.dryRun()).isFalse();
        assertThat(c.emergencyPause().isPaused()).isTrue();
        assertThat(c.warnings()).isEmpty();
        assertThat(c.guardrails()).extracting(Guardrail::getClass).containsExactly(EmergencyPause.class,
                AccessList.class, AccessList.class, MaxNotionalPerTrade.class);
        assertThat(((MaxNotionalPerTrade) c.guardrails().get(3)).cap()).isEqualTo(Usdc.of("25"));
        assertThat(c.capPolicy().tradeWindow()).isEqualTo(BudgetWindow.rolling(Duration.ofMinutes(1)));
        assertThat(c.capPolicy().moneyWindow()).isEqualTo(BudgetWindow.utcDay());
        assertThat(c.capPolicy().toString()).contains("global=1000.000000", "perWallet=200.500000",
                "perMarket=100.000000", "btc-updown=50.000000", "eth-updown=20.000000", "maxTrades=90");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "COPY_TRADING_EMERGENCY_PAUSE|maybe",
        "ENABLE_REAL_TRADING|enabled",
        "COPY_TRADING_MAX_TRADE_USD|-5",
        "COPY_TRADING_MAX_TRADE_USD|0",
        "COPY_TRADING_MAX_TRADE_USD|1.0000001",
        "COPY_TRADING_MAX_TRADE_POLICY|cap",
        "COPY_TRADING_DAILY_CAP_USD|lots",
        "COPY_TRADING_MARKET_CAPS|btc-updown",
        "COPY_TRADING_MAX_TRADES_PER_WINDOW|1.5",
        "COPY_TRADING_TRADE_WINDOW_MS|-1",
        "COPY_TRADING_CAP_WINDOW|weekly",
        "COPY_TRADING_EXECUTION_ALLOWLIST|0x123",
    })
    @DisplayName("Scenario: A malformed value fails at start naming the variable and its value")
    void malformedValueFailsAtStart(String name, String value) {
        Map<String, String> env = Map.of(name, value, "COPY_TRADING_MAX_TRADE_POLICY".equals(name)
                ? "COPY_TRADING_MAX_TRADE_USD" : "COPY_TRADING_DRY_RUN", "COPY_TRADING_MAX_TRADE_POLICY".equals(name)
                ? "10" : "false");
        assertThatThrownBy(() -> GuardrailConfig.fromMap(env)).isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(value))
                .satisfies(e -> assertThat(((InvalidInputException) e).field()).startsWith(name));
    }

    @Test
    @DisplayName("Scenario: An unknown COPY_TRADING_ name is warned about")
    void unknownNameIsWarned() {
        GuardrailConfig c = GuardrailConfig.fromMap(Map.of("COPY_TRADING_EMERGENCY_PAUSED", "true"));
        assertThat(c.warnings()).singleElement().asString().contains("COPY_TRADING_EMERGENCY_PAUSED",
                "COPY_TRADING_EMERGENCY_PAUSE");
        assertThat(c.emergencyPause().isPaused()).as("a typo does not pause").isFalse();
    }

    @Test
    @DisplayName("Scenario: A properties file uses the same names")
    void propertiesUseTheSameNames() {
        Properties p = new Properties();
        p.setProperty("copy.trading.dry.run", "true");
        p.setProperty("ENABLE_REAL_TRADING", "true");
        GuardrailConfig c = GuardrailConfig.fromProperties(p);
        assertThat(c.dryRun()).isTrue();
        assertThat(c.realTrading()).isTrue();
    }

    @Test
    @DisplayName("Scenario: Budgets configured without a ledger are refused at start")
    void budgetsNeedALedger() {
        GuardrailConfig c = GuardrailConfig.fromMap(Map.of("COPY_TRADING_DAILY_CAP_USD", "10"));
        CopyTradeExecutor.Builder b = CopyTradeExecutor.builder().store(new InMemoryCopyTradeStore())
                .chainAdapter(new SimulatedChainAdapter());
        assertThatThrownBy(() -> c.applyTo(b, null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("capLedger");
    }

    @Test
    @DisplayName("Scenario: The configured daily cap stops the executor at the limit")
    void configuredCapStopsTheExecutor() {
        GuardrailConfig c = GuardrailConfig.fromMap(Map.of("COPY_TRADING_DAILY_CAP_USD", "10",
                "COPY_TRADING_MAX_TRADE_USD", "6"));
        Follower f = Follower.eoa("cfg", WALLET, CopyPolicy.fixed(Usdc.of("5")).build());
        dev.copytrade.core.executor.ReasonCounters counters = new dev.copytrade.core.executor.ReasonCounters();
        // a fixed midday clock: on the system clock a run crossing UTC midnight starts a new daily budget
        SettableClock clock = new SettableClock(Instant.parse("2026-06-01T12:00:00Z"));
        try (CopyTradeExecutor ex = c.applyTo(CopyTradeExecutor.builder().store(new InMemoryCopyTradeStore())
                .chainAdapter(new SimulatedChainAdapter(clock, Duration.ZERO)).clock(clock).parallelism(1)
                .listener(counters), new InMemoryCapLedger()).build()) {
            assertThat(ex.execute(trade(1, clock), f).outcome()).isEqualTo(CopyResult.Outcome.EXECUTED);
            assertThat(ex.execute(trade(2, clock), f).outcome()).isEqualTo(CopyResult.Outcome.EXECUTED);
            CopyResult third = ex.execute(trade(3, clock), f);
            assertThat(third.record().reason()).isEqualTo(ReasonCode.BUDGET_EXHAUSTED);
            ex.execute(trade(3, clock), f);
        }
        // per-reason counters, queryable by the host
        var snapshot = counters.snapshot();
        assertThat(snapshot.count(dev.copytrade.core.executor.ReasonCounters.Kind.EXECUTED)).isEqualTo(2);
        assertThat(snapshot.skipped(ReasonCode.BUDGET_EXHAUSTED)).isEqualTo(1);
        assertThat(snapshot.count(dev.copytrade.core.executor.ReasonCounters.Kind.DUPLICATE)).isEqualTo(1);
    }

    private static LeaderTrade trade(int n, Clock clock) {
        return LeaderTrade.builder().signalId(SignalId.venueFill("cfg", "t" + n)).leader("0x" + "a".repeat(40))
                .market("0x" + "c".repeat(64), "5", "cfg").side("BUY").price("0.5").size("100")
                .timestamp(clock.instant()).build();
    }
}
