package dev.copytrade.core.evm.internal;

import dev.copytrade.core.model.Address;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Nonces per (chain id, signer), handed out only while the signer's lease is held (one prepare, send
 * at a time per signer). A nonce is never handed out twice and the next one never goes backwards,
 * with one exception: a nonce whose transaction provably never reached the node (its prepare was never
 * followed by a send, or the node refused the send with an error proving it was not accepted) is handed
 * out again, so the signer's nonces stay contiguous. A transport failure is not such proof: that nonce
 * stays used.
 *
 * <p>The chain's pending count (mined plus queued in the node) is read when nothing is known yet (a
 * restart), after a nonce error, and — when the signer may be shared with other processes — before
 * every nonce; the allocator then takes the higher of what it knows and what the chain says.
 */
public final class NonceAllocator {
    private static final long NONE = -1;

    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();

    public Slot slot(long chainId, Address signer) {
        return slots.computeIfAbsent(chainId + ":" + signer.value(), k -> new Slot());
    }

    /** One signer's nonces. Methods are synchronized, though the signer's lease already serialises them. */
    public static final class Slot {
        private long next = NONE;
        // handed out by allocate() and not yet broadcast: if the next allocate() finds it still here, the
        // lease it was prepared under ended without a send, so nothing left the process with it
        private long outstanding = NONE;
        private String outstandingHash;
        // proven never to have reached the node: the next allocate() hands it out again
        private long reusable = NONE;
        private String reusableHash;

        /** A nonce handed out, and the hash of the unsent transaction that had it before, if any. */
        public record Allocation(long nonce, String previousHash) {}

        /**
         * The nonce for the next transaction.
         *
         * @param chainPending reads the signer's pending transaction count from the node
         * @param askChain read it even when the allocator already knows a next nonce
         */
        public synchronized Allocation allocate(LongSupplier chainPending, boolean askChain) {
            if (outstanding != NONE) {
                reusable = outstanding;
                reusableHash = outstandingHash;
                outstanding = NONE;
                outstandingHash = null;
            }
            long n = reusable != NONE ? reusable : next;
            if (askChain || next == NONE) {
                n = Math.max(n, chainPending.getAsLong());
            }
            String previous = n == reusable ? reusableHash : null;
            reusable = NONE;
            reusableHash = null;
            outstanding = n;
            next = Math.max(next, n + 1);
            return new Allocation(n, previous);
        }

        /** The transaction signed with the outstanding {@code nonce} has {@code hash}. */
        public synchronized void signed(long nonce, String hash) {
            if (outstanding == nonce) {
                outstandingHash = hash;
            }
        }

        /** {@code nonce} is about to be broadcast: from now on it may have reached the node. */
        public synchronized void broadcasting(long nonce) {
            if (outstanding == nonce) {
                outstanding = NONE;
                outstandingHash = null;
            }
        }

        /** Preparing {@code nonce} failed after it was handed out (signing, say): nothing was sent. */
        public synchronized void abandoned(long nonce) {
            release(nonce);
        }

        /**
         * The executor decided not to send the transaction {@code hash} prepared with {@code nonce} (its
         * lease was lost). Only if that transaction is still the outstanding one does its nonce come back:
         * a holder that took the signer over meanwhile may already have been handed this nonce again.
         */
        public synchronized void unsent(long nonce, String hash) {
            if (outstanding == nonce && hash != null && hash.equals(outstandingHash)) {
                release(nonce);
            }
        }

        /** The node refused {@code nonce}'s transaction with an error proving it was not accepted. */
        public synchronized void refused(long nonce) {
            release(nonce);
        }

        /**
         * The node says the nonce is used already ("nonce too low", or another transaction holds it in
         * the pool): continue from its pending count, never below what was handed out.
         */
        public synchronized void resync(long chainPending) {
            outstanding = NONE;
            outstandingHash = null;
            reusable = NONE;
            reusableHash = null;
            next = Math.max(next, chainPending);
        }

        /** The next nonce this allocator would hand out without asking the chain; -1 if unknown. */
        public synchronized long peekNext() {
            return reusable != NONE ? reusable : next;
        }

        private void release(long nonce) {
            String hash = outstanding == nonce ? outstandingHash : null;
            if (outstanding == nonce) {
                outstanding = NONE;
                outstandingHash = null;
            }
            // only the latest nonce can come back: one handed out after it would otherwise leave a gap
            if (next == nonce + 1) {
                reusable = nonce;
                reusableHash = hash;
            }
        }
    }
}
