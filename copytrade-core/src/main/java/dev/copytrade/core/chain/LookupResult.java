package dev.copytrade.core.chain;

import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.record.Fill;
import java.util.List;

/**
 * What the venue says about an order looked up by client order id / tx hash. Only {@link NotFound}
 * proves the order was never received; a transport error is {@link Unknown}, never a not-found.
 */
public sealed interface LookupResult {

    /** Filled; {@code legs} as {@link SubmitResult.Confirmed} reports them (the sweeper records their debts). */
    record Filled(Fill fill, List<SettlementLeg> legs) implements LookupResult {
        public Filled {
            InvalidInputException.requireNonNull("fill", fill);
            legs = SettlementLeg.checked(legs);
        }

        public Filled(Fill fill) {
            this(fill, List.of());
        }
    }

    /** Received and definitively not executed (rejected, cancelled, reverted); {@code legs} as for a submit. */
    record Rejected(String reason, List<SettlementLeg> legs) implements LookupResult {
        public Rejected {
            InvalidInputException.requireNonNull("reason", reason);
            legs = SettlementLeg.checked(legs);
        }

        public Rejected(String reason) {
            this(reason, List.of());
        }
    }

    /** Proven never received: the venue answered and has no such order (or the nonce was never used). */
    record NotFound() implements LookupResult {}

    /** The venue could not be asked or could not tell. */
    record Unknown(String reason) implements LookupResult {
        public Unknown {
            InvalidInputException.requireNonNull("reason", reason);
        }
    }
}
