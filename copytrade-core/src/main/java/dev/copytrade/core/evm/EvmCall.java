package dev.copytrade.core.evm;

import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.InvalidInputException;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * What one transaction does: call {@code to} with {@code value} wei and {@code data}.
 *
 * @param to the recipient or contract
 * @param value wei sent along, zero or more
 * @param data calldata as {@code 0x}-prefixed hex ({@code "0x"} for a plain transfer)
 * @param gasLimit the gas limit, or {@code null} to have the node estimate it when the order is prepared
 *     (an estimate that fails — the call would revert — fails the order before anything is sent)
 */
public record EvmCall(Address to, BigInteger value, String data, Long gasLimit) {
    private static final Pattern HEX = Pattern.compile("0x([0-9a-fA-F]{2})*");
    /** The gas of a plain value transfer to an account without code. */
    public static final long TRANSFER_GAS = 21_000;

    public EvmCall {
        InvalidInputException.requireNonNull("call.to", to);
        InvalidInputException.requireNonNull("call.value", value);
        if (value.signum() < 0) {
            throw new InvalidInputException("call.value", value, "must not be negative");
        }
        data = data == null ? "0x" : data;
        if (!HEX.matcher(data).matches()) {
            throw new InvalidInputException("call.data", data, "must be 0x-prefixed hex of whole bytes");
        }
        if (gasLimit != null && gasLimit < TRANSFER_GAS) {
            throw new InvalidInputException("call.gasLimit", gasLimit, "must be at least " + TRANSFER_GAS);
        }
    }

    /** A plain value transfer with the transfer gas limit. */
    public static EvmCall transfer(Address to, BigInteger value) {
        return new EvmCall(to, value, "0x", TRANSFER_GAS);
    }
}
