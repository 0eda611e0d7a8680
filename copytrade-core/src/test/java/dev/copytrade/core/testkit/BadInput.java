package dev.copytrade.core.testkit;

import dev.copytrade.core.config.GuardrailConfig;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.Market;
import dev.copytrade.core.model.Price;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.model.Side;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.model.TxHash;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Direction;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.policy.SideFilter;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Seeded generators of input for the public API, each field either valid (often unusual: upper case,
 * padding, exponents, unicode where it is allowed, the largest accepted value) or broken in a way the
 * API must refuse (null, empty, negative, absurd, too many decimals, out of range, malformed hex,
 * unicode digits and look-alikes, control characters). Every generated {@link Case} knows which fields
 * it broke, so a test can demand that a refusal names one of them, and that a case with none broken is
 * accepted.
 */
public final class BadInput {

    /**
     * One attempt at the API.
     *
     * @param what a readable description of every field offered, for assertion messages
     * @param bad the fields given a value that must be refused (as {@code InvalidInputException.field()}
     *     names them; a name ending in {@code [} matches any indexed form such as {@code X[slug]})
     * @param make the call; throws when the input is refused
     */
    public record Case<T>(String what, Set<String> bad, Supplier<T> make) {
        public boolean names(String field) {
            for (String b : bad) {
                if (b.equals(field) || (b.endsWith("[") && field.startsWith(b))) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return what + " bad=" + bad;
        }
    }

    private static final String HEX = "0123456789abcdef";
    private static final AtomicLong UNIQUE = new AtomicLong(System.nanoTime() & 0xffff_ffffL);
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    // ---- pools: values that must be refused, whatever field they are offered to ----

    private static final List<String> BAD_ADDRESSES = List.of("", " ", "0x", "0x123", "0x" + "g".repeat(40),
            "0x" + "a".repeat(39), "0x" + "a".repeat(41), "a".repeat(42), "0x" + "٣".repeat(40),
            "0x" + "ａ".repeat(40), "0x" + "a".repeat(20) + "\u0000" + "a".repeat(19), "0x" + "a".repeat(38) + "🚀",
            "0x" + "a".repeat(20) + " " + "a".repeat(20), "1x" + "a".repeat(40));
    private static final List<String> BAD_HASHES = List.of("", "0x", "0x" + "a".repeat(63), "0x" + "a".repeat(65),
            "0x" + "z".repeat(64), "0x" + "٣".repeat(64), "a".repeat(66), "0x" + "a".repeat(32) + "\n" + "a".repeat(31));
    private static final List<String> BAD_TOKENS = List.of("", " ", "-1", "1.5", "0x1f", "1e3", "+1", "1 2",
            "9".repeat(79), "١٢٣", "１２３", "1\u00002", "Ⅻ");
    private static final List<String> BAD_SLUGS = List.of("Has Space", "ünïcode", "-leading", "a".repeat(201),
            "a/b", "emoji-🚀", "tab\there", "日本");
    private static final List<String> BAD_SIDES = List.of("", " ", "HOLD", "B", "buyy", "買う", "ＢＵＹ", "B\u200bUY",
            "SELL_SHORT");
    private static final List<String> BAD_PRICES = List.of("", " ", "0", "1", "1.0", "-0.5", "1.5", "0.1234567",
            "abc", "NaN", "Infinity", "-Infinity", "1e999999999", "1e-2147483647", "0x1", "٠.٥", "０.５", "0.5.5",
            "½", "1e-7", "0,5", "5%", "0.5 USDC", "9".repeat(400));
    private static final List<String> BAD_SIZES = List.of("", " ", "0", "0.000000", "-1", "-0.000001", "0.0000001",
            "1000000000.000001", "1e999999999", "1e-2147483647", "1E+2147483647", "NaN", "ten", "１０", "١٠",
            "1,000", "10 shares", "∞", "9".repeat(400));
    private static final List<String> BAD_MONEY = List.of("", "-1", "-0.000001", "0.0000001", "1000000000.000001",
            "1e999999999", "1e-2147483647", "NaN", "$5", "５", "٥", "5 USDC", "1,5");
    private static final List<String> BAD_SCALES = List.of("", " ", "0", "-0.5", "1000.000001", "1e4", "1e999999999",
            "1e-2147483647", "1e-9999999", "0.0000000000000000000000001", "NaN", "Infinity", "１", "٠.٥", "half");
    private static final List<String> BAD_FOLLOWER_IDS = List.of("", " ", "a b", "a|b", "tab\t", "nul\u0000",
            "nel\u0085", "ls\u2028", "nbsp\u00a0x", "f".repeat(129), "lone\ud800", "lone\udc00x",
            "🚀".repeat(65));
    private static final List<Instant> BAD_TIMESTAMPS = List.of(Instant.MIN, Instant.MAX,
            Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("1969-12-31T23:59:59Z"),
            Instant.parse("-4713-01-01T00:00:00Z"));

