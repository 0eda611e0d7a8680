package dev.copytrade.core.record;

import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.ClientOrderId;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.FollowerId;
import dev.copytrade.core.model.IdempotencyKey;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.LeaderTrade;
import java.time.Instant;
import java.util.Map;

/**
 * A record before the store has assigned its id: what {@code prewrite} inserts. Only PENDING (with an
 * order and a lease) or SKIPPED (with a reason) can be prewritten. Build it with {@link #pending} or
 * {@link #skipped}, which derive the key from (signal, follower); the constructor does not re-hash
 * to check it, because it sits on the hot path.
 */
public record RecordDraft(IdempotencyKey key, LeaderTrade trade, FollowerId followerId, Address wallet,
        Address signer, CopyOrder order, RecordStatus status, ReasonCode reason, Map<String, String> detail,
        boolean dryRun, String leaseOwner, Instant leaseUntil, Instant createdAt) {

    public RecordDraft {
        InvalidInputException.requireNonNull("draft.key", key);
        InvalidInputException.requireNonNull("draft.trade", trade);
        InvalidInputException.requireNonNull("draft.followerId", followerId);
        InvalidInputException.requireNonNull("draft.wallet", wallet);
        InvalidInputException.requireNonNull("draft.signer", signer);
        InvalidInputException.requireNonNull("draft.status", status);
        InvalidInputException.requireNonNull("draft.createdAt", createdAt);
        detail = detail == null ? Map.of() : Map.copyOf(detail);
        if (!status.isInitial()) {
            throw new InvalidInputException("draft.status", status, "must be PENDING or SKIPPED");
        }
        if (status == RecordStatus.PENDING) {
            InvalidInputException.requireNonNull("draft.order", order);
            InvalidInputException.requireNonNull("draft.leaseOwner", leaseOwner);
            InvalidInputException.requireNonNull("draft.leaseUntil", leaseUntil);
            if (reason != null) {
                throw new InvalidInputException("draft.reason", reason, "must be empty for a PENDING draft");
            }
        } else {
            InvalidInputException.requireNonNull("draft.reason", reason);
            leaseOwner = null;
            leaseUntil = null;
        }
    }

    public static RecordDraft pending(LeaderTrade trade, FollowerId follower, Address wallet, Address signer,
            CopyOrder order, Map<String, String> detail, boolean dryRun, String leaseOwner, Instant leaseUntil,
            Instant now) {
        return new RecordDraft(IdempotencyKey.of(trade.signalId(), follower), trade, follower, wallet, signer, order,
                RecordStatus.PENDING, null, detail, dryRun, leaseOwner, leaseUntil, now);
    }

    public static RecordDraft skipped(LeaderTrade trade, FollowerId follower, Address wallet, Address signer,
            CopyOrder order, ReasonCode reason, Map<String, String> detail, boolean dryRun, Instant now) {
        return new RecordDraft(IdempotencyKey.of(trade.signalId(), follower), trade, follower, wallet, signer, order,
                RecordStatus.SKIPPED, reason, detail, dryRun, null, null, now);
    }

    public ClientOrderId clientOrderId() {
        return key.clientOrderId();
    }

    /** The record this draft becomes once the store gives it {@code id}. */
    public CopyTradeRecord toRecord(long id) {
        return new CopyTradeRecord(id, key, key.clientOrderId(), trade, followerId, wallet, signer, order, status,
                reason, detail, null, null, null, null, dryRun, leaseOwner, leaseUntil, createdAt, createdAt, 0);
    }
}
