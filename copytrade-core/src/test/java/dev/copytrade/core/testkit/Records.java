package dev.copytrade.core.testkit;

import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.FollowerId;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.Market;
import dev.copytrade.core.model.Price;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.model.Side;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.Fill;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordDraft;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.record.Transition;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Valid test values with fresh identities, so tests can share one store (a database) without seeing
 * each other's records. Times are whole milliseconds from {@link #T0}, which every store keeps exactly.
 */
public final class Records {
    /** The fixed base time of test data; tests express time as offsets from it. */
    public static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    /** The lease owner of drafts built here. */
    public static final String OWNER = "contract-executor";
    /** Leader trade: 20 shares at 0.45. */
    public static final Price PRICE = Price.ofMicros(450_000);
    /** The follower's order: 10 shares at 0.45, i.e. 4.5 USDC. */
    public static final Shares ORDER_SHARES = Shares.ofMicros(10_000_000);

    private static final Address LEADER = Address.of("0x1111111111111111111111111111111111111111");
    private static final Address WALLET = Address.of("0x2222222222222222222222222222222222222222");
    private static final Market MARKET = Market.of("0x" + "ab".repeat(32), "12345678901234567890", "will-it-rain");
    private static final CopyPolicy POLICY = CopyPolicy.fixed(Usdc.ofMicros(5_000_000)).build();

    private Records() {}

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    public static SignalId uniqueSignal() {
        return SignalId.venueFill("contract", UUID.randomUUID().toString());
    }

    public static LeaderTrade trade() {
        return trade(uniqueSignal());
    }

    public static LeaderTrade trade(SignalId signal) {
        return new LeaderTrade(signal, LEADER, MARKET, Side.BUY, PRICE, Shares.ofMicros(20_000_000), T0);
    }

    /** A follower with a fresh id; every follower of this helper shares one wallet, which is also its signer. */
    public static Follower follower() {
        return new Follower(FollowerId.of(unique("follower")), WALLET, WALLET, POLICY);
    }

    public static CopyOrder order(LeaderTrade trade) {
        return CopyOrder.of(trade.market(), trade.side(), trade.price(), ORDER_SHARES);
    }

    public static Fill fill() {
        return new Fill(ORDER_SHARES, Usdc.ofMicros(4_500_000), unique("fill"));
    }

    /** A PENDING draft for a fresh (trade, follower), leased to {@link #OWNER} until {@code leaseUntil}. */
    public static RecordDraft pending(Instant leaseUntil) {
        return pending(trade(), follower(), Map.of(), OWNER, leaseUntil);
    }

    /** A PENDING draft; two calls with the same trade and follower have the same key. */
    public static RecordDraft pending(LeaderTrade trade, Follower follower, Map<String, String> detail, String owner,
            Instant leaseUntil) {
        return RecordDraft.pending(trade, follower.id(), follower.wallet(), follower.signer(), order(trade), detail,
                false, owner, leaseUntil, T0);
    }

    /** The same key delivered again (a second feed, a replay) with different detail and lease. */
    public static RecordDraft redelivery(RecordDraft d) {
        return new RecordDraft(d.key(), d.trade(), d.followerId(), d.wallet(), d.signer(), d.order(), d.status(),
                d.reason(), Map.of("delivery", "again"), d.dryRun(), d.leaseOwner() == null ? null : "another-executor",
                d.leaseUntil() == null ? null : d.leaseUntil().plusSeconds(3600), d.createdAt().plusSeconds(1));
    }

    /** A SKIPPED draft as sizing leaves it: no order, a reason and its detail. */
    public static RecordDraft skipped() {
        Follower f = follower();
        return RecordDraft.skipped(trade(), f.id(), f.wallet(), f.signer(), null, ReasonCode.BELOW_MIN_PER_TRADE,
                Map.of("target", "0.5", "minPerTrade", "1"), false, T0);
    }

    /**
     * A transition {@code from → to} carrying just what the target state requires (a fill, a reason or an
     * error). Throws {@link dev.copytrade.core.record.IllegalTransitionException} if the table forbids it.
     */
    public static Transition transition(long id, RecordStatus from, RecordStatus to, Instant at) {
        Fill fill = to == RecordStatus.EXECUTED ? fill() : null;
        ReasonCode reason = to == RecordStatus.SKIPPED ? ReasonCode.EMERGENCY_PAUSE : null;
        String error = to == RecordStatus.FAILED || to == RecordStatus.EXPIRED || to == RecordStatus.UNKNOWN
                ? "contract: " + from + " -> " + to : null;
        return new Transition(id, from, to, at, reason, null, null, null, fill, error, null, null);
    }
}
