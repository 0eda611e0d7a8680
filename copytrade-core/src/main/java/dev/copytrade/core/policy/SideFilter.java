package dev.copytrade.core.policy;

import dev.copytrade.core.model.Side;

/** Which of the leader's sides a follower copies. */
public enum SideFilter {
    BUY_ONLY,
    SELL_ONLY,
    BOTH;

    public boolean accepts(Side leaderSide) {
        return this == BOTH || (this == BUY_ONLY ? leaderSide == Side.BUY : leaderSide == Side.SELL);
    }
}
