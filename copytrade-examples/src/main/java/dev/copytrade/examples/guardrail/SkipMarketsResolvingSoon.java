package dev.copytrade.examples.guardrail;

import dev.copytrade.core.guardrail.Decision;
import dev.copytrade.core.guardrail.Guardrail;
import dev.copytrade.core.guardrail.GuardrailContext;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.Market;
import dev.copytrade.core.record.ReasonCode;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A guardrail a host writes itself: skip markets that resolve within N hours (late copies of a
 * leader's trade on a market about to close are mostly noise). It is an ordinary {@link Guardrail};
 * its skips are recorded as {@code CUSTOM} with {@code code=RESOLVES_SOON} in the record's detail.
 * Wire it with {@code GuardrailChain.of(..., new SkipMarketsResolvingSoon(calendar, Duration.ofHours(6)))}.
 */
public final class SkipMarketsResolvingSoon implements Guardrail {

    /** Where the host learns when a market resolves (the venue's market metadata, say). */
    @FunctionalInterface
    public interface ResolutionCalendar {
        Optional<Instant> resolvesAt(Market market);
    }

    private final ResolutionCalendar calendar;
    private final Duration horizon;

    public SkipMarketsResolvingSoon(ResolutionCalendar calendar, Duration horizon) {
        this.calendar = calendar;
        this.horizon = horizon;
    }

    // README:begin
    @Override
    public Decision evaluate(CopyOrder order, GuardrailContext ctx) {
        Optional<Instant> end = calendar.resolvesAt(order.market());
        if (end.isEmpty()) {
            return Decision.allow();                              // unknown end date: not this guardrail's call
        }
        Duration left = Duration.between(ctx.now(), end.get());  // the executor's clock, so tests can set it
        return left.compareTo(horizon) < 0
                ? Decision.skip(ReasonCode.CUSTOM, "code", "RESOLVES_SOON",
                        "market", order.market().label(), "resolvesIn", left.toString())
                : Decision.allow();
    }
    // README:end
}
