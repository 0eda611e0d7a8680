package dev.copytrade.core.evm;

import dev.copytrade.core.evm.internal.NodeFees;
import dev.copytrade.core.model.InvalidInputException;
import java.io.IOException;
import java.time.Duration;
import org.web3j.protocol.Web3j;

/**
 * Where a transaction's fees come from. Called while the signer's lease is held, once per prepared
 * transaction (and once per replacement), so it should answer fast: cache what it reads.
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface FeeProvider {

    /**
     * The fees a new transaction should carry now.
     *
     * @param node the adapter's node connection
     * @throws IOException if the node could not be asked; the order then fails before anything is sent
     */
    Fees fees(Web3j node) throws IOException;

    /**
     * The default: reads the latest block's base fee and the node's suggested tip
     * ({@code eth_maxPriorityFeePerGas}), and offers {@code 2 × base fee + tip} as the cap, which
     * survives six full blocks of base-fee rises. Both answers are kept for {@code cacheFor}, so a burst
     * of orders costs two round trips per {@code cacheFor}, not per order.
     */
    static FeeProvider fromNode(Duration cacheFor) {
        InvalidInputException.requireNonNull("cacheFor", cacheFor);
        if (cacheFor.isNegative()) {
            throw new InvalidInputException("cacheFor", cacheFor, "must not be negative");
        }
        return new NodeFees(cacheFor);
    }

    /** {@link #fromNode(Duration)} with answers kept for one second. */
    static FeeProvider fromNode() {
        return fromNode(Duration.ofSeconds(1));
    }

    /** Always the same fees (tests, or a host that prices gas itself). */
    static FeeProvider fixed(Fees fees) {
        InvalidInputException.requireNonNull("fees", fees);
        return node -> fees;
    }
}
