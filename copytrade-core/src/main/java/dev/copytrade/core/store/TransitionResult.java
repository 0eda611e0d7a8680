package dev.copytrade.core.store;

import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.Transition;

/**
 * @param transition what was asked
 * @param applied true if this call won the compare-and-set
 * @param current the record as it is now: the updated one if applied, the winner's version if lost,
 *     {@code null} if no record has that id
 */
public record TransitionResult(Transition transition, boolean applied, CopyTradeRecord current) {
    public TransitionResult {
        InvalidInputException.requireNonNull("transition", transition);
        if (applied && current == null) {
            throw new IllegalArgumentException("an applied transition has a current record");
        }
    }
}
