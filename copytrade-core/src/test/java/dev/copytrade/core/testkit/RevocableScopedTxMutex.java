package dev.copytrade.core.testkit;

import dev.copytrade.core.mutex.LocalScopedTxMutex;
import dev.copytrade.core.mutex.ScopedTxMutex;
import dev.copytrade.core.mutex.TxScope;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link LocalScopedTxMutex} whose held leases a test can take away, as a database takes a lease whose
 * session ended: {@link #revoke} frees the scope for the next holder (with a greater fencing token) and
 * the revoked lease answers {@link Lease#isValid()} false from then on; closing it later changes nothing.
 */
public final class RevocableScopedTxMutex implements ScopedTxMutex {
    private final LocalScopedTxMutex local = new LocalScopedTxMutex();
    private final Set<RevocableLease> held = ConcurrentHashMap.newKeySet();

    @Override
    public Lease acquire(TxScope scope, Duration timeout) {
        return track(local.acquire(scope, timeout));
    }

    @Override
    public Optional<Lease> tryAcquire(TxScope scope) {
        return local.tryAcquire(scope).map(this::track);
    }

    /** Takes away every held lease of {@code scope}; returns how many there were (0 or 1). */
    public int revoke(TxScope scope) {
        int n = 0;
        for (RevocableLease l : held) {
            if (l.scope().equals(scope) && l.revoke()) {
                n++;
            }
        }
        return n;
    }

    private Lease track(Lease inner) {
        RevocableLease l = new RevocableLease(inner);
        held.add(l);
        return l;
    }

    private final class RevocableLease implements Lease {
        private final Lease inner;
        private final AtomicBoolean valid = new AtomicBoolean(true);

        RevocableLease(Lease inner) {
            this.inner = inner;
        }

        boolean revoke() {
            if (!valid.compareAndSet(true, false)) {
                return false;
            }
            held.remove(this);
            inner.close();
            return true;
        }

        @Override
        public TxScope scope() {
            return inner.scope();
        }

        @Override
        public long fencingToken() {
            return inner.fencingToken();
        }

        @Override
        public boolean isValid() {
            return valid.get() && inner.isValid();
        }

        @Override
        public void close() {
            valid.set(false);
            held.remove(this);
            inner.close();
        }

        @Override
        public String toString() {
            return "RevocableLease{" + inner + ", valid=" + valid.get() + "}";
        }
    }
}
