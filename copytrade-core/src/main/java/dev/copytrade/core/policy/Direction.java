package dev.copytrade.core.policy;

/**
 * FOLLOW trades the leader's side; COUNTER trades the opposite side of the same outcome token
 * (leader buys, follower sells), for hosts that fade a leader.
 */
public enum Direction {
    FOLLOW,
    COUNTER
}
