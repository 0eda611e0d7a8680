package dev.copytrade.core.chain;

import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.record.Fill;

/** What a submit proved. Only {@link Rejected} may be treated as "not executed". */
public sealed interface SubmitResult {

    /** The venue filled the order (fully or partly: compare the fill with the order). */
    record Confirmed(Fill fill) implements SubmitResult {
        public Confirmed {
            InvalidInputException.requireNonNull("fill", fill);
        }
    }

    /** The venue definitively refused the order; nothing was executed. */
    record Rejected(String reason) implements SubmitResult {
        public Rejected {
            InvalidInputException.requireNonNull("reason", reason);
        }
    }

    /** The order may or may not have been executed (timeout, transport error): only a lookup can tell. */
    record Unknown(String reason) implements SubmitResult {
        public Unknown {
            InvalidInputException.requireNonNull("reason", reason);
        }
    }

    static SubmitResult confirmed(Fill fill) {
        return new Confirmed(fill);
    }

    static SubmitResult rejected(String reason) {
        return new Rejected(reason);
    }

    static SubmitResult unknown(String reason) {
        return new Unknown(reason);
    }
}
