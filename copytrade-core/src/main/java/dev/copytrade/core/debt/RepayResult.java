package dev.copytrade.core.debt;

import dev.copytrade.core.model.InvalidInputException;

/** What a {@link DebtSettler#repay} proved. Only {@link Failed} may be treated as "nothing was paid". */
public sealed interface RepayResult {

    /** Paid; {@code reference} is the settler's proof (a transaction hash, a transfer id). */
    record Repaid(String reference) implements RepayResult {
        public Repaid {
            InvalidInputException.requireNonNull("reference", reference);
            DebtText.optionalId("reference", reference);
        }
    }

    /** Definitively not paid (reverted, refused, insufficient funds); the key may be abandoned. */
    record Failed(String error) implements RepayResult {
        public Failed {
            InvalidInputException.requireNonNull("error", error);
        }
    }

    /** May or may not have been paid (timeout, transport error): only a lookup of the key can tell. */
    record Unknown(String reason) implements RepayResult {
        public Unknown {
            InvalidInputException.requireNonNull("reason", reason);
        }
    }
}
