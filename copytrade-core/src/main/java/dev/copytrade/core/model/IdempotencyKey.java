package dev.copytrade.core.model;

import dev.copytrade.core.internal.Hashing;
/**
 * f(signal id, follower id): the dedup key, the database unique key and the seed of the client order
 * id sent to the venue, so a retry is idempotent end to end. A SHA-256 hex digest, so its length is
 * fixed whatever the ids look like.
 */
public record IdempotencyKey(String value) {
    public IdempotencyKey {
        InvalidInputException.requireNonNull("idempotencyKey", value);
        if (!isLowerHex64(value)) {
            throw new InvalidInputException("idempotencyKey", value, "is not 64 lower-case hex characters");
        }
    }

    public static IdempotencyKey of(SignalId signal, FollowerId follower) {
        InvalidInputException.requireNonNull("signalId", signal);
        InvalidInputException.requireNonNull("follower.id", follower);
        // '|' cannot occur in a FollowerId, so the concatenation is unambiguous
        return new IdempotencyKey(Hashing.sha256Hex(signal.value() + "|" + follower.value()));
    }

    // [0-9a-f]{64} by hand: built once per copy on the hot path, where the regex cost more than the hash
    private static boolean isLowerHex64(String s) {
        if (s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    /** The id the venue sees; derived, so a re-send of the same key carries the same id. */
    public ClientOrderId clientOrderId() {
        return new ClientOrderId("ct-" + value.substring(0, 32));
    }

    @Override
    public String toString() {
        return value;
    }
}
