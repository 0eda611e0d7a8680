package dev.copytrade.core.debt;

/**
 * Moves the money that repays debts (a transfer from a proxy wallet, a refund from the bot's float),
 * and answers what happened to a repayment. Called by {@link DebtRecoveryLoop} only after the
 * repayment's idempotency key is durable on every debt it settles.
 *
 * <p>Implementations must bound every wait well under the loop's claim lease, and must never put a
 * secret into an exception message or a result.
 */
public interface DebtSettler {

    /**
     * Makes {@code repayment} and waits (bounded) for its outcome. Must be idempotent by
     * {@link Repayment#idempotencyKey()}: a second call with the same key must not pay twice (it may
     * answer the first outcome).
     *
     * <p>An exception thrown here is treated like {@link RepayResult.Unknown}: the repayment may have
     * been made, so it is looked up before anything else happens to its debts.
     */
    RepayResult repay(Repayment repayment);

    /**
     * Looks a repayment up by its idempotency key, for reconciliation. Must answer
     * {@link RepaymentLookup.NotFound} only when the settler proved it never received that key; when in
     * doubt, {@link RepaymentLookup.Unknown}. An exception is treated as {@code Unknown}.
     */
    RepaymentLookup lookup(String idempotencyKey);
}
