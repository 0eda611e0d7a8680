package dev.copytrade.core.executor;

import dev.copytrade.core.mutex.ScopedTxMutex;
import dev.copytrade.core.mutex.TxScope;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** A mutex that tells the test when the executor starts waiting for a scope, so no test has to poll. */
final class SignalingMutex implements ScopedTxMutex {
    private final ScopedTxMutex delegate;
    final CountDownLatch acquireStarted = new CountDownLatch(1);

    SignalingMutex(ScopedTxMutex delegate) {
        this.delegate = delegate;
    }

    @Override
    public Lease acquire(TxScope scope, Duration timeout) {
        acquireStarted.countDown();
        return delegate.acquire(scope, timeout);
    }

    @Override
    public Optional<Lease> tryAcquire(TxScope scope) {
        return delegate.tryAcquire(scope);
    }
}
