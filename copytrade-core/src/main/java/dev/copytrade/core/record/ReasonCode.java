package dev.copytrade.core.record;

/**
 * Why a record was skipped or failed. A closed set, so dashboards and alerts can rely on it; the
 * record's detail map carries the specifics (values, limits, the guardrail's name). A host's own
 * guardrail reports {@link #CUSTOM} with its code in the detail map under {@code "code"}.
 */
public enum ReasonCode {
    // sizing (CopyPolicy)
    /** The follower's side filter excludes the leader's side. */
    SIDE_FILTERED,
    /** The leader's trade is worth less than the follower's trigger minimum. */
    LEADER_TRADE_TOO_SMALL,
    /** The sized copy is worth less than the follower's minimum per trade. */
    BELOW_MIN_PER_TRADE,
    /** The sized copy is below the venue's minimum order and may not be raised. */
    BELOW_VENUE_MINIMUM,

    // guardrails
    /** The emergency pause is on. */
    EMERGENCY_PAUSE,
    /** The adapter moves real money and real trading is not enabled. */
    REAL_TRADING_DISABLED,
    /** Dry-run: the whole path ran and was recorded; nothing was sent. */
    DRY_RUN,
    /** The order is worth more than the per-trade cap (and the cap's policy is to skip). */
    NOTIONAL_CAP_EXCEEDED,
    /** The follower's wallet is not on the execution allowlist. */
    FOLLOWER_NOT_ALLOWED,
    /** The follower's wallet is on the execution denylist. */
    FOLLOWER_DENIED,
    /** The follower's signer (worker) is not on the worker allowlist. */
    SIGNER_NOT_ALLOWED,
    /** The follower's signer (worker) is on the worker denylist. */
    SIGNER_DENIED,
    /** The leader's wallet is not on the leader allowlist. */
    LEADER_NOT_ALLOWED,
    /** The leader's wallet is on the leader denylist. */
    LEADER_DENIED,
    /** The market (by slug or condition id) is not on the market allowlist. */
    MARKET_NOT_ALLOWED,
    /** The market (by slug or condition id) is on the market denylist. */
    MARKET_DENIED,
    /** The signer's order-rate token bucket is empty; see {@code detail.retryAfterMs}. */
    RATE_LIMITED,
    /** A BUY's limit price or the current ask is outside the configured probability band. */
    PRICE_OUT_OF_BAND,
    /** The current quote is worse than the leader's price by more than the allowed deviation. */
    QUOTE_DEVIATION,
    /** The quote is older than the allowed age. */
    QUOTE_STALE,
    /** No quote could be had: the quote source failed, or the book side the order needs is empty. */
    QUOTE_UNAVAILABLE,
    /** A SELL for a market in which the follower's wallet holds no shares. */
    NO_POSITION,
    /** The market or the follower is cooling down after a run of failed orders. */
    COOLDOWN,
    /** The follower's realized loss for the current UTC day has reached the daily limit. */
    LOSS_LIMIT,
    /** This process saw the same (signal, follower) within the dedup window. */
    DUPLICATE_SIGNAL,
    /** A money budget (global, wallet, market or leader, over its window) cannot take the order. */
    BUDGET_EXHAUSTED,
    /** A trade-count budget (global or per follower, over its window) is used up. */
    TRADE_COUNT_EXCEEDED,
    /** A BUY for a follower whose wallet already owes open debts above the limit: no new float against it. */
    DEBT_OUTSTANDING,
    /** A guardrail threw: fail closed, nothing is sent. */
    GUARDRAIL_ERROR,
    /** A host-defined guardrail; see {@code detail.code}. */
    CUSTOM,

    // execution failures (FAILED / EXPIRED records)
    /** The signer's lock could not be had within the configured wait; nothing was sent. */
    SIGNER_LOCK_TIMEOUT,
    /**
     * The signer's lease was found no longer valid right before the send (a database mutex whose session
     * ended or whose lease timed out: another process may hold the signer by now); nothing was sent.
     */
    SIGNER_LEASE_LOST,
    /** The adapter failed to prepare the order (signing, nonce); nothing was sent. */
    PREPARE_FAILED,
    /** The venue or chain definitively rejected the order. */
    VENUE_REJECTED,
    /** Reconciliation proved the venue never received the order. */
    NOT_FOUND_AT_VENUE
}
