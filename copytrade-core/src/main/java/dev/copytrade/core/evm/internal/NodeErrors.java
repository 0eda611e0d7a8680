package dev.copytrade.core.evm.internal;

import java.util.List;
import java.util.Locale;

/**
 * What a node's answer to {@code eth_sendRawTransaction} proves. Node implementations word these
 * differently (geth, erigon, anvil, nethermind, besu); only wordings known to mean "refused, not in the
 * pool" count as proof that the transaction was not accepted. Anything else — an unknown message, a
 * proxy's error, a transport failure — is {@link Kind#UNKNOWN}: the transaction may have been taken.
 */
public final class NodeErrors {

    public enum Kind {
        /** The node already has this exact transaction: it was sent (an earlier attempt reached it). */
        ALREADY_KNOWN,
        /** The nonce is already mined: this transaction can never be, unless it is the one that used it. */
        NONCE_TOO_LOW,
        /** Another transaction with this nonce is in the pool and this one does not outbid it. */
        NONCE_TAKEN,
        /** Refused for a reason that proves it is not in the pool (funds, fees, gas, signature). */
        REFUSED,
        /** Not known to prove anything. */
        UNKNOWN
    }

    private static final List<String> ALREADY_KNOWN = List.of("already known", "already imported",
            "known transaction", "alreadyknown", "already in the pool", "transaction already exists");
    private static final List<String> NONCE_TOO_LOW = List.of("nonce too low", "nonce is too low", "noncetoolow",
            "old nonce", "oldnonce", "nonce has already been used");
    private static final List<String> NONCE_TAKEN = List.of("replacement transaction underpriced",
            "replacement underpriced", "replacement fee too low", "could not replace existing tx",
            "replacementnotallowed");
    private static final List<String> REFUSED = List.of("insufficient funds", "insufficient balance",
            "intrinsic gas too low", "gas too low", "exceeds block gas limit", "less than block base fee",
            "fee cap less than", "feecap less than", "transaction underpriced", "max priority fee per gas higher",
            "tip higher than fee cap", "priority fee greater than", "invalid sender", "invalid signature",
            "invalid chain id", "chain id mismatch", "incorrect chain id", "oversized data",
            "exceeds the configured cap", "nonce too high", "nonce max value", "transaction type not supported",
            "gas limit too high", "gas uint64 overflow");

    private NodeErrors() {}

    public static Kind classify(String message) {
        if (message == null) {
            return Kind.UNKNOWN;
        }
        String m = message.toLowerCase(Locale.ROOT);
        if (containsAny(m, ALREADY_KNOWN)) {
            return Kind.ALREADY_KNOWN;
        }
        if (containsAny(m, NONCE_TOO_LOW)) {
            return Kind.NONCE_TOO_LOW;
        }
        if (containsAny(m, NONCE_TAKEN)) {
            return Kind.NONCE_TAKEN;
        }
        if (containsAny(m, REFUSED)) {
            return Kind.REFUSED;
        }
        return Kind.UNKNOWN;
    }

    private static boolean containsAny(String message, List<String> needles) {
        for (String n : needles) {
            if (message.contains(n)) {
                return true;
            }
        }
        return false;
    }
}
