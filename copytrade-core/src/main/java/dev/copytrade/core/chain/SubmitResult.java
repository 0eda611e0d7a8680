package dev.copytrade.core.chain;

import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.record.Fill;
import java.util.List;

/** What a submit proved. Only {@link Rejected} may be treated as "not executed". */
public sealed interface SubmitResult {

    /**
     * The venue filled the order (fully or partly: compare the fill with the order). {@code legs} are
     * the settlement legs that ran with it (empty when none); each failed one becomes a debt.
     */
    record Confirmed(Fill fill, List<SettlementLeg> legs) implements SubmitResult {
        public Confirmed {
            InvalidInputException.requireNonNull("fill", fill);
            legs = SettlementLeg.checked(legs);
        }

        public Confirmed(Fill fill) {
            this(fill, List.of());
        }
    }

    /**
     * The venue definitively refused the order; nothing was executed. {@code legs}: money that moved
     * anyway (funds pulled before the order) and its failed refund, say; each failed leg becomes a debt.
     */
    record Rejected(String reason, List<SettlementLeg> legs) implements SubmitResult {
        public Rejected {
            InvalidInputException.requireNonNull("reason", reason);
            legs = SettlementLeg.checked(legs);
        }

        public Rejected(String reason) {
            this(reason, List.of());
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

    /** Filled, with the settlement legs that ran with the order. */
    static SubmitResult confirmed(Fill fill, List<SettlementLeg> legs) {
        return new Confirmed(fill, legs);
    }

    static SubmitResult rejected(String reason) {
        return new Rejected(reason);
    }

    static SubmitResult unknown(String reason) {
        return new Unknown(reason);
    }
}
