package dev.copytrade.core.mutex;

import java.time.Duration;

/** The scope stayed held by someone else for the whole bounded wait. Nothing was acquired. */
public final class MutexTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient TxScope scope;
    private final Duration waited;

    public MutexTimeoutException(TxScope scope, Duration waited) {
        super("timed out after " + waited.toMillis() + " ms waiting for scope " + scope);
        this.scope = scope;
        this.waited = waited;
    }

    public TxScope scope() {
        return scope;
    }

    public Duration waited() {
        return waited;
    }
}
