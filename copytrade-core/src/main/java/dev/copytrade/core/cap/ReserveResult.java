package dev.copytrade.core.cap;

import dev.copytrade.core.model.InvalidInputException;

/** The outcome of a reservation: all budgets charged, or none (the first that could not take it). */
public sealed interface ReserveResult {

    /** Every budget was charged (or this reservation id already held them: reserve is idempotent). */
    record Reserved(String reservationId) implements ReserveResult {}

    /**
     * Nothing was charged: {@code budget} could not take {@code requested} units; {@code available} is
     * what it had left at that moment.
     */
    record Exhausted(Budget budget, long requested, long available) implements ReserveResult {
        public Exhausted {
            InvalidInputException.requireNonNull("budget", budget);
        }
    }
}
