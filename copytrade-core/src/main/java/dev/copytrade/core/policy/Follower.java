package dev.copytrade.core.policy;

import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.FollowerId;
import dev.copytrade.core.model.InvalidInputException;

/**
 * Someone who copies a leader.
 *
 * @param id the host's id for this follower; part of the idempotency key
 * @param wallet the wallet that holds the follower's funds and positions (an EOA or a proxy)
 * @param signer the key that signs the follower's transactions; orders of one signer are serialised
 * @param policy how the follower sizes its copies
 */
public record Follower(FollowerId id, Address wallet, Address signer, CopyPolicy policy) {

    public Follower {
        InvalidInputException.requireNonNull("follower.id", id);
        InvalidInputException.requireNonNull("follower.wallet", wallet);
        InvalidInputException.requireNonNull("follower.signer", signer);
        InvalidInputException.requireNonNull("follower.policy", policy);
    }

    /** For EOA mode, where the wallet signs for itself. */
    public static Follower eoa(String id, String wallet, CopyPolicy policy) {
        Address w = Address.parse("follower.wallet", wallet);
        return new Follower(FollowerId.of(id), w, w, policy);
    }
}
