package dev.copytrade.core.guardrail.market;

import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.Follower;
import java.time.LocalDate;

/** Realized profit and loss, for {@link dev.copytrade.core.guardrail.RealizedLossLimit}. Must be thread-safe. */
@FunctionalInterface
public interface RealizedPnlSource {

    /**
     * The follower's net realized loss on {@code utcDay} (00:00 to 24:00 UTC): realized losses minus
     * realized gains, or {@link Usdc#ZERO} when the day is net positive.
     *
     * @throws RuntimeException when it cannot be read; the chain then skips with {@code GUARDRAIL_ERROR}
     */
    Usdc realizedLoss(Follower follower, LocalDate utcDay);
}