    private final Random random;

    public BadInput(Random random) {
        this.random = random;
    }

    // ---- leader trades ----

    /** A leader trade as a feed would give it, as text through the builder; each field valid or broken. */
    public Case<LeaderTrade> trade() {
        Set<String> bad = new LinkedHashSet<>();
        Map<String, Object> shown = new LinkedHashMap<>();
        String leader = pick(bad, shown, "trade.leader", this::validAddress, BAD_ADDRESSES, 0.15, true);
        String condition = pick(bad, shown, "trade.market.conditionId", () -> validHash(), BAD_HASHES, 0.1, true);
        String token = pick(bad, shown, "trade.market.tokenId", this::validToken, BAD_TOKENS, 0.1, true);
        String slug = pick(bad, shown, "trade.market.slug", this::validSlug, BAD_SLUGS, 0.1, false);
        String side = pick(bad, shown, "trade.side", this::validSide, BAD_SIDES, 0.1, true);
        String price = pick(bad, shown, "trade.price", this::validPrice, BAD_PRICES, 0.2, true);
        String size = pick(bad, shown, "trade.size", this::validSize, BAD_SIZES, 0.2, true);
        Instant timestamp = T0.plusMillis(random.nextInt(86_400_000));
        double r = random.nextDouble();
        if (r < 0.05) {
            timestamp = null;
            bad.add("trade.timestamp");
        } else if (r < 0.12) {
            timestamp = BAD_TIMESTAMPS.get(random.nextInt(BAD_TIMESTAMPS.size()));
            bad.add("trade.timestamp");
        }
        shown.put("timestamp", timestamp);
        Supplier<SignalId> signal;
        Long chainId = null;
        String chainTx = null;
        double s = random.nextDouble();
        if (s < 0.45) {
            signal = validSignal();
        } else if (s < 0.55) {
            Case<SignalId> broken = brokenSignal();
            signal = broken.make();
            bad.addAll(broken.bad());
            shown.put("signal", broken.what());
        } else if (s < 0.60) {
            signal = () -> null;
            bad.add("trade.signalId");
        } else {
            signal = () -> null;
            chainId = random.nextDouble() < 0.1 ? (long) -random.nextInt(3) : 137L;
            chainTx = random.nextDouble() < 0.1 ? (random.nextBoolean() ? null : oneOf(BAD_HASHES)) : validHash();
            boolean twice = random.nextDouble() < 0.05;
            if (twice) {
                signal = validSignal();
            }
            if (chainTx == null) {
                if (!twice) {
                    bad.add("trade.signalId");  // chainFill(id, null) leaves the trade with no identity
                }
            } else {
                if (BAD_HASHES.contains(chainTx)) {
                    bad.add("trade.txHash");
                }
                if (chainId <= 0) {
                    bad.add("chainId");
                }
                if (twice) {
                    bad.add("trade.signalId");  // identity given twice
                }
            }
            shown.put("chainFill", chainId + "/" + chainTx);
        }
        Supplier<SignalId> signalSupplier = signal;
        Instant ts = timestamp;
        Long fillChain = chainId;
        String fillTx = chainTx;
        return new Case<>("trade " + shown, bad, () -> {
            LeaderTrade.Builder b = LeaderTrade.builder().leader(leader).market(condition, token, slug).side(side)
                    .price(price).size(size).timestamp(ts);
            SignalId id = signalSupplier.get();
            if (id != null) {
                b.signalId(id);
            }
            if (fillTx != null || fillChain != null) {
                b.chainFill(fillChain, fillTx);
            }
            return b.build();
        });
    }

