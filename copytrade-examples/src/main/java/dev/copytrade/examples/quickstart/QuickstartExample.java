package dev.copytrade.examples.quickstart;

import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.guardrail.EmergencyPause;
import dev.copytrade.core.guardrail.GuardrailChain;
import dev.copytrade.core.guardrail.MaxNotionalPerTrade;
import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import java.time.Instant;
import java.util.List;

/**
 * Wiring an executor into a bot, in the fewest lines: the snippet the README shows (between the
 * {@code README:begin} and {@code README:end} markers, which a test compares with README.md). Run with
 *
 * <pre>
 * ./mvnw -q -pl copytrade-examples -am test-compile exec:java -Dexec.mainClass=dev.copytrade.examples.quickstart.QuickstartExample
 * </pre>
 */
public final class QuickstartExample {
    private QuickstartExample() {}

    public static void main(String[] args) {
        run();
    }

    /** Copies one leader trade for one follower, then receives it again; returns both results. */
    static List<CopyResult> run() {
        // README:begin
        CopyTradeExecutor executor = CopyTradeExecutor.builder()
                .store(new InMemoryCopyTradeStore())          // production: JdbiCopyTradeStore on PostgreSQL
                .chainAdapter(new SimulatedChainAdapter())    // production: your venue's adapter
                .guardrails(GuardrailChain.of(new EmergencyPause(false),
                        new MaxNotionalPerTrade(Usdc.of("25"), MaxNotionalPerTrade.OverCap.CLAMP)))
                .build();                                     // real trading stays off until .realTrading(true)
        Follower alice = Follower.eoa("alice", "0x5a1ce0b7e4d2c3a8f9e61b2d7c4a3e5f60718293",
                CopyPolicy.proportional("0.1").maxPerTrade(Usdc.of("20")).build());

        LeaderTrade trade = LeaderTrade.builder()                 // what your feed delivered
                .chainFill(137, "0x061a41a8cb947159083c3baf4c945a6fae104d5f89d1359643615687628ecfaf")
                .leader("0x6031b6eed1c97e853c6e0f03ad3ce3529351f96d")
                .market("0x59fc4c4c57b9a86aa1859ef3ba9e457a3009b791b469f646637a45fe17f1e0d2",
                        "58694369128674932230350152832850260863578525167974431267420151179248334455441",
                        "eth-updown-15m-1767555900")
                .side("BUY").price("0.80").size("120").timestamp(Instant.ofEpochSecond(1767556295))
                .build();

        CopyResult first = executor.execute(trade, alice);   // EXECUTED: 12 shares for $9.60
        CopyResult again = executor.execute(trade, alice);   // DUPLICATE: the same record, nothing sent
        System.out.println(first.outcome() + " " + first.record().fill() + ", then " + again.outcome());
        executor.close();                                    // stops its fan-out threads
        // README:end
        return List.of(first, again);
    }
}
