package dev.copytrade.core.store;

import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.record.CopyTradeRecord;

/**
 * @param record the record now stored under the draft's key: the new one, or the one that was there
 * @param inserted true if this call created it; false means a duplicate, and the caller must send nothing
 */
public record PrewriteResult(CopyTradeRecord record, boolean inserted) {
    public PrewriteResult {
        InvalidInputException.requireNonNull("record", record);
    }
}
