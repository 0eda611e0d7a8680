package dev.copytrade.core.policy;

import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.record.ReasonCode;
import java.util.Map;

/** What sizing decided: an order to place, or a skip with its reason. */
public sealed interface SizingResult {

    /** @param detail notes for the audit trail, e.g. that the order was raised to the venue minimum */
    record Sized(CopyOrder order, Map<String, String> detail) implements SizingResult {
        public Sized {
            InvalidInputException.requireNonNull("order", order);
            detail = Map.copyOf(detail);
        }
    }

    record Skipped(ReasonCode reason, Map<String, String> detail) implements SizingResult {
        public Skipped {
            InvalidInputException.requireNonNull("reason", reason);
            detail = Map.copyOf(detail);
        }
    }
}
