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

    /** A plain value transfer to an account without code, with the transfer gas limit. */
    public static EvmCall transfer(Address to, BigInteger value) {
        return new EvmCall(to, value, "0x", TRANSFER_GAS);
    }

    /**
     * A value transfer to an account without code carrying {@code memo} as calldata. Its gas limit covers
     * the calldata under the EIP-7623 floor (10 per token, a non-zero byte being 4 tokens), which is above
     * the older 16/4 per byte: a limit below the floor is accepted into some pools but never mined.
     */
    public static EvmCall transfer(Address to, BigInteger value, byte[] memo) {
        InvalidInputException.requireNonNull("memo", memo);
        long gas = TRANSFER_GAS;
        StringBuilder hex = new StringBuilder(2 + memo.length * 2).append("0x");
        for (byte b : memo) {
            gas += b == 0 ? 10 : 40;
            hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return new EvmCall(to, value, hex.toString(), gas);
    }
}
