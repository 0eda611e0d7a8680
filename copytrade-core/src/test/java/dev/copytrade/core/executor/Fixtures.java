package dev.copytrade.core.executor;

import dev.copytrade.core.guardrail.GuardrailContext;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.FollowerId;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.model.TxHash;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.policy.VenueRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Test data for the executor, policy, guardrail and model tests: valid by default, unique where it matters. */
public final class Fixtures {
    public static final long CHAIN_ID = 137;
    public static final String CONDITION_ID = "0x" + "ab".repeat(32);
    public static final String TOKEN_ID = "71321045679252212594626385532706912750332728571942532289631379312455583992563";
    public static final String LEADER = "0x" + "1e".repeat(20);
    public static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    // every trade gets its own tx hash, so tests never collide on an idempotency key by accident
    private static final AtomicLong TX = new AtomicLong(1);

    private Fixtures() {}

    public static TxHash txHash(long n) {
        return TxHash.of(String.format("0x%064x", n));
    }

    public static Address address(long n) {
        return Address.of(String.format("0x%040x", n));
    }

    /** A trade builder with every field valid, so a test can break exactly one. */
    public static LeaderTrade.Builder validTrade() {
        return LeaderTrade.builder()
                .signalId(SignalId.chainLog(CHAIN_ID, txHash(TX.getAndIncrement()), 0))
                .leader(LEADER)
                .market(CONDITION_ID, TOKEN_ID, "will-it-rain")
                .side("BUY")
                .price("0.50")
                .size("100")
                .timestamp(T0);
    }

    public static LeaderTrade trade(String side, String price, String size) {
        return validTrade().side(side).price(price).size(size).build();
    }

    /** BUY 100 shares at 0.50: a $50 leader trade. */
    public static LeaderTrade trade() {
        return trade("BUY", "0.50", "100");
    }

    public static CopyPolicy fixed(String usdc) {
        return CopyPolicy.fixed(Usdc.of(usdc)).build();
    }

    /** Follower {@code n} with its own wallet, signing for itself, copying $10 a trade. */
    public static Follower follower(int n) {
        return follower(n, n, fixed("10"));
    }

    /** Follower {@code n} whose orders are signed by signer {@code signer} (several followers may share one). */
    public static Follower follower(int n, int signer, CopyPolicy policy) {
        return new Follower(FollowerId.of("follower-" + n), address(0x10_000L + n), address(0x20_000L + signer), policy);
    }

    public static List<Follower> followers(int count) {
        List<Follower> all = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            all.add(follower(i));
        }
        return all;
    }

    public static GuardrailContext context(Follower follower, GuardrailContext.Phase phase, boolean dryRun,
            boolean movesRealMoney) {
        return new GuardrailContext(T0, trade(), follower, phase, dryRun, movesRealMoney,
                VenueRules.polymarketMarketOrders());
    }

    public static GuardrailContext preTrade() {
        return context(follower(1), GuardrailContext.Phase.PRE_TRADE, false, false);
    }

    /** The seed for a property test: {@code -Dcopytrade.seed=...} replays a failure. */
    public static long seed() {
        String fixed = System.getProperty("copytrade.seed");
        return fixed != null ? Long.parseLong(fixed) : System.nanoTime();
    }
}
