package dev.copytrade.core.evm;

import dev.copytrade.core.chain.OrderLookup;
import dev.copytrade.core.chain.OrderRequest;
import dev.copytrade.core.evm.internal.NodeErrors;
import dev.copytrade.core.evm.internal.SignedTx;
import dev.copytrade.core.internal.Leases;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.mutex.MutexInterruptedException;
import dev.copytrade.core.mutex.MutexTimeoutException;
import dev.copytrade.core.mutex.ScopedTxMutex;
import dev.copytrade.core.mutex.TxScope;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.record.Transition;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.store.TransitionResult;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Speeds up stuck transactions: a SUBMITTED record whose transaction has not been mined for
 * {@code stuckAfter} gets a replacement with the same nonce and the same action, with both fees raised
 * by at least {@code feeBumpPercent} over the last ones sent (and never below what the fee provider
 * asks now). At most one of the two can be mined, since they share the nonce; the record ends EXECUTED
 * by whichever was.
 *
 * <p>For each replacement, in this order, under the signer's lease (so it never interleaves with the
 * signer's sends): the record's lease is extended on behalf of the executor that owns it (so the sweeper
 * cannot reconcile it from a copy that lacks the new hash; if the sweeper already claimed it, nothing is
 * done); the replacement's hash becomes the record's {@code venueRef} and the earlier hashes are kept
 * under {@link OrderLookup#EARLIER_REFS} (SUBMITTED → SUBMITTED, compare-and-set); only then is it
 * broadcast. An executor in this process still waiting for the original's receipt sees the replacement's.
 *
 * <p>Only records owned by {@code executorInstanceId} are touched: those of a dead process are left to
 * the sweeper. {@link #runOnce()} scans SUBMITTED records; {@link #replace} handles one.
 */
public final class StuckTransactionReplacer {
    private static final Logger log = LoggerFactory.getLogger(StuckTransactionReplacer.class);

    /** What one {@link #replace} did. */
    public enum Outcome {
        /** A replacement was recorded and broadcast. */
        REPLACED,
        /** Not stuck (yet): too recent, or already mined, or its nonce already used. */
        NOT_STUCK,
        /** Not this replacer's to touch: another owner, not SUBMITTED, no nonce or hash, no key. */
        NOT_OURS,
        /** The raised fees would pass the fee ceiling, or the record was replaced too often already. */
        LIMIT_REACHED,
        /** The node refused the replacement (underpriced, say); the record names it, a later run retries. */
        REFUSED,
        /** The signer's lease or the node could not be had now; a later run retries. */
        RETRY_LATER
    }

    /** The result of one {@link #replace}: what happened and the replacement's hash if one was recorded. */
    public record Attempt(Outcome outcome, String replacementHash, String detail) {}

    private final CopyTradeStore store;
    private final EvmChainAdapter adapter;
    private final ScopedTxMutex mutex;
    private final String executorInstanceId;
    private final Clock clock;
    private final Duration stuckAfter;
    private final int feeBumpPercent;
    private final BigInteger feeCeiling;
    private final int maxReplacements;
    private final Duration lockTimeout;
    private final Duration leaseExtension;
    private final int batchSize;

    private StuckTransactionReplacer(Builder b) {
        this.store = b.store;
        this.adapter = b.adapter;
        this.mutex = b.mutex;
        this.executorInstanceId = b.executorInstanceId;
        this.clock = b.clock;
        this.stuckAfter = b.stuckAfter;
        this.feeBumpPercent = b.feeBumpPercent;
        this.feeCeiling = b.feeCeiling;
        this.maxReplacements = b.maxReplacements;
        this.lockTimeout = b.lockTimeout;
        this.leaseExtension = b.leaseExtension;
        this.batchSize = b.batchSize;
    }

    /**
     * @param executorInstanceId the {@code instanceId} of the executor whose records this replacer
     *     speeds up (the lease owner it writes on them)
     */
    public static Builder builder(CopyTradeStore store, EvmChainAdapter adapter, ScopedTxMutex mutex,
            String executorInstanceId) {
        return new Builder(store, adapter, mutex, executorInstanceId);
    }

    /** Pages through every SUBMITTED record and replaces the stuck ones; returns how many were replaced. */
    public int runOnce() {
        int replaced = 0;
        long after = 0;
        while (true) {
            List<CopyTradeRecord> page = store.findByStatus(RecordStatus.SUBMITTED, after, batchSize);
            for (CopyTradeRecord r : page) {
                if (executorInstanceId.equals(r.leaseOwner()) && replace(r).outcome() == Outcome.REPLACED) {
                    replaced++;
                }
            }
            if (page.size() < batchSize) {
                return replaced;
            }
            after = page.get(page.size() - 1).id();
        }
    }

    /** Replaces {@code record}'s transaction if it is stuck; see the class comment for the order of steps. */
    public Attempt replace(CopyTradeRecord record) {
        InvalidInputException.requireNonNull("record", record);
        if (record.status() != RecordStatus.SUBMITTED || record.nonce() == null || record.order() == null
                || !EvmChainAdapter.isTxHash(record.venueRef()) || !adapter.signsFor(record.signer())
                || !executorInstanceId.equals(record.leaseOwner())) {
            return new Attempt(Outcome.NOT_OURS, null, "not a SUBMITTED transaction of " + executorInstanceId);
        }
        Instant now = clock.instant();
        if (Duration.between(record.updatedAt(), now).compareTo(stuckAfter) < 0) {
            return new Attempt(Outcome.NOT_STUCK, null, "sent less than " + stuckAfter + " ago");
        }
        List<String> earlier = OrderLookup.splitRefs(record.detail().get(OrderLookup.EARLIER_REFS));
        if (earlier.size() >= maxReplacements) {
            return new Attempt(Outcome.LIMIT_REACHED, null, "replaced " + earlier.size() + " times already");
        }
        TxScope scope = TxScope.signer(adapter.chainId(), record.signer());
        ScopedTxMutex.Lease lease;
        try {
            lease = mutex.acquire(scope, lockTimeout);
        } catch (MutexTimeoutException | MutexInterruptedException e) {
            return new Attempt(Outcome.RETRY_LATER, null, "signer lease not acquired: " + e.getMessage());
        }
        try (lease) {
            return replaceUnderLease(record, earlier, lease);
        } catch (UncheckedIOException e) {
            log.warn("record {}: the node could not be asked; retried on the next run", record.id(), e);
            return new Attempt(Outcome.RETRY_LATER, null, "node: " + e.getCause());
        }
    }

    private Attempt replaceUnderLease(CopyTradeRecord record, List<String> earlier, ScopedTxMutex.Lease lease) {
        long nonce = record.nonce();
        List<String> hashes = new ArrayList<>(earlier);
        hashes.add(record.venueRef());
        if (adapter.minedCount(record.signer()) > nonce || adapter.firstReceipt(hashes).isPresent()) {
            return new Attempt(Outcome.NOT_STUCK, null, "nonce " + nonce + " is already mined");
        }
        Fees current = adapter.currentFees();
        Optional<Fees> last = adapter.knownFees(record.signer(), nonce, hashes);
        Fees raised = last.map(f -> f.bumped(feeBumpPercent).atLeast(current)).orElse(current);
        if (feeCeiling != null && raised.maxFeePerGas().compareTo(feeCeiling) > 0) {
            log.warn("record {}: replacing nonce {} needs maxFeePerGas {} over the ceiling {}; left as is",
                    record.id(), nonce, raised.maxFeePerGas(), feeCeiling);
            return new Attempt(Outcome.LIMIT_REACHED, null, "maxFeePerGas " + raised.maxFeePerGas()
                    + " would pass the ceiling " + feeCeiling);
        }
        Instant now = clock.instant();
        if (!store.renewLease(record.id(), RecordStatus.SUBMITTED, executorInstanceId, now.plus(leaseExtension))) {
            return new Attempt(Outcome.NOT_OURS, null, "the record moved on or another owner holds it");
        }
        OrderRequest request = new OrderRequest(record.id(), record.key(), record.clientOrderId(), record.order(),
                record.wallet(), record.signer(), adapter.chainId(), lease.fencingToken());
        SignedTx replacement = adapter.signReplacement(request, nonce, raised);
        List<String> kept = new ArrayList<>(earlier);
        kept.add(record.venueRef());
        // the new hash is durable on the record before it can exist anywhere else
        TransitionResult amended = store.transition(new Transition(record.id(), RecordStatus.SUBMITTED,
                RecordStatus.SUBMITTED, now, null, Map.of(OrderLookup.EARLIER_REFS, String.join(",", kept)),
                replacement.hash(), nonce, null, null, null, null));
        if (!amended.applied()) {
            return new Attempt(Outcome.NOT_OURS, null, "the record moved on before the replacement was recorded");
        }
        if (!Leases.stillHeld(lease)) {
            // another process may hold the signer now; the recorded hash that never left is harmless: lookups try
            // the earlier hashes and the nonce, and the next run signs a new replacement
            log.warn("record {}: the signer's lease (token {}) was lost before the replacement's broadcast; nothing"
                    + " was sent", record.id(), lease.fencingToken());
            return new Attempt(Outcome.RETRY_LATER, null, "signer lease lost before the replacement's broadcast;"
                    + " nothing was sent");
        }
        EvmChainAdapter.Broadcast sent = adapter.broadcastReplacement(replacement);
        if (sent.kind() == NodeErrors.Kind.ALREADY_KNOWN || sent.kind() == NodeErrors.Kind.UNKNOWN) {
            log.info("record {}: nonce {} of {} replaced by {} (fees {} → {})", record.id(), nonce, record.signer(),
                    replacement.hash(), last.orElse(null), raised);
            return new Attempt(Outcome.REPLACED, replacement.hash(), sent.message());
        }
        if (sent.kind() == NodeErrors.Kind.NONCE_TOO_LOW) {
            // the original got mined meanwhile: the record still names it among the earlier hashes
            return new Attempt(Outcome.NOT_STUCK, replacement.hash(), "mined meanwhile: " + sent.message());
        }
        log.warn("record {}: replacement {} refused by the node: {}", record.id(), replacement.hash(), sent.message());
        return new Attempt(Outcome.REFUSED, replacement.hash(), sent.message());
    }

    /**
     * Defaults: stuck after 60 s, fees raised by 10 % (the usual node minimum; rounded up), no fee
     * ceiling, at most 5 replacements per record, 30 s signer-lease wait, the record's lease extended by
     * 10 minutes (the executor's in-flight TTL), pages of 100, system UTC clock.
     */
    public static final class Builder {
        private final CopyTradeStore store;
        private final EvmChainAdapter adapter;
        private final ScopedTxMutex mutex;
        private final String executorInstanceId;
        private Clock clock = Clock.systemUTC();
        private Duration stuckAfter = Duration.ofSeconds(60);
        private int feeBumpPercent = 10;
        private BigInteger feeCeiling;
        private int maxReplacements = 5;
        private Duration lockTimeout = Duration.ofSeconds(30);
        private Duration leaseExtension = Duration.ofMinutes(10);
        private int batchSize = 100;

        private Builder(CopyTradeStore store, EvmChainAdapter adapter, ScopedTxMutex mutex, String executorInstanceId) {
            this.store = store;
            this.adapter = adapter;
            this.mutex = mutex;
            this.executorInstanceId = executorInstanceId;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** How long after the last send (the record's last update) a transaction counts as stuck. */
        public Builder stuckAfter(Duration stuckAfter) {
            this.stuckAfter = stuckAfter;
            return this;
        }

        /** At least 10 (nodes refuse a smaller raise as "replacement transaction underpriced"). */
        public Builder feeBumpPercent(int percent) {
            this.feeBumpPercent = percent;
            return this;
        }

        /** The highest maxFeePerGas (wei) a replacement may carry; none by default. */
        public Builder feeCeiling(BigInteger weiPerGas) {
            this.feeCeiling = weiPerGas;
            return this;
        }

        public Builder maxReplacements(int max) {
            this.maxReplacements = max;
            return this;
        }

        public Builder lockTimeout(Duration timeout) {
            this.lockTimeout = timeout;
            return this;
        }

        /** How far the record's lease is extended before a replacement leaves; the executor's in-flight TTL. */
        public Builder leaseExtension(Duration extension) {
            this.leaseExtension = extension;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public StuckTransactionReplacer build() {
            InvalidInputException.requireNonNull("store", store);
            InvalidInputException.requireNonNull("adapter", adapter);
            InvalidInputException.requireNonNull("mutex", mutex);
            InvalidInputException.requireNonNull("executorInstanceId", executorInstanceId);
            InvalidInputException.requireNonNull("clock", clock);
            InvalidInputException.requireNonNull("stuckAfter", stuckAfter);
            if (stuckAfter.isNegative()) {
                throw new InvalidInputException("stuckAfter", stuckAfter, "must not be negative");
            }
            if (feeBumpPercent < 10 || feeBumpPercent > 1000) {
                throw new InvalidInputException("feeBumpPercent", feeBumpPercent,
                        "must be in 10..1000 (nodes refuse a replacement raised by less than 10 %)");
            }
            if (feeCeiling != null && feeCeiling.signum() <= 0) {
                throw new InvalidInputException("feeCeiling", feeCeiling, "must be positive");
            }
            if (maxReplacements < 1) {
                throw new InvalidInputException("maxReplacements", maxReplacements, "must be positive");
            }
            InvalidInputException.requireNonNull("lockTimeout", lockTimeout);
            if (lockTimeout.isNegative()) {
                throw new InvalidInputException("lockTimeout", lockTimeout, "must not be negative");
            }
            InvalidInputException.requirePositive("leaseExtension", leaseExtension);
            if (batchSize < 1 || batchSize > 10_000) {
                throw new InvalidInputException("batchSize", batchSize, "must be in 1..10000");
            }
            return new StuckTransactionReplacer(this);
        }
    }
}
