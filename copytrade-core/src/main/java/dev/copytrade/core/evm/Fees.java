package dev.copytrade.core.evm;

import dev.copytrade.core.model.InvalidInputException;
import java.math.BigInteger;

/**
 * EIP-1559 fees of one transaction, in wei per gas.
 *
 * @param maxFeePerGas the most paid per gas (base fee + tip); the node refuses a transaction whose cap
 *     is below the block's base fee, and never mines it while it is
 * @param maxPriorityFeePerGas the tip to the block producer; at most {@code maxFeePerGas}
 */
public record Fees(BigInteger maxFeePerGas, BigInteger maxPriorityFeePerGas) {
    private static final BigInteger HUNDRED = BigInteger.valueOf(100);

    public Fees {
        InvalidInputException.requireNonNull("fees.maxFeePerGas", maxFeePerGas);
        InvalidInputException.requireNonNull("fees.maxPriorityFeePerGas", maxPriorityFeePerGas);
        if (maxFeePerGas.signum() <= 0) {
            throw new InvalidInputException("fees.maxFeePerGas", maxFeePerGas, "must be positive");
        }
        if (maxPriorityFeePerGas.signum() < 0) {
            throw new InvalidInputException("fees.maxPriorityFeePerGas", maxPriorityFeePerGas, "must not be negative");
        }
        if (maxPriorityFeePerGas.compareTo(maxFeePerGas) > 0) {
            throw new InvalidInputException("fees.maxPriorityFeePerGas", maxPriorityFeePerGas,
                    "must not exceed maxFeePerGas " + maxFeePerGas);
        }
    }

    public static Fees of(long maxFeePerGas, long maxPriorityFeePerGas) {
        return new Fees(BigInteger.valueOf(maxFeePerGas), BigInteger.valueOf(maxPriorityFeePerGas));
    }

    /**
     * Both fees raised by at least {@code percent} (rounded up), as a same-nonce replacement must be:
     * nodes refuse one that raises either by less than their minimum (10 % on geth-style pools).
     */
    public Fees bumped(int percent) {
        if (percent < 0) {
            throw new InvalidInputException("percent", percent, "must not be negative");
        }
        return new Fees(raise(maxFeePerGas, percent), raise(maxPriorityFeePerGas, percent));
    }

    /** Each fee the higher of the two. */
    public Fees atLeast(Fees other) {
        return new Fees(maxFeePerGas.max(other.maxFeePerGas), maxPriorityFeePerGas.max(other.maxPriorityFeePerGas));
    }

    private static BigInteger raise(BigInteger fee, int percent) {
        BigInteger[] qr = fee.multiply(BigInteger.valueOf(100L + percent)).divideAndRemainder(HUNDRED);
        BigInteger raised = qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
        // a zero tip stays zero under any percentage; a replacement must still raise it
        return percent > 0 && raised.equals(fee) ? fee.add(BigInteger.ONE) : raised;
    }
}
