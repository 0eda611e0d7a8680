package dev.copytrade.core.mutex;

import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.InvalidInputException;

/**
 * What a {@link ScopedTxMutex} serialises. For nonces: (chain id, signer address), built with
 * {@link #signer}. Anything else a host needs one-at-a-time (a proxy wallet's fund moves, say): any
 * string of up to 200 printable characters via {@link #of}.
 */
public record TxScope(String value) {
    public TxScope {
        InvalidInputException.requireNonNull("scope", value);
        if (value.isBlank() || value.length() > 200 || hasControlChar(value)) {
            throw new InvalidInputException("scope", value, "must be 1..200 printable characters");
        }
    }

    // a loop, not chars().anyMatch: a scope is built for every order sent, and the stream allocated
    private static boolean hasControlChar(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    public static TxScope signer(long chainId, Address signer) {
        if (chainId <= 0) {
            throw new InvalidInputException("chainId", chainId, "must be positive");
        }
        InvalidInputException.requireNonNull("signer", signer);
        return new TxScope("signer:" + chainId + ":" + signer.value());
    }

    public static TxScope of(String value) {
        return new TxScope(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
