package dev.copytrade.core.chain;

import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.ClientOrderId;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.record.CopyTradeRecord;

/**
 * What the reconciler knows about an order it must resolve.
 *
 * @param clientOrderId always known
 * @param venueRef tx hash / venue order id if it was stored before broadcast, else {@code null}
 * @param nonce the signer nonce if known, else {@code null}
 * @param signer the signer's address
 * @param chainId the chain
 */
public record OrderLookup(ClientOrderId clientOrderId, String venueRef, Long nonce, Address signer, long chainId) {
    public OrderLookup {
        InvalidInputException.requireNonNull("lookup.clientOrderId", clientOrderId);
        InvalidInputException.requireNonNull("lookup.signer", signer);
    }

    public static OrderLookup of(CopyTradeRecord record, long chainId) {
        return new OrderLookup(record.clientOrderId(), record.venueRef(), record.nonce(), record.signer(), chainId);
    }
}
