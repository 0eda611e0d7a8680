package dev.copytrade.core.cap;

import dev.copytrade.core.model.InvalidInputException;

/** One commit of a {@link CapLedger#commitAll} batch: the reservation and the units actually spent. */
public record CommitRequest(String reservationId, long actualUnits) {
    public CommitRequest {
        InvalidInputException.requireNonNull("reservationId", reservationId);
        if (actualUnits < 0) {
            throw new InvalidInputException("actualUnits", actualUnits, "must not be negative");
        }
    }
}
