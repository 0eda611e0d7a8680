package dev.copytrade.core.executor;

import dev.copytrade.core.model.FollowerId;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.record.CopyTradeRecord;

/**
 * The outcome of one (leader trade, follower) execution.
 *
 * @param follower whose copy this is
 * @param outcome what happened
 * @param record the record as this call left it; {@code null} only for {@link Outcome#NOT_RECORDED}
 * @param error the exception behind NOT_RECORDED / IN_FLIGHT, if any
 */
public record CopyResult(FollowerId follower, Outcome outcome, CopyTradeRecord record, Throwable error) {

    public enum Outcome {
        /** The venue filled the order; the record is EXECUTED. */
        EXECUTED,
        /** A SKIPPED record was written; nothing was sent. */
        SKIPPED,
        /** The order failed and nothing executed; the record is FAILED. */
        FAILED,
        /**
         * The record is still in flight: the outcome is unknown, or the store could not take the
         * final write. The sweeper resolves it from the venue; it is never re-sent.
         */
        IN_FLIGHT,
        /** The key already had a record (returned); nothing was sent. */
        DUPLICATE,
        /** Another actor moved the record first (returned as it is); this call sent nothing more. */
        LOST,
        /** The prewrite failed: there is no record and nothing was sent. */
        NOT_RECORDED
    }

    public CopyResult {
        InvalidInputException.requireNonNull("follower", follower);
        InvalidInputException.requireNonNull("outcome", outcome);
        if (record == null && outcome != Outcome.NOT_RECORDED) {
            throw new IllegalArgumentException(outcome + " carries a record");
        }
    }
}
