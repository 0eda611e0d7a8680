package dev.copytrade.core.debt;

import dev.copytrade.core.model.InvalidInputException;

/**
 * @param transition what was asked
 * @param applied true if this call won the compare-and-set
 * @param current the debt as it is now: the changed one if applied, whatever it became if lost,
 *     {@code null} if no debt has that id
 */
public record DebtTransitionResult(DebtTransition transition, boolean applied, Debt current) {
    public DebtTransitionResult {
        InvalidInputException.requireNonNull("transition", transition);
        if (applied && current == null) {
            throw new IllegalArgumentException("an applied transition has a current debt");
        }
    }
}
