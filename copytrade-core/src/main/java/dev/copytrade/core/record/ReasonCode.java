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
    /** A money budget (global, wallet, market or leader, over its window) cannot take the order. */
    BUDGET_EXHAUSTED,
    /** A trade-count budget (global or per follower, over its window) is used up. */
    TRADE_COUNT_EXCEEDED,
    /** A guardrail threw: fail closed, nothing is sent. */
    GUARDRAIL_ERROR,
    /** A host-defined guardrail; see {@code detail.code}. */
    CUSTOM,

    // execution failures (FAILED / EXPIRED records)
    /** The signer's lock could not be had within the configured wait; nothing was sent. */
    SIGNER_LOCK_TIMEOUT,
    /** The adapter failed to prepare the order (signing, nonce); nothing was sent. */
    PREPARE_FAILED,
    /** The venue or chain definitively rejected the order. */
    VENUE_REJECTED,
    /** Reconciliation proved the venue never received the order. */
    NOT_FOUND_AT_VENUE
}
