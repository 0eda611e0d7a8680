package dev.copytrade.core.model;

import dev.copytrade.core.internal.Hashing;
import java.util.regex.Pattern;

/**
 * f(signal id, follower id): the dedup key, the database unique key and the seed of the client order
 * id sent to the venue, so a retry is idempotent end to end. A SHA-256 hex digest, so its length is
 * fixed whatever the ids look like.
 */
public record IdempotencyKey(String value) {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public IdempotencyKey {
        InvalidInputException.requireNonNull("idempotencyKey", value);
        if (!HEX64.matcher(value).matches()) {
            throw new InvalidInputException("idempotencyKey", value, "is not 64 lower-case hex characters");
        }
    }

    public static IdempotencyKey of(SignalId signal, FollowerId follower) {
        InvalidInputException.requireNonNull("signalId", signal);
        InvalidInputException.requireNonNull("follower.id", follower);
        // '|' cannot occur in a FollowerId, so the concatenation is unambiguous
        return new IdempotencyKey(Hashing.sha256Hex(signal.value() + "|" + follower.value()));
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
