package dev.copytrade.core.chain;

import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.ClientOrderId;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.IdempotencyKey;
import dev.copytrade.core.model.InvalidInputException;

/**
 * One order as handed to a {@link ChainAdapter}, always under the signer's lease.
 *
 * @param recordId the durable record this order belongs to
 * @param key the idempotency key (venue-side dedup may use it)
 * @param clientOrderId the id the venue must carry, so the order can be looked up after a crash
 * @param order what to trade
 * @param wallet the follower's wallet (funds and positions)
 * @param signer the signing key's address (never the key)
 * @param chainId the chain the signer acts on
 * @param fencingToken the signer lease's token; a downstream system may refuse a lower one than it saw
 */
public record OrderRequest(long recordId, IdempotencyKey key, ClientOrderId clientOrderId, CopyOrder order,
        Address wallet, Address signer, long chainId, long fencingToken) {
    public OrderRequest {
        InvalidInputException.requireNonNull("request.key", key);
        InvalidInputException.requireNonNull("request.clientOrderId", clientOrderId);
        InvalidInputException.requireNonNull("request.order", order);
        InvalidInputException.requireNonNull("request.wallet", wallet);
        InvalidInputException.requireNonNull("request.signer", signer);
    }
}
