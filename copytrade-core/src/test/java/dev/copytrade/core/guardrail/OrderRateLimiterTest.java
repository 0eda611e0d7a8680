package dev.copytrade.core.guardrail;

import static dev.copytrade.core.executor.Fixtures.follower;
import static dev.copytrade.core.guardrail.GuardrailChainTest.order;
import static dev.copytrade.core.guardrail.Rig.context;
import static dev.copytrade.core.guardrail.Rig.skip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyResult.Outcome;
import dev.copytrade.core.executor.Fixtures;
import dev.copytrade.core.guardrail.GuardrailContext.Phase;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OrderRateLimiterTest {
    private final SettableClock clock = new SettableClock(Fixtures.T0);

    private Decision at(OrderRateLimiter limiter, Follower f, Phase phase) {
        return limiter.evaluate(order("20"), context(clock, Fixtures.trade(), f, phase));
    }

    @Test
    @DisplayName("Scenario: Rate-limited trades are skipped with their own reason")
    void rateLimitedTradesAreSkippedWithTheirOwnReason() {
        // one order a second, two at once: the third trade in the same instant finds the bucket empty
        try (Rig rig = new Rig(clock, List.of(new OrderRateLimiter(60, 2)))) {
            CopyResult first = rig.copy(Fixtures.trade(), follower(1));
            CopyResult second = rig.copy(Fixtures.trade(), follower(1));
            CopyResult third = rig.copy(Fixtures.trade(), follower(1));

            assertThat(List.of(first.outcome(), second.outcome(), third.outcome()))
                    .containsExactly(Outcome.EXECUTED, Outcome.EXECUTED, Outcome.SKIPPED);
            assertThat(third.record().status()).isEqualTo(RecordStatus.SKIPPED);
            assertThat(third.record().reason()).isEqualTo(ReasonCode.RATE_LIMITED);
            assertThat(third.record().detail()).containsEntry("guardrail", "OrderRateLimiter")
                    .containsEntry("signer", follower(1).signer().value()).containsEntry("retryAfterMs", "1000");
            assertThat(rig.venue.submitCalls()).isEqualTo(2);

            clock.advance(Duration.ofSeconds(1));
            assertThat(rig.copy(Fixtures.trade(), follower(1)).outcome()).isEqualTo(Outcome.EXECUTED);
        }
    }

    @Test
    @DisplayName("Scenario: Rate-limited trades are skipped with their own reason")
    void aTokenIsDueExactlyOneIntervalLaterNotOneNanosecondSooner() {
        OrderRateLimiter limiter = new OrderRateLimiter(60, 1);
        assertThat(at(limiter, follower(1), Phase.REALTIME)).isEqualTo(Decision.allow());

        clock.advance(Duration.ofSeconds(1).minusNanos(1));
        Decision.Skip early = skip(at(limiter, follower(1), Phase.REALTIME));
        clock.advance(Duration.ofNanos(1));

        assertThat(early.reason()).isEqualTo(ReasonCode.RATE_LIMITED);
        assertThat(early.detail()).containsEntry("retryAfterMs", "1");
        assertThat(at(limiter, follower(1), Phase.REALTIME)).isEqualTo(Decision.allow());
    }

    @Test
    void onlyTheRealtimePhaseSpendsTokens() {
        OrderRateLimiter limiter = new OrderRateLimiter(60, 3);
        for (int i = 0; i < 50; i++) {
            assertThat(at(limiter, follower(1), Phase.PRE_TRADE)).isEqualTo(Decision.allow());
        }

        for (int i = 0; i < 3; i++) {
            assertThat(at(limiter, follower(1), Phase.REALTIME)).as("token %d", i).isEqualTo(Decision.allow());
        }

        assertThat(skip(at(limiter, follower(1), Phase.PRE_TRADE)).reason()).isEqualTo(ReasonCode.RATE_LIMITED);
        assertThat(skip(at(limiter, follower(1), Phase.REALTIME)).reason()).isEqualTo(ReasonCode.RATE_LIMITED);
    }

    @Test
    void eachSignerHasItsOwnBucketAndAnIdleBucketRefillsOnlyToTheBurst() {
        OrderRateLimiter limiter = new OrderRateLimiter(60, 2);
        // followers 1 and 3 share signer 1; follower 2 signs for itself
        Follower sameSigner = Fixtures.follower(3, 1, Fixtures.fixed("10"));
        at(limiter, follower(1), Phase.REALTIME);
        at(limiter, sameSigner, Phase.REALTIME);

        assertThat(skip(at(limiter, follower(1), Phase.REALTIME)).reason()).isEqualTo(ReasonCode.RATE_LIMITED);
        assertThat(at(limiter, follower(2), Phase.REALTIME)).isEqualTo(Decision.allow());

        clock.advance(Duration.ofHours(1));
        assertThat(at(limiter, follower(1), Phase.REALTIME)).isEqualTo(Decision.allow());
        assertThat(at(limiter, follower(1), Phase.REALTIME)).isEqualTo(Decision.allow());
        assertThat(at(limiter, follower(1), Phase.REALTIME)).isInstanceOf(Decision.Skip.class);
    }

    @Test
    void defaultsAreTheFieldsRateAndABadRateNamesTheField() {
        OrderRateLimiter defaults = OrderRateLimiter.defaults();

        assertThat(defaults.perMinute()).isEqualTo(90);
        assertThat(defaults.burst()).isEqualTo(10);
        assertThat(defaults.realtime()).isTrue();
        assertThatThrownBy(() -> new OrderRateLimiter(0, 1)).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.field()).isEqualTo("orderRatePerMinute"));
        assertThatThrownBy(() -> new OrderRateLimiter(90, 0)).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.field()).isEqualTo("orderRateBurst"));
    }

    @Test
    void ninetyAMinuteSustainedAfterTheBurst() {
        OrderRateLimiter limiter = OrderRateLimiter.defaults();
        int passed = 0;
        // one attempt every 100 ms for a minute: the burst of 10, then one every 2/3 s
        for (int i = 0; i < 600; i++) {
            if (at(limiter, follower(1), Phase.REALTIME) instanceof Decision.Allow) {
                passed++;
            }
            clock.advance(Duration.ofMillis(100));
        }

        assertThat(passed).isEqualTo(10 + 89);
    }
}
