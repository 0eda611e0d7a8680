package dev.copytrade.core.record;

import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.ClientOrderId;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.FollowerId;
import dev.copytrade.core.model.IdempotencyKey;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.LeaderTrade;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The durable record of one (leader trade, follower) decision. Immutable: a store replaces it with
 * {@link #apply(Transition)} under compare-and-set.
 *
 * @param id store-assigned, positive
 * @param key f(signal, follower): unique in the store
 * @param clientOrderId derived from the key; what the venue sees
 * @param trade the leader trade being copied
 * @param followerId the follower
 * @param wallet the follower's wallet
 * @param signer the follower's signer (serialisation scope)
 * @param order the order as sized and checked; {@code null} when sizing itself skipped
 * @param status where the record is in its lifecycle
 * @param reason why it was skipped/failed/expired; {@code null} otherwise
 * @param detail audit details (limits, values, guardrail names, errors)
 * @param venueRef the venue order id / tx hash once known (stored before broadcast when it can be)
 * @param nonce the signer nonce used, for chains; {@code null} otherwise
 * @param fill what was filled, once EXECUTED
 * @param lastError the latest error text (never a secret), e.g. why the outcome is unknown
 * @param dryRun recorded in dry-run mode: nothing may be sent for it
 * @param leaseOwner the executor instance working on it while in flight
 * @param leaseUntil until when the owner's lease holds; the sweeper waits for it to pass
 * @param createdAt when it was prewritten
 * @param updatedAt last transition
 * @param version incremented on every transition
 */
public record CopyTradeRecord(long id, IdempotencyKey key, ClientOrderId clientOrderId, LeaderTrade trade,
        FollowerId followerId, Address wallet, Address signer, CopyOrder order, RecordStatus status,
        ReasonCode reason, Map<String, String> detail, String venueRef, Long nonce, Fill fill, String lastError,
        boolean dryRun, String leaseOwner, Instant leaseUntil, Instant createdAt, Instant updatedAt, int version) {

    public CopyTradeRecord {
        if (id <= 0) {
            throw new InvalidInputException("record.id", id, "must be positive");
        }
        InvalidInputException.requireNonNull("record.key", key);
        InvalidInputException.requireNonNull("record.clientOrderId", clientOrderId);
        InvalidInputException.requireNonNull("record.trade", trade);
        InvalidInputException.requireNonNull("record.followerId", followerId);
        InvalidInputException.requireNonNull("record.wallet", wallet);
        InvalidInputException.requireNonNull("record.signer", signer);
        InvalidInputException.requireNonNull("record.status", status);
        InvalidInputException.requireNonNull("record.createdAt", createdAt);
        InvalidInputException.requireNonNull("record.updatedAt", updatedAt);
        detail = detail == null ? Map.of() : Map.copyOf(detail);
        if (status != RecordStatus.SKIPPED && order == null) {
            throw new InvalidInputException("record.order", null, "is required unless the record is SKIPPED");
        }
        if (status == RecordStatus.SKIPPED && reason == null) {
            throw new InvalidInputException("record.reason", null, "is required for a SKIPPED record");
        }
        if (status == RecordStatus.EXECUTED && fill == null) {
            throw new InvalidInputException("record.fill", null, "is required for an EXECUTED record");
        }
    }

    /** The record after {@code t}; the caller (a store) has checked {@code t.from() == status()}. */
    public CopyTradeRecord apply(Transition t) {
        if (t.id() != id || t.from() != status) {
            throw new IllegalStateException("transition " + t + " does not apply to record " + id + " in " + status);
        }
        Map<String, String> mergedDetail = detail;
        if (!t.detail().isEmpty()) {
            Map<String, String> m = new LinkedHashMap<>(detail);
            m.putAll(t.detail());
            mergedDetail = m;
        }
        boolean keepsLease = t.to().isInFlight();
        return new CopyTradeRecord(id, key, clientOrderId, trade, followerId, wallet, signer, order, t.to(),
                t.reason() != null ? t.reason() : reason, mergedDetail,
                t.venueRef() != null ? t.venueRef() : venueRef,
                t.nonce() != null ? t.nonce() : nonce,
                t.fill() != null ? t.fill() : fill,
                t.lastError() != null ? t.lastError() : lastError,
                dryRun,
                keepsLease ? (t.leaseOwner() != null ? t.leaseOwner() : leaseOwner) : null,
                keepsLease ? (t.leaseUntil() != null ? t.leaseUntil() : leaseUntil) : null,
                createdAt, t.at(), version + 1);
    }

    /** The same record with a new lease; used by stores for renew and claim. */
    public CopyTradeRecord withLease(String owner, Instant until) {
        return new CopyTradeRecord(id, key, clientOrderId, trade, followerId, wallet, signer, order, status, reason,
                detail, venueRef, nonce, fill, lastError, dryRun, owner, until, createdAt, updatedAt, version);
    }

    /** True if its lease has run out at {@code now} while still in flight: the sweeper's to reconcile. */
    public boolean isStale(Instant now) {
        return status.isInFlight() && leaseUntil != null && !leaseUntil.isAfter(now);
    }

    /** SUBMITTED with an unknown outcome noted, or UNKNOWN: a reconcile (never a re-send) must settle it. */
    public boolean needsReconciliation() {
        return status == RecordStatus.UNKNOWN || (status == RecordStatus.SUBMITTED && lastError != null);
    }
}