    /** A leader trade built from typed values (base units, value types), each valid or broken. */
    public Case<LeaderTrade> typedTrade() {
        Set<String> bad = new LinkedHashSet<>();
        long price = oneOf(List.of(1L, 999_999L, 450_000L, 1L + random.nextInt(999_998)));
        long shares = oneOf(List.of(1L, Shares.MAX_MICROS, 20_000_000L, 1L + random.nextInt(Integer.MAX_VALUE)));
        if (random.nextDouble() < 0.25) {
            price = oneOf(List.of(0L, -1L, 1_000_000L, Long.MIN_VALUE, Long.MAX_VALUE, -450_000L));
            bad.add("price");
        }
        if (random.nextDouble() < 0.25) {
            shares = oneOf(List.of(-1L, Shares.MAX_MICROS + 1, Long.MIN_VALUE, Long.MAX_VALUE));
            bad.add("shares");
        } else if (random.nextDouble() < 0.05) {
            shares = 0;
            bad.add("trade.size");
        }
        Side side = random.nextDouble() < 0.05 ? null : oneOf(List.of(Side.values()));
        if (side == null) {
            bad.add("trade.side");
        }
        Instant timestamp = random.nextDouble() < 0.1 ? oneOf(BAD_TIMESTAMPS) : T0.plusSeconds(random.nextInt(86_400));
        if (BAD_TIMESTAMPS.contains(timestamp)) {
            bad.add("trade.timestamp");
        }
        String leader = validAddress();
        String token = validToken();
        String condition = validHash();
        SignalId signal = validSignal().get();
        long p = price;
        long s = shares;
        return new Case<>("typed trade price=" + p + " shares=" + s + " side=" + side + " at " + timestamp, bad,
                () -> new LeaderTrade(signal, Address.of(leader), Market.of(condition, token, null), side,
                        Price.ofMicros(p), Shares.ofMicros(s), timestamp));
    }

    /** A signal id built from broken parts: its own factory must refuse it. */
    public Case<SignalId> brokenSignal() {
        switch (random.nextInt(6)) {
            case 0: {
                String venue = oneOf(List.of("pölymarket", "", " ", "a".repeat(33), "ven ue"));
                return new Case<>("venueFill(" + venue + ", f1)", Set.of("venue"), () -> SignalId.venueFill(venue, "f1"));
            }
            case 1: {
                String fill = oneOf(List.of("", " ", "fill id", "ﬁll", "f\u0000g", "x".repeat(201), "日本"));
                return new Case<>("venueFill(pm, " + fill + ")", Set.of("fillId"), () -> SignalId.venueFill("pm", fill));
            }
            case 2: {
                long chain = -random.nextInt(1000);
                TxHash tx = TxHash.of(validHash());
                return new Case<>("chainLog(" + chain + ")", Set.of("chainId"), () -> SignalId.chainLog(chain, tx, 0));
            }
            case 3: {
                long index = -1 - random.nextInt(1000);
                TxHash tx = TxHash.of(validHash());
                return new Case<>("chainLog(logIndex " + index + ")", Set.of("logIndex"),
                        () -> SignalId.chainLog(137, tx, index));
            }
            case 4: {
                String tx = oneOf(BAD_HASHES);
                return new Case<>("chainLog(tx " + tx + ")", Set.of("txHash"), () -> SignalId.chainLog(137, TxHash.of(tx), 1));
            }
            default: {
                String raw = oneOf(List.of("", "with space", "ünï", "x".repeat(513), "tab\t", "line\nbreak"));
                return new Case<>("SignalId(" + raw + ")", Set.of("signalId"), () -> new SignalId(raw));
            }
        }
    }

    /** A fresh, valid signal id in one of the forms feeds produce. */
    public Supplier<SignalId> validSignal() {
        long n = UNIQUE.incrementAndGet();
        return switch (random.nextInt(3)) {
            case 0 -> () -> SignalId.venueFill("fuzz", "fill-" + n);
            case 1 -> () -> SignalId.chainLog(137, TxHash.of(String.format("0x%064x", n)), random.nextInt(5));
            default -> () -> SignalId.venueFill(" FUZZ ", "fill:" + n + ":x");
        };
    }

