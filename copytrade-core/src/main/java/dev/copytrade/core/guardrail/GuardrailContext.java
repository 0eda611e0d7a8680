package dev.copytrade.core.guardrail;

import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.policy.VenueRules;
import java.time.Instant;

/**
 * What a guardrail may look at besides the order.
 *
 * @param now the executor's clock, read once per evaluation
 * @param trade the leader trade being copied
 * @param follower the follower
 * @param phase PRE_TRADE before the record is written, REALTIME under the signer's lock just before sending
 * @param dryRun the executor sends nothing
 * @param movesRealMoney the adapter moves real money
 * @param venueRules the venue's minimums
 */
public record GuardrailContext(Instant now, LeaderTrade trade, Follower follower, Phase phase, boolean dryRun,
        boolean movesRealMoney, VenueRules venueRules) {

    public enum Phase {
        PRE_TRADE,
        REALTIME
    }

    public GuardrailContext {
        InvalidInputException.requireNonNull("now", now);
        InvalidInputException.requireNonNull("trade", trade);
        InvalidInputException.requireNonNull("follower", follower);
        InvalidInputException.requireNonNull("phase", phase);
        InvalidInputException.requireNonNull("venueRules", venueRules);
    }

    public GuardrailContext inPhase(Phase p) {
        return p == phase ? this : new GuardrailContext(now, trade, follower, p, dryRun, movesRealMoney, venueRules);
    }
}
