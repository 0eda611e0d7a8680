package dev.copytrade.core.guardrail;

import dev.copytrade.core.internal.EpochNanos;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.record.ReasonCode;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket per signer: at most {@code burst} orders at once, refilled at {@code perMinute} orders
 * a minute, so in any interval of length t at most {@code burst + perMinute × t / 1 min} orders of one
 * signer pass. An order that finds the bucket empty is skipped with {@code RATE_LIMITED} (detail
 * {@code retryAfterMs}: when the next token is due). Time is the context's {@link GuardrailContext#now()},
 * never the system timer, so a settable clock drives it in tests.
 *
 * <p><b>When a token is spent.</b> A guardrail should be free of effects that cannot be undone, and a
 * spent token cannot be. So the pre-trade phase only <em>looks</em> whether a token is available (an
 * order that could not go now is skipped before its record is even written), and the token is taken
 * in the realtime phase, under the signer's lock right before the order leaves: only orders about to
 * be sent spend tokens, and orders skipped by sizing or a pre-trade guardrail never do. What remains:
 * a realtime guardrail placed <em>after</em> this one in the chain may still skip the order, or the
 * adapter may fail to prepare it, and then its token is lost. That errs on the strict side (fewer
 * orders, never more), and putting this guardrail last in the chain keeps it rare. Dry runs spend
 * tokens too, so a dry run shows what would have been rate-limited.
 *
 * <p>Defaults: {@value #DEFAULT_PER_MINUTE} a minute (the field's usual order rate) with a burst of
 * {@value #DEFAULT_BURST}: enough for one leader trade to fan out to a handful of followers sharing a
 * signer at once, while a runaway loop or a replay flood is slowed to the sustained rate. An exact
 * "at most N trades per window" is the trade-count budget's job, not this one's.
 *
 * <p>Implemented as GCRA (the "virtual scheduling" form of a token bucket): one {@code long} per
 * signer, the theoretical arrival time of the next order, updated by compare-and-set. One entry is
 * kept per signer ever seen; signers are the host's own keys, so this stays small. Per process: two
 * processes sharing a signer each have their own bucket.
 */
public final class OrderRateLimiter implements Guardrail {
    public static final int DEFAULT_PER_MINUTE = 90;
    public static final int DEFAULT_BURST = 10;
    private static final long NANOS_PER_MINUTE = 60_000_000_000L;
    private static final long NEVER = Long.MIN_VALUE;

    private final int perMinute;
    private final int burst;
    private final long intervalNanos;
    private final long toleranceNanos;
    private final ConcurrentHashMap<Address, AtomicLong> nextDue = new ConcurrentHashMap<>();

    /**
     * @param perMinute sustained orders per minute per signer, 1..60,000
     * @param burst orders a signer that has been idle may send at once, 1..10,000
     */
    public OrderRateLimiter(int perMinute, int burst) {
        if (perMinute < 1 || perMinute > 60_000) {
            throw new InvalidInputException("orderRatePerMinute", perMinute, "must be in 1..60000");
        }
        if (burst < 1 || burst > 10_000) {
            throw new InvalidInputException("orderRateBurst", burst, "must be in 1..10000");
        }
        this.perMinute = perMinute;
        this.burst = burst;
        // rounded up, so the limiter is never faster than the configured rate
        this.intervalNanos = (NANOS_PER_MINUTE + perMinute - 1) / perMinute;
        this.toleranceNanos = intervalNanos * (burst - 1);
    }

    public static OrderRateLimiter defaults() {
        return new OrderRateLimiter(DEFAULT_PER_MINUTE, DEFAULT_BURST);
    }

    public int perMinute() {
        return perMinute;
    }

    public int burst() {
        return burst;
    }

    /** Realtime: the token is taken under the signer's lock, just before the order leaves. */
    @Override
    public boolean realtime() {
        return true;
    }

    @Override
    public Decision evaluate(CopyOrder order, GuardrailContext context) {
        Address signer = context.follower().signer();
        long now = EpochNanos.of(context.now());
        if (context.phase() == GuardrailContext.Phase.PRE_TRADE) {
            AtomicLong cell = nextDue.get(signer);
            long wait = waitNanos(cell == null ? NEVER : cell.get(), now);
            return wait > 0 ? limited(signer, wait) : Decision.allow();
        }
        AtomicLong cell = nextDue.computeIfAbsent(signer, s -> new AtomicLong(NEVER));
        while (true) {
            long due = cell.get();
            long wait = waitNanos(due, now);
            if (wait > 0) {
                return limited(signer, wait);
            }
            if (cell.compareAndSet(due, Math.max(due, now) + intervalNanos)) {
                return Decision.allow();
            }
        }
    }

    /** How long until a token is available; zero or less means one is available now. */
    private long waitNanos(long due, long now) {
        return Math.max(due, now) - toleranceNanos - now;
    }

    private Decision limited(Address signer, long waitNanos) {
        long retryAfterMs = (waitNanos + 999_999) / 1_000_000;
        return Decision.skip(ReasonCode.RATE_LIMITED, "signer", signer.value(), "retryAfterMs",
                Long.toString(retryAfterMs), "perMinute", Integer.toString(perMinute), "burst", Integer.toString(burst));
    }
}
