package dev.copytrade.examples.bench;

import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyResult.Outcome;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.guardrail.EmergencyPause;
import dev.copytrade.core.guardrail.FollowerAllowlist;
import dev.copytrade.core.guardrail.Guardrail;
import dev.copytrade.core.guardrail.GuardrailChain;
import dev.copytrade.core.guardrail.GuardrailContext;
import dev.copytrade.core.guardrail.MaxNotionalPerTrade;
import dev.copytrade.core.guardrail.RealTradingSwitch;
import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.model.Side;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.mutex.LocalScopedTxMutex;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.policy.SizingResult;
import dev.copytrade.core.policy.VenueRules;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The in-memory pipeline on one thread: what the library itself costs per copied trade, with the
 * store, lock and venue all in memory and the venue answering at once. Every op checks its outcome
 * and every store and venue is checked when it is retired, so a fast number cannot come from a
 * short-cut (a skip, a duplicate, a lost order).
 *
 * <ul>
 *   <li>{@link #fullPipeline}: a never-seen (signal, follower) key each op: sizing, the four built-in
 *       guardrails, idempotency-key hashing, prewrite PENDING, signer lock, realtime re-check,
 *       simulated fill, EXECUTED (the simulated venue needs no SUBMITTED write: its orders are known
 *       by the client order id the prewritten record already carries). The store is replaced every
 *       65,536 records, so the live set stays bounded as with a durable store.
 *   <li>{@link #fullPipelineGrowingStore}: the same, but one store per 2 s iteration keeps every
 *       record on the heap: adds the GC cost of an ever-growing in-memory store.
 *   <li>{@link #sizingAndGuardrails}: only the pre-trade decision (policy sizing + guardrail chain).
 *   <li>{@link #duplicateDelivery}: a key that already has an EXECUTED record: the path every
 *       replayed or doubly-delivered trade takes (sizing, guardrails, hashing, prewrite finds it).
 * </ul>
 *
 * Trades (with distinct signal ids) are built in setup, so parsing and validating a feed's trade is
 * not measured. Heap settings are in {@code @Fork}: passing {@code -jvmArgsAppend} on the command
 * line replaces them, so repeat {@code -Xms3g -Xmx3g} there.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
@Threads(1)
public class PipelineBenchmark {

    /** Distinct signals × followers: 16.7 M distinct keys, far beyond one 2 s iteration (checked). */
    static final int SIGNALS = 1 << 18;

    static final int FOLLOWERS = 64;

    static final String WALLET = "0x00000000000000000000000000000000000000f1";

    /** What every benchmark shares: built once per fork. */
    @State(Scope.Thread)
    public static class Fixture {
        final VenueRules venue = VenueRules.polymarketMarketOrders();
        LeaderTrade[] trades;
        Follower[] followers;
        /** What the executor is given; it puts its real-trading master switch in front. */
        GuardrailChain hostGuardrails;
        /** The chain the executor evaluates: the master switch, then the host's. */
        GuardrailChain guardrails;

        @Setup(Level.Trial)
        public void build() {
            CopyPolicy policy = CopyPolicy.fixed(Usdc.of("10")).maxPerTrade(Usdc.of("50")).build();
            followers = new Follower[FOLLOWERS];
            for (int f = 0; f < FOLLOWERS; f++) {
                followers[f] = Follower.eoa("bench-follower-" + f, WALLET, policy);
            }
            // all four built-ins, each configured so the order passes: the benchmark measures the happy path
            hostGuardrails = GuardrailChain.of(
                    new EmergencyPause(false),
                    new MaxNotionalPerTrade(Usdc.of("25"), MaxNotionalPerTrade.OverCap.SKIP),
                    FollowerAllowlist.of(WALLET));
            List<Guardrail> all = new ArrayList<>();
            all.add(RealTradingSwitch.disabled()); // passes: the simulated venue moves no real money
            all.addAll(hostGuardrails.guardrails());
            guardrails = GuardrailChain.of(all);
            trades = new LeaderTrade[SIGNALS];
            Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
            for (int i = 0; i < SIGNALS; i++) {
                trades[i] = LeaderTrade.builder()
                        .signalId(SignalId.venueFill("bench", "fill-" + i))
                        .leader("0x00000000000000000000000000000000000000a1")
                        .market("0x" + "ab".repeat(32), "1234567890123456789", "bench-market")
                        .side(i % 2 == 0 ? Side.BUY : Side.SELL)
                        .price("0.42")
                        .size(Integer.toString(100 + i % 50))
                        .timestamp(t0.plusMillis(i))
                        .build();
            }
        }
    }

    /**
     * A store, venue, mutex and executor, and the ops that went through them. Op {@code i} copies
     * signal {@code i % SIGNALS} for follower {@code i / SIGNALS}, so consecutive ops always carry a
     * new signal and no key repeats within one rig.
     */
    static final class Rig {
        final InMemoryCopyTradeStore store = new InMemoryCopyTradeStore();
        final SimulatedChainAdapter venue = new SimulatedChainAdapter(Clock.systemUTC(), Duration.ZERO);
        final CopyTradeExecutor executor;
        long ops;

        Rig(Fixture f) {
            executor = newExecutor(f, store, venue);
        }

        CopyResult executeNext(Fixture f) {
            long i = ops++;
            LeaderTrade trade = f.trades[(int) (i % SIGNALS)];
            CopyResult r = executor.execute(trade, f.followers[(int) (i / SIGNALS % FOLLOWERS)]);
            // a throughput number is only worth something if each op did the whole job
            if (r.outcome() != Outcome.EXECUTED) {
                throw new IllegalStateException("op " + i + " ended " + r.outcome() + ": " + r.record());
            }
            return r;
        }

        /** Cheap enough to run while measuring: the venue saw exactly one order per op. */
        void requireOneOrderPerOp() {
            executor.close();
            if (ops > (long) SIGNALS * FOLLOWERS) {
                throw new IllegalStateException(ops + " ops exceed the " + (long) SIGNALS * FOLLOWERS
                        + " distinct keys; raise SIGNALS or FOLLOWERS");
            }
            if (venue.receivedCount() != ops || venue.duplicateSubmissions() != 0) {
                throw new IllegalStateException("expected " + ops + " orders, the venue saw " + venue.receivedCount()
                        + " and " + venue.duplicateSubmissions() + " duplicate submissions");
            }
        }

        /** Walks the whole store: for teardown only. */
        void requireEveryRecordExecuted() {
            requireOneOrderPerOp();
            long executed = store.countByStatus().get(RecordStatus.EXECUTED);
            if (executed != ops) {
                throw new IllegalStateException("expected " + ops + " EXECUTED records, the store has " + executed);
            }
        }
    }

    /**
     * Every record of the iteration stays on the heap (the in-memory store forgets nothing), so the GC
     * copies an ever-growing live set: the cost of using the in-memory store in a busy process.
     */
    @State(Scope.Thread)
    public static class GrowingStore {
        Rig rig;

        @Setup(Level.Iteration)
        public void start(Fixture f) {
            rig = new Rig(f);
        }

        @TearDown(Level.Iteration)
        public void check() {
            rig.requireEveryRecordExecuted();
        }
    }

    /**
     * A fresh store every {@link #RECORDS_PER_STORE} records, so the live set stays bounded as it does
     * with a durable store whose records leave the heap: the pipeline's own cost. Starting a rig
     * (three empty maps and an executor) is measured too; it is amortised over the block.
     */
    @State(Scope.Thread)
    public static class BoundedStore {
        static final int RECORDS_PER_STORE = 1 << 16;
        Fixture fixture;
        Rig rig;

        @Setup(Level.Iteration)
        public void start(Fixture f) {
            fixture = f;
            rig = new Rig(f);
        }

        Rig rig() {
            if (rig.ops == RECORDS_PER_STORE) {
                rig.requireOneOrderPerOp();
                rig = new Rig(fixture);
            }
            return rig;
        }

        @TearDown(Level.Iteration)
        public void check() {
            rig.requireEveryRecordExecuted();
        }
    }

    /** One executor whose store already holds an EXECUTED record for every (signal, first follower). */
    @State(Scope.Thread)
    public static class Delivered {
        Rig rig;
        int next;

        @Setup(Level.Trial)
        public void deliverOnce(Fixture f) {
            rig = new Rig(f);
            for (int i = 0; i < SIGNALS; i++) {
                rig.executeNext(f);
            }
        }

        @TearDown(Level.Trial)
        public void check() {
            // every re-delivery must have been answered from the store: no new record, no new order
            rig.requireEveryRecordExecuted();
        }
    }

    /** Read once per op, as the executor reads its clock. */
    @State(Scope.Thread)
    public static class Counter {
        final Clock clock = Clock.systemUTC();
        int next;
    }

    @Benchmark
    public CopyResult fullPipeline(Fixture f, BoundedStore s) {
        return s.rig().executeNext(f);
    }

    @Benchmark
    public CopyResult fullPipelineGrowingStore(Fixture f, GrowingStore s) {
        return s.rig.executeNext(f);
    }

    @Benchmark
    public GuardrailChain.Verdict sizingAndGuardrails(Fixture f, Counter c) {
        LeaderTrade trade = f.trades[c.next++ & (SIGNALS - 1)];
        Follower follower = f.followers[0];
        SizingResult sizing = follower.policy().size(trade, f.venue);
        GuardrailContext ctx = new GuardrailContext(c.clock.instant(), trade, follower,
                GuardrailContext.Phase.PRE_TRADE, false, false, f.venue);
        return f.guardrails.evaluate(((SizingResult.Sized) sizing).order(), ctx);
    }

    @Benchmark
    public CopyResult duplicateDelivery(Fixture f, Delivered d) {
        CopyResult r = d.rig.executor.execute(f.trades[d.next++ & (SIGNALS - 1)], f.followers[0]);
        if (r.outcome() != Outcome.DUPLICATE) {
            throw new IllegalStateException("re-delivery ended " + r.outcome() + ": " + r.record());
        }
        return r;
    }

    static CopyTradeExecutor newExecutor(Fixture f, InMemoryCopyTradeStore store, SimulatedChainAdapter venue) {
        return CopyTradeExecutor.builder()
                .store(store)
                .chainAdapter(venue)
                .mutex(new LocalScopedTxMutex())
                .guardrails(f.hostGuardrails)
                .venueRules(f.venue)
                .instanceId("bench")
                .parallelism(1)
                .build();
    }
}
