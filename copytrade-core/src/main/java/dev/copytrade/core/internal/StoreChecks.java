package dev.copytrade.core.internal;

import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.Transition;
import java.util.List;

/** Argument checks shared by every {@code CopyTradeStore}, so they refuse the same input with the same field names. */
public final class StoreChecks {
    private StoreChecks() {}

    /** The lists of {@code transitionAll(current, transitions)}: present and of one size. */
    public static void requireSameSize(List<CopyTradeRecord> current, List<Transition> transitions) {
        InvalidInputException.requireNonNull("current", current);
        InvalidInputException.requireNonNull("transitions", transitions);
        if (current.size() != transitions.size()) {
            throw new InvalidInputException("current", current.size(),
                    "must hold one record (or null) per transition (" + transitions.size() + ")");
        }
    }
}
