package dev.copytrade.core.evm.internal;

import dev.copytrade.core.evm.FeeProvider;
import dev.copytrade.core.evm.Fees;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthMaxPriorityFeePerGas;

/** {@link FeeProvider#fromNode}: base fee of the latest block, the node's tip, a short cache. */
public final class NodeFees implements FeeProvider {
    private static final BigInteger TWO = BigInteger.TWO;

    private final long cacheNanos;
    private volatile Cached cached;

    private record Cached(Fees fees, long readAtNanos) {}

    public NodeFees(Duration cacheFor) {
        this.cacheNanos = cacheFor.toNanos();
    }

    @Override
    public Fees fees(Web3j node) throws IOException {
        Cached c = cached;
        long now = System.nanoTime();
        if (c != null && now - c.readAtNanos < cacheNanos) {
            return c.fees;
        }
        EthBlock block = node.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send();
        if (block.hasError() || block.getBlock() == null) {
            throw new IOException("the node did not return the latest block: "
                    + (block.hasError() ? block.getError().getMessage() : "no block"));
        }
        BigInteger base = block.getBlock().getBaseFeePerGas();
        if (base == null) {
            throw new IOException("the latest block has no base fee: the chain does not support EIP-1559");
        }
        EthMaxPriorityFeePerGas tipAnswer = node.ethMaxPriorityFeePerGas().send();
        if (tipAnswer.hasError()) {
            throw new IOException("the node did not suggest a priority fee: " + tipAnswer.getError().getMessage());
        }
        BigInteger tip = tipAnswer.getMaxPriorityFeePerGas();
        Fees fees = new Fees(base.multiply(TWO).add(tip), tip);
        cached = new Cached(fees, now);
        return fees;
    }
}
