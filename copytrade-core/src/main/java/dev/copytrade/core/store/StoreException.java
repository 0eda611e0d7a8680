package dev.copytrade.core.store;

/**
 * The store could not make a write durable or could not answer. After a failed prewrite the caller
 * must send nothing; after a failed transition the record keeps its previous state and the sweeper
 * resolves it from the venue.
 */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
