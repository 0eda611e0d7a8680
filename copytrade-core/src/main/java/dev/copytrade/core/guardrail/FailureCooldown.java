package dev.copytrade.core.guardrail;

import dev.copytrade.core.executor.CopyTradeListener;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.Market;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.ReasonCode;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * After {@code failures} FAILED orders in a row on one market (by condition id, so both outcomes
 * count together) or for one follower, that market or follower is skipped for {@code cooldown}
 * ({@code COOLDOWN}, detail {@code scope} and {@code until}). An EXECUTED order ends the run. Register
 * the same instance as a guardrail <em>and</em> as a listener of the executor: it learns of failures
 * and successes from the listener events.
 *
 * <p>Only FAILED counts (rejected by the venue, prepare failed, the signer's lock timed out): an
 * outcome that is unknown may well have executed, and an expiry means the venue never saw the order,
 * which says nothing about the market. The cooldown runs from the failing record's {@code updatedAt}
 * (the executor's clock) and ends exactly {@code cooldown} later; starting it also clears the run, so
 * after the cooldown another full run of failures is needed to start the next one. A success during a
 * cooldown clears the run but not the cooldown. Realtime: a cooldown that started while an order
 * waited for its signer's lock stops that order too. State is per process and in memory.
 */
public final class FailureCooldown implements Guardrail, CopyTradeListener {

    /** Consecutive failures so far and the end of the current cooldown (null if none). Immutable. */
    private record Run(int failures, Instant coolUntil) {}

    private final int failures;
    private final Duration cooldown;
    private final ConcurrentHashMap<String, Run> markets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Run> followers = new ConcurrentHashMap<>();

    public FailureCooldown(int failures, Duration cooldown) {
        if (failures < 1) {
            throw new InvalidInputException("cooldownAfterFailures", failures, "must be at least 1");
        }
        InvalidInputException.requireNonNull("cooldown", cooldown);
        if (cooldown.isNegative() || cooldown.isZero()) {
            throw new InvalidInputException("cooldown", cooldown, "must be positive");
        }
        this.failures = failures;
        this.cooldown = cooldown;
    }

    @Override
    public boolean realtime() {
        return true;
    }

    @Override
    public Decision evaluate(CopyOrder order, GuardrailContext context) {
        Instant now = context.now();
        Market market = order.market();
        Instant until = activeUntil(markets.get(market.conditionId()), now);
        if (until != null) {
            return Decision.skip(ReasonCode.COOLDOWN, "scope", "market", "market", market.label(), "until",
                    until.toString(), "afterFailures", Integer.toString(failures));
        }
        String follower = context.follower().id().value();
        until = activeUntil(followers.get(follower), now);
        if (until != null) {
            return Decision.skip(ReasonCode.COOLDOWN, "scope", "follower", "follower", follower, "until",
                    until.toString(), "afterFailures", Integer.toString(failures));
        }
        return Decision.allow();
    }

    private static Instant activeUntil(Run run, Instant now) {
        return run != null && run.coolUntil != null && now.isBefore(run.coolUntil) ? run.coolUntil : null;
    }

    @Override
    public void onFailed(CopyTradeRecord record) {
        Instant at = record.updatedAt();
        markets.compute(marketOf(record), (k, run) -> failed(run, at));
        followers.compute(record.followerId().value(), (k, run) -> failed(run, at));
    }

    @Override
    public void onExecuted(CopyTradeRecord record) {
        Instant at = record.updatedAt();
        markets.computeIfPresent(marketOf(record), (k, run) -> succeeded(run, at));
        followers.computeIfPresent(record.followerId().value(), (k, run) -> succeeded(run, at));
    }

    private Run failed(Run run, Instant at) {
        int n = (run == null ? 0 : run.failures) + 1;
        if (n >= failures) {
            return new Run(0, at.plus(cooldown));
        }
        return new Run(n, run == null ? null : run.coolUntil);
    }

    /** Ends the run; an entry whose cooldown is over is dropped, so idle markets do not pile up. */
    private static Run succeeded(Run run, Instant at) {
        return run.coolUntil != null && run.coolUntil.isAfter(at) ? new Run(0, run.coolUntil) : null;
    }

    private static String marketOf(CopyTradeRecord record) {
        return (record.order() != null ? record.order().market() : record.trade().market()).conditionId();
    }
}
