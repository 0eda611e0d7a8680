package dev.copytrade.core.debt;

import dev.copytrade.core.model.InvalidInputException;

/**
 * What a settler says about a repayment looked up by its idempotency key. {@link Failed} and
 * {@link NotFound} prove nothing was paid; a transport error is {@link Unknown}, never a not-found.
 */
public sealed interface RepaymentLookup {

    /** The repayment was made; {@code reference} as {@link RepayResult.Repaid} gave it. */
    record Repaid(String reference) implements RepaymentLookup {
        public Repaid {
            InvalidInputException.requireNonNull("reference", reference);
            DebtText.optionalId("reference", reference);
        }
    }

    /** Received and definitively not paid. */
    record Failed(String error) implements RepaymentLookup {
        public Failed {
            InvalidInputException.requireNonNull("error", error);
        }
    }

    /** Proven never received: the settler answered and has no repayment with that key. */
    record NotFound() implements RepaymentLookup {}

    /** The settler could not be asked or could not tell. */
    record Unknown(String reason) implements RepaymentLookup {
        public Unknown {
            InvalidInputException.requireNonNull("reason", reason);
        }
    }
}
