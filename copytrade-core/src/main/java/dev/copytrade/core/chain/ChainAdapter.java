package dev.copytrade.core.chain;

/**
 * Executes orders on a venue or chain, and answers what happened to them. Called by the executor
 * only under the signer's lease, after the record is durable.
 *
 * <p>Implementations must bound every wait well under the executor's in-flight TTL (the sweeper
 * reconciles a record whose lease ran out) and must never put a secret into an exception message.
 */
public interface ChainAdapter {

    /** A short name for logs and records ({@code "polymarket"}, {@code "evm:137"}, {@code "simulated"}). */
    String venue();

    /**
     * True if this adapter moves real money. The real-trading master switch skips every order for an
     * adapter that does, until real trading is enabled.
     */
    default boolean movesRealMoney() {
        return true;
    }

    /**
     * Prepares an order without sending it: sign, pick a nonce, compute the tx hash. Nothing may leave
     * the process here. The default prepares nothing (the client order id is the reference).
     *
     * @throws RuntimeException if it cannot be prepared; the executor then records FAILED
     *     ({@code PREPARE_FAILED}), since nothing was sent
     */
    default PreparedOrder prepare(OrderRequest request) {
        return PreparedOrder.of(request);
    }

    /**
     * Sends the order and waits (bounded) for its outcome. Must be idempotent by client order id: a
     * second call for the same id must not execute twice (venues dedup on it; a chain by nonce).
     *
     * <p>An exception thrown here is treated like {@link SubmitResult.Unknown}: the order may have
     * left, so the record stays in flight for the reconciler and is never re-sent automatically.
     */
    SubmitResult submit(PreparedOrder order);

    /**
     * The first half of a split {@link #submit}: sends the order and returns as soon as it has left,
     * under the signer's lease. The executor calls this, then releases the lease, then calls
     * {@link #awaitOutcome} when the answer is {@link SubmitResult.Unknown} — so a signer's next order
     * (an EVM signer's next nonce) need not wait for this one to be mined. Same contract as
     * {@code submit}: {@link SubmitResult.Rejected} only when the venue proved nothing executed; a throw
     * counts as {@link SubmitResult.Unknown}.
     *
     * <p>The default does not split: it is {@code submit}, and {@code awaitOutcome} then has nothing to add.
     */
    default SubmitResult send(PreparedOrder order) {
        return submit(order);
    }

    /**
     * The second half of a split {@link #submit}: waits (bounded, well under the in-flight TTL) for the
     * outcome of an order {@link #send} answered {@code sent} for, after the signer's lease was
     * released. Returns {@link SubmitResult.Unknown} when the wait ends undecided; the record then stays
     * in flight for the reconciler. A throw counts as {@code sent}. The default returns {@code sent}.
     */
    default SubmitResult awaitOutcome(PreparedOrder order, SubmitResult.Unknown sent) {
        return sent;
    }

    /**
     * The executor prepared {@code order} and then decided not to send it (the signer's lease was lost
     * before the broadcast): nothing of it left the process, so whatever {@link #prepare} set aside for it
     * (an EVM signer's nonce) may be handed out again. May be called after another holder took the signer
     * over, so it must leave alone anything that holder prepared since. Never throws; the default does
     * nothing.
     */
    default void notSent(PreparedOrder order) {}

    /**
     * Looks up an order by client order id / venue reference / nonce, for the reconciler. Must answer
     * {@link LookupResult.NotFound} only when the venue proved it has no such order; when in doubt,
     * {@link LookupResult.Unknown}.
     *
     * <p>An adapter whose orders carry settlement legs must report them in {@link LookupResult.Filled}
     * too: when the executor's final write failed (a debt the database refused, a crash), the sweeper
     * records the record and its debts from this answer, and a leg not reported here is a debt forgotten.
     */
    LookupResult lookup(OrderLookup lookup);
}
