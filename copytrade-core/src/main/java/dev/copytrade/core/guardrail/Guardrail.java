package dev.copytrade.core.guardrail;

import dev.copytrade.core.model.CopyOrder;

/**
 * One check that decides, before money moves, whether an order may go. Built-ins and a host's own
 * checks are ordinary implementations, composed in a {@link GuardrailChain}.
 *
 * <p>Implementations must be thread-safe (the executor evaluates in parallel across signers), fast and
 * free of side effects that cannot be undone: a later guardrail may still skip the order. A guardrail
 * that throws makes the chain skip the order with {@code GUARDRAIL_ERROR} (fail closed).
 */
public interface Guardrail {

    /** Decide on {@code order}. Called once per order per phase this guardrail takes part in. */
    Decision evaluate(CopyOrder order, GuardrailContext context);

    /** The name written into skip records; defaults to the class's simple name. */
    default String name() {
        return getClass().getSimpleName();
    }

    /**
     * True if the answer can change between the pre-trade check and the send (a pause switch, a
     * quote), so it is evaluated again under the signer's lock right before the order leaves. A
     * realtime evaluation may only allow or skip.
     */
    default boolean realtime() {
        return false;
    }
}
