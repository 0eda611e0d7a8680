package dev.copytrade.core.chain;

import dev.copytrade.core.model.InvalidInputException;

/**
 * An order ready to leave: whatever reference is known before broadcast (a signed transaction's hash
 * and nonce) is stored on the record as SUBMITTED before {@link ChainAdapter#submit} is called, so a
 * crash after broadcast can be reconciled by it.
 *
 * @param request the request it was prepared from
 * @param venueRef tx hash or venue order id known before sending, or {@code null}
 * @param nonce the signer nonce it uses, or {@code null}
 * @param payload adapter-private state carried from prepare to submit (a signed transaction, say);
 *     never logged by the library
 */
public record PreparedOrder(OrderRequest request, String venueRef, Long nonce, Object payload) {
    public PreparedOrder {
        InvalidInputException.requireNonNull("prepared.request", request);
    }

    public static PreparedOrder of(OrderRequest request) {
        return new PreparedOrder(request, null, null, null);
    }

    @Override
    public String toString() {
        return "PreparedOrder{" + request.clientOrderId() + ", venueRef=" + venueRef + ", nonce=" + nonce + "}";
    }
}
