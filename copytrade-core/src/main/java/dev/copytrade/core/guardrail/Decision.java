package dev.copytrade.core.guardrail;

import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.record.ReasonCode;
import java.util.LinkedHashMap;
import java.util.Map;

/** A guardrail's verdict. */
public sealed interface Decision {

    /** Go on to the next guardrail. */
    record Allow() implements Decision {}

    /** Do not trade; recorded as SKIPPED with this reason and detail. */
    record Skip(ReasonCode reason, Map<String, String> detail) implements Decision {
        public Skip {
            InvalidInputException.requireNonNull("reason", reason);
            detail = detail == null ? Map.of() : Map.copyOf(detail);
        }
    }

    /**
     * Trade a smaller order (same market, side and price, fewer shares), e.g. clamped to a cap. Only
     * in the pre-trade phase; the chain rejects a resize that grows the order.
     */
    record Resize(CopyOrder order, String note) implements Decision {
        public Resize {
            InvalidInputException.requireNonNull("order", order);
            InvalidInputException.requireNonNull("note", note);
        }
    }

    Allow ALLOW = new Allow();

    static Decision allow() {
        return ALLOW;
    }

    static Decision skip(ReasonCode reason, Map<String, String> detail) {
        return new Skip(reason, detail);
    }

    /** A skip with detail given as alternating keys and values. */
    static Decision skip(ReasonCode reason, String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("keyValues must come in pairs");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return new Skip(reason, m);
    }

    static Decision resize(CopyOrder order, String note) {
        return new Resize(order, note);
    }
}
