package dev.copytrade.core.mutex;

import dev.copytrade.core.model.InvalidInputException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ScopedTxMutex} for one JVM. A scope's entry lives only while someone holds or waits for
 * it, so a bot that has seen millions of scopes keeps memory for the few in use. Waiters are served
 * in arrival order. Fencing tokens come from one counter for the whole mutex, so they only grow per
 * scope even after an entry was evicted and created again.
 */
public final class LocalScopedTxMutex implements ScopedTxMutex {
    private final ConcurrentHashMap<TxScope, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong fencing = new AtomicLong();

    @Override
    public Lease acquire(TxScope scope, Duration timeout) {
        InvalidInputException.requireNonNull("scope", scope);
        InvalidInputException.requireNonNull("timeout", timeout);
        if (timeout.isNegative()) {
            throw new InvalidInputException("timeout", timeout, "must not be negative");
        }
        Entry e = reference(scope);
        boolean acquired = false;
        try {
            // the timed form honours arrival order; the untimed tryAcquire() would barge past waiters
            acquired = e.permit.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new MutexInterruptedException(scope, ie);
        } finally {
            if (!acquired) {
                dereference(scope);
            }
        }
        if (!acquired) {
            throw new MutexTimeoutException(scope, timeout);
        }
        return new LocalLease(scope, e, fencing.incrementAndGet());
    }

    @Override
    public Optional<Lease> tryAcquire(TxScope scope) {
        InvalidInputException.requireNonNull("scope", scope);
        Entry e = reference(scope);
        boolean acquired = false;
        try {
            acquired = e.permit.tryAcquire(0, TimeUnit.NANOSECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new MutexInterruptedException(scope, ie);
        } finally {
            if (!acquired) {
                dereference(scope);
            }
        }
        if (!acquired) {
            return Optional.empty();
        }
        return Optional.of(new LocalLease(scope, e, fencing.incrementAndGet()));
    }

    /** How many scopes currently have an entry (held or waited for); for tests of eviction. */
    public int activeScopes() {
        return entries.size();
    }

    private Entry reference(TxScope scope) {
        // refs is only touched inside compute for that key, which ConcurrentHashMap serialises
        return entries.compute(scope, (k, v) -> {
            Entry e = v == null ? new Entry() : v;
            e.refs++;
            return e;
        });
    }

    private void dereference(TxScope scope) {
        entries.computeIfPresent(scope, (k, v) -> --v.refs == 0 ? null : v);
    }

    private static final class Entry {
        final Semaphore permit = new Semaphore(1, true);
        int refs;
    }

    private final class LocalLease implements Lease {
        private final TxScope scope;
        private final Entry entry;
        private final long token;
        private final AtomicBoolean open = new AtomicBoolean(true);

        LocalLease(TxScope scope, Entry entry, long token) {
            this.scope = scope;
            this.entry = entry;
            this.token = token;
        }

        @Override
        public TxScope scope() {
            return scope;
        }

        @Override
        public long fencingToken() {
            return token;
        }

        @Override
        public boolean isValid() {
            return open.get();
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                entry.permit.release();
                dereference(scope);
            }
        }

        @Override
        public String toString() {
            return "Lease{" + scope + ", token=" + token + "}";
        }
    }
}
