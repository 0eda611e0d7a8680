package dev.copytrade.core.cap;

import dev.copytrade.core.model.InvalidInputException;

/** The outcome of a reservation: all budgets charged, or none (the first that could not take it). */
public sealed interface ReserveResult {

    /**
     * The reservation id holds its budgets. {@code created}: this call charged them (the id was new, or had
     * been released); false when the id already held them, reserved or committed, and nothing more was
     * charged (reserve is idempotent). Only a caller whose call created a reservation may give it back when
     * it abandons the order: an id that was already held belongs to another delivery of the same order,
     * which may still be running.
     */
    record Reserved(String reservationId, boolean created) implements ReserveResult {
        public Reserved {
            InvalidInputException.requireNonNull("reservationId", reservationId);
        }

        /** This call charged the budgets. */
        public static Reserved created(String reservationId) {
            return new Reserved(reservationId, true);
        }

        /** The id already held its budgets; this call charged nothing. */
        public static Reserved alreadyHeld(String reservationId) {
            return new Reserved(reservationId, false);
        }
    }

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
