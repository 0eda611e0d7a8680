package dev.copytrade.core.internal;

import dev.copytrade.core.mutex.ScopedTxMutex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Asking a signer's lease, right before something leaves under it, whether it still holds. */
public final class Leases {
    private static final Logger log = LoggerFactory.getLogger(Leases.class);

    private Leases() {}

    /**
     * {@link ScopedTxMutex.Lease#isValid()}, failing closed: a lease that cannot tell (its database did not
     * answer) is treated as lost, since another process may hold the scope by now.
     */
    public static boolean stillHeld(ScopedTxMutex.Lease lease) {
        try {
            return lease.isValid();
        } catch (RuntimeException e) {
            log.warn("lease {}: its validity could not be checked; treated as lost", lease, e);
            return false;
        }
    }
}
