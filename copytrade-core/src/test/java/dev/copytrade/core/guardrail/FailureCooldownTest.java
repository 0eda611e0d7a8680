package dev.copytrade.core.guardrail;

import static dev.copytrade.core.executor.Fixtures.follower;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyResult.Outcome;
import dev.copytrade.core.executor.Fixtures;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.sim.SimulatedChainAdapter.Behavior;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FailureCooldownTest {
    private static final Duration COOLDOWN = Duration.ofMinutes(10);

    private final SettableClock clock = new SettableClock(Fixtures.T0);
    private final FailureCooldown cooldown = new FailureCooldown(3, COOLDOWN);
    private final Rig rig = new Rig(clock, List.of(cooldown), cooldown);

    @AfterEach
    void tearDown() {
        rig.close();
    }

    private static LeaderTrade inOtherMarket() {
        return Fixtures.validTrade().market("0x" + "cd".repeat(32), Fixtures.TOKEN_ID, "other-market").build();
    }

    private Outcome copy(LeaderTrade trade, Follower f) {
        return rig.copy(trade, f).outcome();
    }

    private void failures(int n, Follower f) {
        for (int i = 0; i < n; i++) {
            rig.venue.enqueue(Behavior.reject("market closed"));
            assertThat(copy(Fixtures.trade(), f)).as("failure %d", i).isEqualTo(Outcome.FAILED);
        }
    }

    @Test
    @DisplayName("Scenario: Cooldown after a run of failures")
    void cooldownAfterARunOfFailures() {
        failures(3, follower(1));

        CopyResult sameMarket = rig.copy(Fixtures.trade(), follower(2));
        CopyResult sameFollower = rig.copy(inOtherMarket(), follower(1));

        assertThat(sameMarket.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(sameMarket.record().reason()).isEqualTo(ReasonCode.COOLDOWN);
        assertThat(sameMarket.record().detail()).containsEntry("scope", "market").containsEntry("market", "will-it-rain")
                .containsEntry("until", Fixtures.T0.plus(COOLDOWN).toString()).containsEntry("guardrail", "FailureCooldown");
        assertThat(sameFollower.record().reason()).isEqualTo(ReasonCode.COOLDOWN);
        assertThat(sameFollower.record().detail()).containsEntry("scope", "follower").containsEntry("follower", "follower-1");
        assertThat(copy(inOtherMarket(), follower(2))).as("neither cooling down").isEqualTo(Outcome.EXECUTED);

        clock.advance(COOLDOWN.minusNanos(1));
        assertThat(copy(Fixtures.trade(), follower(2))).isEqualTo(Outcome.SKIPPED);
        clock.advance(Duration.ofNanos(1));
        assertThat(copy(Fixtures.trade(), follower(1))).isEqualTo(Outcome.EXECUTED);
    }

    @Test
    @DisplayName("Scenario: Cooldown after a run of failures")
    void aSuccessEndsTheRun() {
        failures(2, follower(1));
        assertThat(copy(Fixtures.trade(), follower(1))).isEqualTo(Outcome.EXECUTED);
        failures(2, follower(1));

        assertThat(copy(Fixtures.trade(), follower(1))).as("two in a row, not four").isEqualTo(Outcome.EXECUTED);
    }

    @Test
    void aCooldownClearsTheRunSoTheNextNeedsAFullRunAgain() {
        failures(3, follower(1));
        clock.advance(COOLDOWN);
        // had the old run carried over, the first of these would start a new cooldown and the second be skipped
        failures(2, follower(1));

        assertThat(copy(Fixtures.trade(), follower(1))).isEqualTo(Outcome.EXECUTED);
    }

    @Test
    void unknownOutcomesDoNotCount() {
        for (int i = 0; i < 3; i++) {
            rig.venue.enqueue(Behavior.timeoutAfterReceive());
            assertThat(copy(Fixtures.trade(), follower(1))).isEqualTo(Outcome.IN_FLIGHT);
        }

        assertThat(copy(Fixtures.trade(), follower(1))).isEqualTo(Outcome.EXECUTED);
        assertThat(cooldown.realtime()).isTrue();
        assertThatThrownBy(() -> new FailureCooldown(0, COOLDOWN)).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.field()).isEqualTo("cooldownAfterFailures"));
    }
}
