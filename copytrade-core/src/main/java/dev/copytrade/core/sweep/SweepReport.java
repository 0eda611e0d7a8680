package dev.copytrade.core.sweep;

import java.time.Duration;

/**
 * What one sweep did.
 *
 * @param claimed stale in-flight records claimed
 * @param executed resolved EXECUTED (the venue filled them)
 * @param failed resolved FAILED (the venue rejected them)
 * @param expired resolved EXPIRED (never submitted, or proven not at the venue)
 * @param unknown moved to UNKNOWN (the venue could not tell)
 * @param rechecked UNKNOWN records looked up again
 * @param lost records another actor resolved first
 * @param errors records left as they were because the store or adapter failed (they are retried
 *     when this sweeper's claim runs out)
 * @param capsReleased cap reservations released because they outlived their hold
 * @param elapsed wall time of the sweep
 */
public record SweepReport(int claimed, int executed, int failed, int expired, int unknown, int rechecked, int lost,
        int errors, int capsReleased, Duration elapsed) {

    public static final SweepReport SKIPPED = new SweepReport(0, 0, 0, 0, 0, 0, 0, 0, 0, Duration.ZERO);

    public int resolved() {
        return executed + failed + expired;
    }
}