    // ---- followers and policies ----

    /** A follower with a policy, each setting valid or broken. */
    public Case<Follower> follower() {
        Set<String> bad = new LinkedHashSet<>();
        Map<String, Object> shown = new LinkedHashMap<>();
        String id = pick(bad, shown, "follower.id", this::validFollowerId, BAD_FOLLOWER_IDS, 0.15, true);
        String wallet = pick(bad, shown, "follower.wallet", this::validAddress, BAD_ADDRESSES, 0.15, true);
        boolean fixed = random.nextBoolean();
        String amount = fixed ? pick(bad, shown, "usdc", this::validMoney, BAD_MONEY, 0.2, true)
                : pick(bad, shown, "policy.scale", this::validScale, BAD_SCALES, 0.2, true);
        if (fixed && !bad.contains("usdc") && random.nextDouble() < 0.05) {
            amount = "0";
            bad.add("policy.fixedNotional");
        }
        String min = optionalMoney(bad, shown, "policy.minPerTrade");
        String max = optionalMoney(bad, shown, "policy.maxPerTrade");
        String minLeader = optionalMoney(bad, shown, "policy.minLeaderNotional");
        if (max == null && random.nextDouble() < 0.05) {
            max = "0";
            bad.add("policy.maxPerTrade");
        }
        if (min != null && max != null && parses(min) && parses(max)
                && new BigDecimal(min.trim()).compareTo(new BigDecimal(max.trim())) > 0) {
            bad.add("policy.minPerTrade");
        }
        SideFilter filter = random.nextDouble() < 0.05 ? null : oneOf(List.of(SideFilter.values()));
        Direction direction = random.nextDouble() < 0.05 ? null : oneOf(List.of(Direction.values()));
        if (filter == null) {
            bad.add("policy.sideFilter");
        }
        if (direction == null) {
            bad.add("policy.direction");
        }
        boolean raise = random.nextBoolean();
        shown.put("sides", filter);
        shown.put("direction", direction);
        shown.put("raise", raise);
        String scaleOrNotional = amount;
        String maxPerTrade = max;
        shown.put("amount", amount);
        shown.put("max", max);
        return new Case<>("follower " + shown, bad, () -> {
            CopyPolicy.Builder p = fixed ? CopyPolicy.fixed(Usdc.of(scaleOrNotional))
                    : CopyPolicy.proportional(scaleOrNotional);
            p.minPerTrade(min == null ? null : Usdc.parse("policy.minPerTrade", min))
                    .maxPerTrade(maxPerTrade == null ? null : Usdc.parse("policy.maxPerTrade", maxPerTrade))
                    .minLeaderNotional(minLeader == null ? null : Usdc.parse("policy.minLeaderNotional", minLeader))
                    .sideFilter(filter).direction(direction).raiseToVenueMinimum(raise);
            return Follower.eoa(id, wallet, p.build());
        });
    }

    private String optionalMoney(Set<String> bad, Map<String, Object> shown, String field) {
        if (random.nextDouble() < 0.6) {
            return null;
        }
        return pick(bad, shown, field, this::validMoney, BAD_MONEY, 0.2, false);
    }

    // ---- operator configuration ----

    /** An environment for {@link GuardrailConfig#fromMap}: known names with valid or broken values, and noise. */
    public Case<GuardrailConfig> environment() {
        Set<String> bad = new LinkedHashSet<>();
        Map<String, String> env = new LinkedHashMap<>();
        int settings = random.nextInt(5);
        for (int i = 0; i < settings; i++) {
            String name = oneOf(List.copyOf(new TreeSet<>(GuardrailConfig.KNOWN)));
            boolean broken = random.nextDouble() < 0.35;
            String value = broken ? brokenSetting(name) : validSetting(name);
            if (value == null) {
                continue;  // this setting has no broken form worth trying
            }
            env.put(name, value);
            if (broken) {
                bad.add(name);
                if (name.equals(GuardrailConfig.MARKET_CAPS)) {
                    bad.add(name + "[");
                }
            } else {
                bad.remove(name);
                bad.remove(name + "[");
            }
        }
        if (random.nextDouble() < 0.3) {
            env.put("COPY_TRADING_MAX_TRADE_USDD", "5");  // a typo: warned about, never fatal
        }
        if (random.nextDouble() < 0.2) {
            env.put("PATH", "/usr/bin");
        }
        return new Case<>("environment " + env, bad, () -> GuardrailConfig.fromMap(env));
    }

