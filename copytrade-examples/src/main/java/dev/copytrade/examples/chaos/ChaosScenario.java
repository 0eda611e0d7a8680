package dev.copytrade.examples.chaos;

import dev.copytrade.core.cap.CapPolicy;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.FollowerId;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Follower;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Everything a chaos run is made of, derived from its seed alone, so the coordinator and every bot
 * process build the same followers, budgets and leader trades without sharing anything but the seed.
 *
 * <p>The feed is a stream of deliveries as a host sees them: each leader trade once, about one in twelve
 * delivered again later by a second source (same trade, another timestamp), and now and then a window of
 * recent trades read again (a poller re-reading its cursor after a reconnect). Every bot process is fed
 * the whole stream.
 */
public final class ChaosScenario {
    static final long CHAIN_ID = 137;
    static final Instant START = Instant.parse("2026-03-02T09:00:00Z");
    /** The bot's own USDC, which pays every BUY before the follower's wallet reimburses it. */
    static final Address FLOAT_WALLET = Address.of("0x" + "f1".repeat(20));
    private static final int MARKETS = 8;
    private static final int LEADERS = 3;

    /** One leader trade as a feed line carries it: text fields, parsed by the bot through the builder. */
    public record Trade(int index, String tx, String leader, String conditionId, String tokenId, String slug, String side,
            String price, String size) {

        /** The trade as delivered at {@code at} (a second source reports another timestamp). */
        LeaderTrade toLeaderTrade(Instant at) {
            return LeaderTrade.builder().chainFill(CHAIN_ID, tx).leader(leader).market(conditionId, tokenId, slug)
                    .side(side).price(price).size(size).timestamp(at).build();
        }
    }

    /** One delivery: which trade, and when the source says it happened. */
    public record Delivery(int position, Trade trade, Instant reportedAt) {
        /** The line the coordinator writes to a bot: {@code T <position> <trade index> <reported-at millis>}. */
        String line() {
            return "T " + position + " " + trade.index() + " " + reportedAt.toEpochMilli();
        }
    }

    private final long seed;
    private final List<Trade> trades;
    private final List<Delivery> stream;
    private final List<Follower> followers;
    private final CapPolicy caps;
    private final long perMarketLimitMicros;
    private final int tradesPerFollower;

    public ChaosScenario(long seed, int tradeCount, int followerCount, int signerCount) {
        this.seed = seed;
        Random random = new Random(seed);
        List<String[]> markets = new ArrayList<>();
        for (int m = 0; m < MARKETS; m++) {
            markets.add(new String[] {hex(random, 64), Long.toUnsignedString(random.nextLong()), "chaos-market-" + m});
        }
        List<String> leaders = new ArrayList<>();
        for (int l = 0; l < LEADERS; l++) {
            leaders.add(hex(random, 40));
        }
        this.trades = new ArrayList<>(tradeCount);
        for (int i = 0; i < tradeCount; i++) {
            String[] m = markets.get(random.nextInt(MARKETS));
            String side = random.nextInt(100) < 85 ? "BUY" : "SELL";
            String price = String.format(Locale.ROOT, "0.%02d", 5 + random.nextInt(91));
            String size = Integer.toString(10 + random.nextInt(491));
            trades.add(new Trade(i, hex(random, 64), leaders.get(random.nextInt(LEADERS)), m[0], m[1], m[2], side, price,
                    size));
        }
        this.stream = deliveries(random);
        this.followers = new ArrayList<>(followerCount);
        for (int f = 0; f < followerCount; f++) {
            Address wallet = Address.of(String.format("0x%040x", 0xf0110000L + f));
            Address signer = Address.of(String.format("0x%040x", 0x5190e000L + f % signerCount));
            CopyPolicy policy = f % 3 == 2
                    ? CopyPolicy.proportional(new BigDecimal("0.1")).maxPerTrade(Usdc.of("40")).build()
                    : CopyPolicy.fixed(Usdc.of(Integer.toString(5 + 5 * (f % 4)))).maxPerTrade(Usdc.of("40")).build();
            followers.add(new Follower(FollowerId.of("chaos-f" + f), wallet, signer, policy));
        }
        // budgets that bite: each market's BUY budget takes about 60 % of what the feed would spend in it, and
        // each follower may trade about 90 % of the trades; the invariants check neither is ever overshot
        long perMarket = Math.max(50, tradeCount * followerCount * 12L * 85 / 100 / MARKETS * 60 / 100);
        this.perMarketLimitMicros = perMarket * 1_000_000L;
        this.tradesPerFollower = Math.max(1, tradeCount * 9 / 10);
        this.caps = CapPolicy.builder().perMarket(Usdc.ofMicros(perMarketLimitMicros))
                .maxTradesPerFollower(tradesPerFollower).build();
    }

