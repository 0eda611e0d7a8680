package dev.copytrade.core.mutex;

/** The waiting thread was interrupted; nothing was acquired and the interrupt flag is set again. */
public final class MutexInterruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MutexInterruptedException(TxScope scope, InterruptedException cause) {
        super("interrupted while waiting for scope " + scope, cause);
    }
}