    private String validSetting(String name) {
        return switch (name) {
            case GuardrailConfig.EMERGENCY_PAUSE, GuardrailConfig.REAL_TRADING, GuardrailConfig.DRY_RUN ->
                    oneOf(List.of("true", "FALSE", "1", "0", "yes", "off", " On "));
            case GuardrailConfig.EXECUTION_ALLOWLIST, GuardrailConfig.WORKER_ALLOWLIST ->
                    validAddress() + ", " + validAddress();
            case GuardrailConfig.MAX_TRADE_POLICY -> oneOf(List.of("skip", "CLAMP"));
            case GuardrailConfig.MARKET_CAPS -> "btc-updown-" + random.nextInt(100) + "=" + (1 + random.nextInt(500)) + ",0x" + validHash()
                    .substring(2) + ":25.5";
            case GuardrailConfig.CAP_WINDOW -> oneOf(List.of("utc-day", "ROLLING-24H", "day", "rolling"));
            case GuardrailConfig.MAX_TRADES_PER_WINDOW, GuardrailConfig.FOLLOWER_MAX_TRADES_PER_WINDOW ->
                    Integer.toString(1 + random.nextInt(100_000));
            case GuardrailConfig.TRADE_WINDOW_MS -> Long.toString(1 + (long) random.nextInt(86_400_000) * 7);
            default -> oneOf(List.of("1", "25", "1000000000", "0.5", " 12.75 ", "1e3"));
        };
    }

    private String brokenSetting(String name) {
        return switch (name) {
            case GuardrailConfig.EMERGENCY_PAUSE, GuardrailConfig.REAL_TRADING, GuardrailConfig.DRY_RUN ->
                    oneOf(List.of("maybe", "tru", "2", "ｔｒｕｅ", "y e s"));
            case GuardrailConfig.EXECUTION_ALLOWLIST, GuardrailConfig.WORKER_ALLOWLIST ->
                    oneOf(List.of(",", validAddress() + "," + oneOf(BAD_ADDRESSES.subList(2, BAD_ADDRESSES.size()))));
            case GuardrailConfig.MAX_TRADE_POLICY -> null;  // only read together with MAX_TRADE_USD
            case GuardrailConfig.MARKET_CAPS -> oneOf(List.of("btc=", "=5", "btc", "btc=0", "btc=-1", "btc=abc",
                    "Will Trump Win=100", "ünï=5", validSlug() + "=1e999999999", "a=1;b=2"));
            case GuardrailConfig.CAP_WINDOW -> oneOf(List.of("week", "rolling-7d", "utc", "24h"));
            case GuardrailConfig.MAX_TRADES_PER_WINDOW, GuardrailConfig.FOLLOWER_MAX_TRADES_PER_WINDOW ->
                    oneOf(List.of("0", "-3", "1.5", "2147483648", "lots", "１０"));
            case GuardrailConfig.TRADE_WINDOW_MS -> oneOf(List.of("0", "-1", "1.5", "9223372036854775807",
                    "9223372036854775808", "31708800001", "１０"));
            // zero is a valid open-debt limit (any open debt stops BUYs), not a broken one
            case GuardrailConfig.MAX_OPEN_DEBT_USD -> oneOf(List.of("-5", "0.0000001", "abc", "NaN", "５", "$5"));
            default -> oneOf(List.of("0", "-5", "0.0000001", "abc", "1e999999999", "NaN", "５", "$5"));
        };
    }

    // ---- field values ----

    private String pick(Set<String> bad, Map<String, Object> shown, String field, Supplier<String> valid,
            List<String> broken, double brokenShare, boolean required) {
        String v;
        double r = random.nextDouble();
        if (r < brokenShare) {
            v = oneOf(broken);
            bad.add(field);
        } else if (required && r < brokenShare + 0.03) {
            v = null;
            bad.add(field);
        } else {
            v = valid.get();
        }
        shown.put(field, v);
        return v;
    }

