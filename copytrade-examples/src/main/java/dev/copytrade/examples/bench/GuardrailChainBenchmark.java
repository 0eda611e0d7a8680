package dev.copytrade.examples.bench;

import dev.copytrade.core.guardrail.AccessList;
import dev.copytrade.core.guardrail.EmergencyPause;
import dev.copytrade.core.guardrail.FailureCooldown;
import dev.copytrade.core.guardrail.GuardrailChain;
import dev.copytrade.core.guardrail.GuardrailContext;
import dev.copytrade.core.guardrail.MaxNotionalPerTrade;
import dev.copytrade.core.guardrail.OrderRateLimiter;
import dev.copytrade.core.guardrail.PriceProtection;
import dev.copytrade.core.guardrail.RealTradingSwitch;
import dev.copytrade.core.guardrail.RealizedLossLimit;
import dev.copytrade.core.guardrail.RequirePosition;
import dev.copytrade.core.guardrail.SignalDedup;
import dev.copytrade.core.guardrail.market.CachingQuoteSource;
import dev.copytrade.core.guardrail.market.Quote;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.FollowerId;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.Market;
import dev.copytrade.core.model.Price;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.model.Side;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.model.TxHash;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.policy.VenueRules;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pre-trade evaluation of a chain of 13 built-in guardrails, none doing I/O (quotes, positions and
 * realized PnL come from memory), one evaluation per operation on one thread. Every evaluation passes
 * the whole chain, so no guardrail is skipped by a short circuit. Orders cycle through 1,024 distinct
 * trades (32 followers, 64 markets, BUYs and SELLs) so map and cache look-ups are not all one hot key.
 *
 * <pre>
 * ./mvnw -q -o -pl copytrade-examples -am package -DskipTests
 * java -jar copytrade-examples/target/benchmarks.jar GuardrailChainBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GuardrailChainBenchmark {
    private static final int TRADES = 1024;
    private static final int FOLLOWERS = 32;
    private static final int MARKETS = 64;
    private static final Instant NOW = Instant.parse("2026-02-01T12:00:00Z");

    private final CopyOrder[] orders = new CopyOrder[TRADES];
    private final GuardrailContext[] contexts = new GuardrailContext[TRADES];
    private GuardrailChain chain;
    private int next;

    private static Address address(long n) {
        return Address.of(String.format("0x%040x", n));
    }

    @Setup
    public void setUp() {
        Quote book = new Quote(Price.of("0.49"), Price.of("0.51"), NOW);
        Shares held = Shares.of("1000");
        List<String> followerWallets = new ArrayList<>();
        List<String> signers = new ArrayList<>();
        List<Follower> followers = new ArrayList<>();
        CopyPolicy policy = CopyPolicy.fixed(Usdc.of("10")).build();
        for (int f = 0; f < FOLLOWERS; f++) {
            Follower follower = new Follower(FollowerId.of("follower-" + f), address(0x10_000L + f),
                    address(0x20_000L + f % 4), policy);
            followers.add(follower);
            followerWallets.add(follower.wallet().value());
            signers.add(follower.signer().value());
        }
        chain = GuardrailChain.of(
                RealTradingSwitch.enabled(),
                new EmergencyPause(false),
                new SignalDedup(Clock.fixed(NOW, ZoneOffset.UTC)),
                new AccessList(AccessList.Subject.FOLLOWER_WALLET, AccessList.Mode.ALLOW, followerWallets),
                new AccessList(AccessList.Subject.SIGNER, AccessList.Mode.ALLOW, signers),
                AccessList.deny(AccessList.Subject.LEADER, address(0xbad1).value(), address(0xbad2).value()),
                AccessList.deny(AccessList.Subject.MARKET, "some-scam-market", "0x" + "ee".repeat(32)),
                new MaxNotionalPerTrade(Usdc.of("100"), MaxNotionalPerTrade.OverCap.CLAMP),
                new FailureCooldown(3, Duration.ofMinutes(10)),
                new RealizedLossLimit((follower, day) -> Usdc.ZERO, Usdc.of("500")),
                new RequirePosition((wallet, market) -> held),
                PriceProtection.builder(new CachingQuoteSource((market, side) -> book))
                        .maxBuyPrice(Price.of("0.95")).maxDeviation("0.02").build(),
                OrderRateLimiter.defaults());
        VenueRules venue = VenueRules.polymarketMarketOrders();
        for (int i = 0; i < TRADES; i++) {
            LeaderTrade trade = new LeaderTrade(SignalId.chainLog(137, TxHash.of(String.format("0x%064x", i + 1)), 0),
                    address(0x1e_000L + i % 8), Market.of(String.format("0x%064x", i % MARKETS),
                            Long.toString(1_000_000L + i % MARKETS), "market-" + i % MARKETS),
                    i % 4 == 0 ? Side.SELL : Side.BUY,
                    Price.of("0.50"), Shares.of("100"), NOW.minusSeconds(1));
            orders[i] = CopyOrder.of(trade.market(), trade.side(), trade.price(), Shares.of("20"));
            contexts[i] = new GuardrailContext(NOW, trade, followers.get(i % FOLLOWERS),
                    GuardrailContext.Phase.PRE_TRADE, false, true, venue);
            GuardrailChain.Verdict v = chain.evaluate(orders[i], contexts[i]);
            if (!(v instanceof GuardrailChain.Verdict.Pass)) {
                throw new IllegalStateException("trade " + i + " does not pass the whole chain: " + v);
            }
        }
        if (chain.guardrails().size() < 12) {
            throw new IllegalStateException("the benchmark promises at least 12 guardrails");
        }
    }

    @Benchmark
    public GuardrailChain.Verdict evaluate() {
        int i = next;
        next = (i + 1) & (TRADES - 1);
        return chain.evaluate(orders[i], contexts[i]);
    }
}