    private List<Delivery> deliveries(Random random) {
        List<int[]> order = new ArrayList<>();  // {trade index, delay in seconds of the reported time}
        List<int[]> later = new ArrayList<>();  // {due position, trade index}
        for (int i = 0; i < trades.size(); i++) {
            order.add(new int[] {i, 0});
            if (random.nextInt(12) == 0) {
                later.add(new int[] {order.size() + 1 + random.nextInt(50), i});
            }
            if (random.nextInt(50) == 0 && i > 5) {
                int back = 5 + random.nextInt(Math.min(16, i - 4));
                for (int j = i - back; j < i; j++) {
                    order.add(new int[] {j, 0});
                }
            }
            for (int k = later.size() - 1; k >= 0; k--) {
                if (later.get(k)[0] <= order.size()) {
                    order.add(new int[] {later.get(k)[1], 1 + random.nextInt(30)});
                    later.remove(k);
                }
            }
        }
        for (int[] l : later) {
            order.add(new int[] {l[1], 1 + random.nextInt(30)});
        }
        List<Delivery> out = new ArrayList<>(order.size());
        for (int[] o : order) {
            Trade t = trades.get(o[0]);
            out.add(new Delivery(out.size(), t, START.plusSeconds(t.index()).plusSeconds(o[1])));
        }
        return List.copyOf(out);
    }

    private static String hex(Random random, int digits) {
        StringBuilder sb = new StringBuilder("0x");
        for (int i = 0; i < digits; i++) {
            sb.append(Character.forDigit(random.nextInt(16), 16));
        }
        return sb.toString();
    }

    public long seed() {
        return seed;
    }

    public List<Trade> trades() {
        return trades;
    }

    public List<Delivery> stream() {
        return stream;
    }

    public List<Follower> followers() {
        return followers;
    }

    public CapPolicy caps() {
        return caps;
    }

    /** The follower whose wallet never has the funds to repay: its debts must end ESCALATED, never paid. */
    public Address brokeWallet() {
        return followers.get(Math.min(1, followers.size() - 1)).wallet();
    }

    /** The limit of each market's money budget ({@code usd:market:<condition id>}), micro-USDC per UTC day. */
    public long perMarketLimitMicros() {
        return perMarketLimitMicros;
    }

    /** The limit of each follower's trade-count budget ({@code trades:follower:<id>}), per rolling 24 h. */
    public int tradesPerFollower() {
        return tradesPerFollower;
    }

    /** Deliveries of a trade already delivered earlier in the stream. */
    public int redeliveries() {
        Set<Integer> seen = new HashSet<>();
        int again = 0;
        for (Delivery d : stream) {
            if (!seen.add(d.trade().index())) {
                again++;
            }
        }
        return again;
    }

    /** Parses a bot's feed line back into the delivery (the bot builds the same scenario from the seed). */
    Delivery parse(String line) {
        String[] f = line.split(" ");
        if (f.length != 4 || !f[0].equals("T")) {
            throw new IllegalArgumentException("not a delivery line: " + line);
        }
        return new Delivery(Integer.parseInt(f[1]), trades.get(Integer.parseInt(f[2])),
                Instant.ofEpochMilli(Long.parseLong(f[3])));
    }
}
