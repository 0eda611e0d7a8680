package dev.copytrade.core.chain;

import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.record.Fill;

/**
 * What the venue says about an order looked up by client order id / tx hash. Only {@link NotFound}
 * proves the order was never received; a transport error is {@link Unknown}, never a not-found.
 */
public sealed interface LookupResult {

    record Filled(Fill fill) implements LookupResult {
        public Filled {
            InvalidInputException.requireNonNull("fill", fill);
        }
    }

    /** Received and definitively not executed (rejected, cancelled, reverted). */
    record Rejected(String reason) implements LookupResult {
        public Rejected {
            InvalidInputException.requireNonNull("reason", reason);
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
