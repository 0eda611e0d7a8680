package dev.copytrade.core.evm;

import dev.copytrade.core.chain.OrderRequest;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.record.Fill;
import java.math.BigInteger;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Maps an order to the transaction that executes it. Must be a pure function of the request: a stuck
 * transaction is replaced by calling it again for the same order (same nonce, higher fees), and both
 * must do the same thing. Calls of two different orders should differ (an amount, an order id, a salt):
 * the transaction hash is what identifies an order on chain, and two orders signed identically at the
 * same nonce would share one (the adapter changes the tip by a wei where it can see that happen, within
 * one process). Thread-safe.
 */
public interface EvmAction {

    /** The call that executes {@code request}; a throw fails the order before anything is sent. */
    EvmCall callFor(OrderRequest request);

    /**
     * What a successful (status 1) receipt filled. The default: the whole order, which is right for
     * actions that either do everything or revert (a transfer); an action whose fill can be partial
     * reads it from the receipt's logs.
     */
    default Fill fillOf(CopyOrder order, TransactionReceipt receipt) {
        return new Fill(order.shares(), order.notional(), receipt.getTransactionHash());
    }

    /**
     * Sends the order's notional, {@code weiPerUsdcUnit} wei per USDC base unit (10⁻⁶ USDC), to
     * {@code recipient} (an account without code) as a value transfer whose calldata is the order's
     * client order id: two orders never sign to the same transaction, and the transfer names its record
     * on chain.
     */
    static EvmAction transferNotional(Address recipient, BigInteger weiPerUsdcUnit) {
        InvalidInputException.requireNonNull("recipient", recipient);
        requirePositive(weiPerUsdcUnit);
        return request -> transfer(recipient, request, weiPerUsdcUnit);
    }

    /** Like {@link #transferNotional} to the follower's own wallet ({@link OrderRequest#wallet()}). */
    static EvmAction transferNotionalToWallet(BigInteger weiPerUsdcUnit) {
        requirePositive(weiPerUsdcUnit);
        return request -> transfer(request.wallet(), request, weiPerUsdcUnit);
    }

    private static EvmCall transfer(Address to, OrderRequest request, BigInteger weiPerUsdcUnit) {
        return EvmCall.transfer(to, notionalInWei(request, weiPerUsdcUnit),
                request.clientOrderId().value().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static BigInteger notionalInWei(OrderRequest request, BigInteger weiPerUsdcUnit) {
        return BigInteger.valueOf(request.order().notional().micros()).multiply(weiPerUsdcUnit);
    }

    private static void requirePositive(BigInteger weiPerUsdcUnit) {
        InvalidInputException.requireNonNull("weiPerUsdcUnit", weiPerUsdcUnit);
        if (weiPerUsdcUnit.signum() <= 0) {
            throw new InvalidInputException("weiPerUsdcUnit", weiPerUsdcUnit, "must be positive");
        }
    }
}
