package dev.copytrade.examples.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Writes the bundled demo feed {@code src/main/resources/feeds/demo-leader-trades.jsonl}: synthetic
 * but Polymarket-shaped leader trades, generated from a fixed seed so the file is reproducible byte
 * for byte (a test regenerates it and compares). Regenerate from the repository root with
 *
 * <pre>
 * ./mvnw -q -pl copytrade-examples -am test-compile exec:java \
 *     -Dexec.mainClass=dev.copytrade.examples.replay.DemoFeedGenerator
 * </pre>
 *
 * (an optional {@code -Dexec.args=<file>} writes elsewhere).
 *
 * <p>What the feed holds, and why each part is there:
 * <ul>
 *   <li>{@value #TRADES} distinct trades by 5 leaders over 10 markets (Polygon-style 20-byte wallets,
 *       32-byte condition ids, decimal uint256 token ids, real-looking slugs), prices 0.01–0.99 on 2 or
 *       3 decimals, sizes from a few shares to thousands, some with 6 decimals as the Data API gives
 *       them;
 *   <li>every 18th trade is delivered a second time by the {@code "chain"} source after the
 *       {@code "ws"} one, spelled differently (upper-case tx hash, mixed-case wallet, lower-case side,
 *       size with 6 decimals): the library must recognise it as the same signal;
 *   <li>SELLs, also by leaders whose followers never bought the token: this demo does not enable the RequirePosition guardrail,
 *       so a follower either copies them (selling what it does not hold) or skips them by side filter;
 *   <li>dust trades on long-shot outcomes, below every follower's minimum and the venue's $1 minimum;
 *   <li>a burst of {@value #BURST} trades by one leader on one 15-minute market within 4 seconds;
 *   <li>a few transactions with two fills by one leader (different sizes, so distinct signals) and one
 *       transaction shared by two leaders.
 * </ul>
 * Lines are in arrival order (a chain delivery arrives seconds after the ws one, with the same trade
 * timestamp). {@code log_index} is null on every line: the ws source has none, and mixing
 * {@code chainLog} and {@code chainFill} ids for one venue would hide duplicates.
 */
public final class DemoFeedGenerator {
    public static final long SEED = 20260105L;
    public static final int TRADES = 252;
    public static final int BURST = 24;
    /** 2026-01-05T08:00:00Z. */
    static final long START = 1_767_600_000L;
    private static final int BURST_AT = 130;
    private static final int DUPLICATE_EVERY = 18;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Random rnd = new Random(SEED);
    private final List<MarketState> markets = new ArrayList<>();
    private final List<Leader> leaders = new ArrayList<>();
    private final List<Trade> trades = new ArrayList<>();
    private long clock = START;
    private boolean burstDone;

    private DemoFeedGenerator() {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0]
                : "copytrade-examples/src/main/resources/" + FeedReader.BUNDLED_FEED);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        String feed = generate();
        Files.writeString(out, feed, StandardCharsets.UTF_8);
        System.out.println("wrote " + feed.lines().count() + " lines to " + out.toAbsolutePath());
    }

    /** The feed's full text; the same on every call. */
    public static String generate() {
        return new DemoFeedGenerator().build();
    }

    private static final class MarketState {
        final String slug;
        final String conditionId;
        final String yesToken;
        final String noToken;
        final int decimals;
        BigDecimal yes;

        MarketState(String slug, String conditionId, String yesToken, String noToken, int decimals, String yes) {
            this.slug = slug;
            this.conditionId = conditionId;
            this.yesToken = yesToken;
            this.noToken = noToken;
            this.decimals = decimals;
            this.yes = new BigDecimal(yes);
        }
    }

    /** @param sellPercent how often it sells; @param minSize,maxSize whole shares */
    private record Leader(String name, String wallet, int weight, int minSize, int maxSize, int sellPercent,
            int[] markets) {}

    private record Trade(String source, String leader, String side, MarketState market, String token,
            BigDecimal price, BigDecimal size, long timestamp, String txHash, long arrival) {}

    private String build() {
        String[][] marketDefs = {
            {"will-bitcoin-reach-150000-by-march-31-2026", "3", "0.043"},
            {"fed-decreases-interest-rates-by-25-bps-after-january-2026-meeting", "2", "0.27"},
            {"btc-updown-15m-1767614400", "2", "0.51"},
            {"eth-updown-15m-1767614400", "2", "0.48"},
            {"nba-lal-bos-2026-01-07", "2", "0.62"},
            {"will-the-kansas-city-chiefs-win-super-bowl-lx", "2", "0.11"},
            {"will-trump-announce-new-tariffs-on-the-eu-by-february-28", "2", "0.35"},
            {"solana-up-or-down-january-5-10am-et", "2", "0.50"},
            {"will-gemini-3-be-the-top-ai-model-on-january-31", "3", "0.915"},
            {"epl-ars-che-2026-01-10-ars", "2", "0.45"},
        };
        for (String[] d : marketDefs) {
            markets.add(new MarketState(d[0], hex(64), tokenId(), tokenId(), Integer.parseInt(d[1]), d[2]));
        }
        leaders.add(new Leader("scalper", hex(40), 35, 5, 60, 0, new int[] {2, 3, 7}));
        leaders.add(new Leader("whale", hex(40), 12, 400, 4000, 10, new int[] {0, 1, 5, 8}));
        leaders.add(new Leader("swing", hex(40), 20, 40, 600, 35, new int[] {4, 9, 1, 5}));
        leaders.add(new Leader("news", hex(40), 15, 20, 300, 15, new int[] {6, 1, 8}));
        leaders.add(new Leader("dust", hex(40), 18, 1, 10, 20, new int[] {0, 5, 8}));

        while (trades.size() < TRADES) {
            if (!burstDone && trades.size() >= BURST_AT) {
                burst(leaders.get(0), markets.get(2));
                burstDone = true;
            } else if (trades.size() % 41 == 20) {
                twoFillsInOneTx(leaders.get(2));
            } else if (trades.size() == 77) {
                twoLeadersInOneTx(leaders.get(1), leaders.get(3), markets.get(1));
            } else {
                clock += 5 + rnd.nextInt(236);
                single(pickLeader());
            }
        }
        List<Trade> lines = new ArrayList<>(trades);
        for (int i = DUPLICATE_EVERY / 2 - 2; i < trades.size(); i += DUPLICATE_EVERY) {
            lines.add(chainDelivery(trades.get(i)));
        }
        lines.sort(Comparator.comparingLong(Trade::arrival));
        StringBuilder out = new StringBuilder();
        for (Trade t : lines) {
            out.append(toJson(t)).append('\n');
        }
        return out.toString();
    }

    private Leader pickLeader() {
        int total = leaders.stream().mapToInt(Leader::weight).sum();
        int r = rnd.nextInt(total);
        for (Leader l : leaders) {
            r -= l.weight();
            if (r < 0) {
                return l;
            }
        }
        throw new AssertionError();
    }

    private void single(Leader leader) {
        MarketState m = markets.get(leader.markets()[rnd.nextInt(leader.markets().length)]);
        walk(m);
        boolean yes;
        if (leader.name().equals("dust")) {
            // dust buys the long shot, the side that costs cents
            yes = m.yes.compareTo(new BigDecimal("0.5")) < 0;
        } else {
            yes = rnd.nextInt(100) < 60;
        }
        String side = rnd.nextInt(100) < leader.sellPercent() ? "SELL" : "BUY";
        BigDecimal price = quote(m, yes);
        add(leader, side, m, yes, price, size(leader, price), newTx());
    }

    /** One leader hammering one 15-minute market: both outcomes, {@value #BURST} fills in 4 seconds. */
    private void burst(Leader leader, MarketState m) {
        clock += 60;
        for (int k = 0; k < BURST; k++) {
            long at = clock + k / 6;
            boolean yes = k % 2 == 0;
            BigDecimal price = quote(m, yes);
            BigDecimal size = BigDecimal.valueOf(5 + rnd.nextInt(36));
            trades.add(new Trade("ws", leader.wallet(), "BUY", m, yes ? m.yesToken : m.noToken, price, size, at,
                    newTx(), at));
        }
        clock += 4;
    }

    /** The leader walks the book: two fills in one tx, different sizes and prices (distinct signals). */
    private void twoFillsInOneTx(Leader leader) {
        clock += 5 + rnd.nextInt(120);
        MarketState m = markets.get(leader.markets()[rnd.nextInt(leader.markets().length)]);
        String tx = newTx();
        BigDecimal price = quote(m, true);
        BigDecimal first = size(leader, price);
        add(leader, "BUY", m, true, price, first, tx);
        BigDecimal next = clamp(price.add(tick(m)));
        add(leader, "BUY", m, true, next, first.divide(BigDecimal.valueOf(3), 0, RoundingMode.DOWN).add(BigDecimal.ONE),
                tx);
    }

    /** Two leaders matched against each other in one tx, on opposite outcomes (distinct by leader and token). */
    private void twoLeadersInOneTx(Leader a, Leader b, MarketState m) {
        clock += 30;
        String tx = newTx();
        BigDecimal yesPrice = quote(m, true);
        add(a, "BUY", m, true, yesPrice, size(a, yesPrice), tx);
        BigDecimal noPrice = clamp(BigDecimal.ONE.subtract(yesPrice));
        add(b, "BUY", m, false, noPrice, size(b, noPrice), tx);
    }

    private void add(Leader leader, String side, MarketState m, boolean yes, BigDecimal price, BigDecimal size,
            String tx) {
        trades.add(new Trade("ws", leader.wallet(), side, m, yes ? m.yesToken : m.noToken, price, size, clock, tx,
                clock));
    }

    /** The same trade as an on-chain indexer reports it, a few seconds later and spelled its own way. */
    private Trade chainDelivery(Trade t) {
        return new Trade("chain", mixedCase(t.leader()), t.side().toLowerCase(Locale.ROOT), t.market(), t.token(),
                t.price().setScale(6, RoundingMode.UNNECESSARY), t.size().setScale(6, RoundingMode.UNNECESSARY),
                t.timestamp(), "0x" + t.txHash().substring(2).toUpperCase(Locale.ROOT),
                t.arrival() + 2 + rnd.nextInt(28));
    }

    private void walk(MarketState m) {
        BigDecimal step = BigDecimal.valueOf(rnd.nextInt(21) - 10, 3);
        BigDecimal next = m.yes.add(step);
        if (next.compareTo(new BigDecimal("0.02")) >= 0 && next.compareTo(new BigDecimal("0.98")) <= 0) {
            m.yes = next;
        }
    }

    /** The outcome's price near the market's mid, on the market's tick, within 0.01–0.99. */
    private BigDecimal quote(MarketState m, boolean yes) {
        BigDecimal mid = yes ? m.yes : BigDecimal.ONE.subtract(m.yes);
        BigDecimal noise = BigDecimal.valueOf(rnd.nextInt(11) - 5, 3);
        return clamp(mid.add(noise).setScale(m.decimals, RoundingMode.HALF_UP));
    }

    private static BigDecimal tick(MarketState m) {
        return BigDecimal.ONE.movePointLeft(m.decimals);
    }

    private static BigDecimal clamp(BigDecimal price) {
        BigDecimal lo = new BigDecimal("0.01");
        BigDecimal hi = new BigDecimal("0.99");
        return price.compareTo(lo) < 0 ? lo : price.compareTo(hi) > 0 ? hi : price;
    }

    /** Mostly whole shares; sometimes 1–2 decimals; sometimes a dollar amount ÷ price, as the Data API has them. */
    private BigDecimal size(Leader leader, BigDecimal price) {
        int whole = leader.minSize() + rnd.nextInt(leader.maxSize() - leader.minSize() + 1);
        int kind = rnd.nextInt(100);
        if (kind < 60) {
            return BigDecimal.valueOf(whole);
        }
        if (kind < 85) {
            return BigDecimal.valueOf(whole * 100L + rnd.nextInt(100), 2).stripTrailingZeros();
        }
        BigDecimal dollars = BigDecimal.valueOf(whole).multiply(price).setScale(0, RoundingMode.HALF_UP).max(BigDecimal.ONE);
        return dollars.divide(price, 6, RoundingMode.DOWN).stripTrailingZeros();
    }

    private String newTx() {
        return hex(64);
    }

    private String hex(int digits) {
        StringBuilder sb = new StringBuilder("0x");
        for (int i = 0; i < digits; i++) {
            sb.append(Character.forDigit(rnd.nextInt(16), 16));
        }
        return sb.toString();
    }

    private String tokenId() {
        return new BigInteger(253, rnd).add(BigInteger.TEN.pow(75)).toString();
    }

    private String mixedCase(String wallet) {
        StringBuilder sb = new StringBuilder("0x");
        for (char c : wallet.substring(2).toCharArray()) {
            sb.append(rnd.nextBoolean() ? Character.toUpperCase(c) : c);
        }
        return sb.toString();
    }

    private static String toJson(Trade t) {
        ObjectNode n = JSON.createObjectNode();
        n.put("source", t.source());
        n.put("leader", t.leader());
        n.put("side", t.side());
        n.put("condition_id", t.market().conditionId);
        n.put("token_id", t.token());
        n.put("slug", t.market().slug);
        n.put("price", t.price().toPlainString());
        n.put("size", t.size().toPlainString());
        n.put("timestamp", t.timestamp());
        n.put("tx_hash", t.txHash());
        n.putNull("log_index");
        try {
            return JSON.writeValueAsString(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
