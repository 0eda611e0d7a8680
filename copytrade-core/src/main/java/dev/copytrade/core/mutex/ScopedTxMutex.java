package dev.copytrade.core.mutex;

import java.time.Duration;
import java.util.Optional;

/**
 * Mutual exclusion per scope: one holder per {@link TxScope} at a time, any number of scopes in
 * parallel. Every implementation passes {@code ScopedTxMutexContract} from core's test-jar.
 *
 * <p>Not reentrant: a thread that already holds a scope and asks for it again waits like anybody else
 * (and times out), because a signer's sends must be strictly one at a time.
 */
public interface ScopedTxMutex {

    /**
     * Waits at most {@code timeout} to become the sole holder of {@code scope}.
     *
     * @return the lease; closing it releases the scope (idempotent)
     * @throws MutexTimeoutException naming the scope and the wait if it could not be had in time
     * @throws MutexInterruptedException if the thread was interrupted while waiting (its interrupt flag
     *     is set again)
     */
    Lease acquire(TxScope scope, Duration timeout);

    /** Acquires {@code scope} only if it is free right now. */
    Optional<Lease> tryAcquire(TxScope scope);

    /**
     * A held scope. The fencing token is strictly greater than that of every earlier lease of the same
     * scope, so a downstream system can refuse a holder that stalled past its turn.
     */
    interface Lease extends AutoCloseable {
        TxScope scope();

        long fencingToken();

        /**
         * Whether this lease still excludes every other holder, as far as the implementation can tell:
         * false once closed, and for a database mutex also once the session that held the lock is gone
         * (after which another process may hold the scope with a greater token). May cost a round trip.
         * A {@code true} can be out of date the moment it is returned: it lets a holder stop early, while
         * the fencing token is what lets a downstream system refuse a holder that lost its turn.
         */
        default boolean isValid() {
            return true;
        }

        /** Releases the scope. Idempotent; never throws. */
        @Override
        void close();
    }
}
