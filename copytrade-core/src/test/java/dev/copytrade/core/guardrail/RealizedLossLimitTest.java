package dev.copytrade.core.guardrail;

import static dev.copytrade.core.executor.Fixtures.follower;
import static dev.copytrade.core.guardrail.GuardrailChainTest.order;
import static dev.copytrade.core.guardrail.Rig.skip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.Fixtures;
import dev.copytrade.core.guardrail.RealizedLossLimit.Applies;
import dev.copytrade.core.guardrail.market.RealizedPnlSource;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RealizedLossLimitTest {
    private static final Usdc LIMIT = Usdc.of("50");

    private final Map<LocalDate, Usdc> lossByDay = new ConcurrentHashMap<>();
    private final RealizedPnlSource pnl = (follower, day) -> lossByDay.getOrDefault(day, Usdc.ZERO);

    @Test
    @DisplayName("Scenario: Daily realized loss limit stops trading")
    void dailyRealizedLossLimitStopsTrading() {
        // a minute before midnight UTC on Jan 1, the day's loss is exactly at the limit
        SettableClock clock = new SettableClock(Instant.parse("2025-01-01T23:59:00Z"));
        lossByDay.put(LocalDate.parse("2025-01-01"), LIMIT);
        try (Rig rig = new Rig(clock, List.of(new RealizedLossLimit(pnl, LIMIT)))) {
            CopyResult stopped = rig.copy(Fixtures.trade(), follower(1));
            clock.advance(Duration.ofMinutes(1));
            CopyResult nextDay = rig.copy(Fixtures.trade(), follower(1));

            assertThat(stopped.record().status()).isEqualTo(RecordStatus.SKIPPED);
            assertThat(stopped.record().reason()).isEqualTo(ReasonCode.LOSS_LIMIT);
            assertThat(stopped.record().detail()).containsEntry("day", "2025-01-01")
                    .containsEntry("realizedLoss", "50.000000").containsEntry("limit", "50.000000");
            assertThat(nextDay.outcome()).as("a new UTC day").isEqualTo(CopyResult.Outcome.EXECUTED);
        }
    }

    @Test
    void oneMicroDollarUnderTheLimitStillTrades() {
        lossByDay.put(LocalDate.parse("2025-01-01"), Usdc.of("49.999999"));

        assertThat(new RealizedLossLimit(pnl, LIMIT).evaluate(order("20"), Fixtures.preTrade()))
                .isEqualTo(Decision.allow());
    }

    @Test
    void buysOnlyLetsTheFollowerExitPositions() {
        lossByDay.put(LocalDate.parse("2025-01-01"), Usdc.of("80"));
        LeaderTrade sell = Fixtures.trade("SELL", "0.50", "100");
        CopyOrder sellOrder = CopyOrder.of(sell.market(), sell.side(), sell.price(), Shares.of("20"));
        RealizedLossLimit buysOnly = new RealizedLossLimit(pnl, LIMIT, Applies.BUYS_ONLY);
        RealizedLossLimit everything = new RealizedLossLimit(pnl, LIMIT);

        assertThat(skip(buysOnly.evaluate(order("20"), Fixtures.preTrade())).reason()).isEqualTo(ReasonCode.LOSS_LIMIT);
        assertThat(buysOnly.evaluate(sellOrder, Rig.preTrade(sell))).isEqualTo(Decision.allow());
        assertThat(skip(everything.evaluate(sellOrder, Rig.preTrade(sell))).reason()).isEqualTo(ReasonCode.LOSS_LIMIT);
        assertThatThrownBy(() -> new RealizedLossLimit(pnl, Usdc.ZERO)).isInstanceOfSatisfying(
                InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("dailyLossLimitUsd"));
    }
}