    public String validAddress() {
        StringBuilder sb = new StringBuilder(42);
        for (int i = 0; i < 40; i++) {
            sb.append(HEX.charAt(random.nextInt(16)));
        }
        String hex = sb.toString();
        return switch (random.nextInt(5)) {
            case 0 -> "0x" + hex.toUpperCase(Locale.ROOT);
            case 1 -> hex;
            case 2 -> "  0x" + hex + "\t";
            default -> "0x" + hex;
        };
    }

    public String validHash() {
        StringBuilder sb = new StringBuilder("0x");
        for (int i = 0; i < 64; i++) {
            sb.append(HEX.charAt(random.nextInt(16)));
        }
        String hash = sb.toString();
        return random.nextInt(4) == 0 ? "0x" + hash.substring(2).toUpperCase(Locale.ROOT) : hash;
    }

    private String validToken() {
        return switch (random.nextInt(4)) {
            case 0 -> "0";
            case 1 -> "000" + (1 + random.nextInt(1000));
            case 2 -> "9".repeat(78);
            default -> Long.toUnsignedString(random.nextLong());
        };
    }

    private String validSlug() {
        return switch (random.nextInt(5)) {
            case 0 -> null;
            case 1 -> " ";
            case 2 -> "Will-It-Rain-" + random.nextInt(100);
            case 3 -> "a".repeat(200);
            default -> "btc.up_down-" + random.nextInt(100);
        };
    }

    private String validSide() {
        return oneOf(List.of("BUY", "SELL", "buy", " Sell ", "bUy"));
    }

    private String validPrice() {
        return switch (random.nextInt(6)) {
            case 0 -> "0.000001";
            case 1 -> "0.999999";
            case 2 -> "5E-1";
            case 3 -> " 0.250000000 ";
            case 4 -> ".5";
            default -> String.format("0.%02d", 1 + random.nextInt(98));
        };
    }

    private String validSize() {
        return switch (random.nextInt(6)) {
            case 0 -> "0.000001";
            case 1 -> "1000000000";
            case 2 -> "1e3";
            case 3 -> "12.340000";
            case 4 -> "+7";
            default -> Integer.toString(1 + random.nextInt(5_000));
        };
    }

    private String validMoney() {
        return switch (random.nextInt(5)) {
            case 0 -> "0.000001";
            case 1 -> "1000000000";
            case 2 -> "1e2";
            case 3 -> " 7.5 ";
            default -> Integer.toString(1 + random.nextInt(50));
        };
    }

    private String validScale() {
        return oneOf(List.of("1", "0.5", "1000", "0.000000001", " 2 ", "1e2", "0.1"));
    }

    private String validFollowerId() {
        long n = UNIQUE.incrementAndGet();
        return switch (random.nextInt(4)) {
            case 0 -> "trader-ñ-日本-🚀-" + n;
            case 1 -> ("f" + n + "-").repeat(30).substring(0, 128);
            case 2 -> random.nextBoolean() ? "Ω" + n : "🚀".repeat(64 - Long.toString(n).length()) + n + "x".repeat(Long.toString(n).length());
            default -> "follower-" + n;
        };
    }

    private static boolean parses(String s) {
        try {
            new BigDecimal(s.trim());
            return s.trim().chars().allMatch(c -> c < 128);
        } catch (RuntimeException e) {
            return false;
        }
    }

    public <T> T oneOf(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** Random durations around the edges a setting has: zero, negative, tiny, normal, absurd. */
    public Duration duration() {
        return switch (random.nextInt(8)) {
            case 0 -> null;
            case 1 -> Duration.ZERO;
            case 2 -> Duration.ofMillis(-1 - random.nextInt(1000));
            case 3 -> Duration.ofSeconds(Long.MAX_VALUE);
            case 4 -> Duration.ofDays(365L * 1_000_000);
            case 5 -> Duration.ofNanos(1);
            default -> Duration.ofMillis(1 + random.nextInt(600_000));
        };
    }

    /** Text for an instance id: usually fine, sometimes blank, too long or with control characters. */
    public String instanceId() {
        return oneOf(new ArrayList<>(List.of("bot-1", "bot ñ 日本", "x".repeat(100), "", " ", "x".repeat(101),
                "nul\u0000", "line\nbreak", "tab\t", "bell\u0007")));
    }
}
