package dev.copytrade.core.debt;

import dev.copytrade.core.model.InvalidInputException;

/**
 * @param debt the debt now stored for the draft's (record id, leg id): the new one, or the one that was there
 * @param inserted true if this call recorded it; false means it was already recorded (nothing changed)
 */
public record AccrueResult(Debt debt, boolean inserted) {
    public AccrueResult {
        InvalidInputException.requireNonNull("debt", debt);
    }
}
