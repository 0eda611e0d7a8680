package dev.copytrade.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.chain.ChainAdapter;
import dev.copytrade.core.chain.LookupResult;
import dev.copytrade.core.chain.OrderLookup;
import dev.copytrade.core.chain.OrderRequest;
import dev.copytrade.core.chain.PreparedOrder;
import dev.copytrade.core.chain.SubmitResult;
import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.FollowerId;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.testkit.Concurrently;
import dev.copytrade.core.testkit.Seeds;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The case end to end: two bot processes (two pools, each with its executor, store and
 * {@link JdbiScopedTxMutex}) copy for followers that share two signers. The venue hands out nonces with
 * an unguarded read-modify-write per signer, as an EVM adapter reading the signer's pending nonce does,
 * so any two sends of one signer that overlapped would collide.
 */
class SharedSignerAcrossProcessesTest {
    private static final int TRADES = 240;
    private static final int THREADS_PER_PROCESS = 4;

    @Test
    @DisplayName("Scenario: Two processes sharing a signer send one order at a time")
    void sharedSignerSendsOneAtATime() {
        long seed = Seeds.seed();
        TableNames tables = SharedPostgres.freshTables();
        SettableClock clock = new SettableClock(Instant.parse("2026-03-02T00:00:00Z"));
        NonceVenue venue = new NonceVenue(new SimulatedChainAdapter(clock, Duration.ZERO));
        List<Address> signers = List.of(Address.of("0x" + "5".repeat(40)), Address.of("0x" + "6".repeat(40)));
        List<Follower> followers = new ArrayList<>();
        for (int f = 0; f < 4; f++) {
            followers.add(new Follower(FollowerId.of("shared-" + f), Address.of(String.format("0x%040x", 0xf0 + f)),
                    signers.get(f % 2), CopyPolicy.fixed(Usdc.of("3")).build()));
        }
        try (HikariDataSource poolA = SharedPostgres.newPool(8); HikariDataSource poolB = SharedPostgres.newPool(8)) {
            List<CopyTradeExecutor> processes = List.of(process(poolA, tables, venue, clock, "A"),
                    process(poolB, tables, venue, clock, "B"));
            AtomicInteger executed = new AtomicInteger();
            Concurrently.run(2 * THREADS_PER_PROCESS, w -> {
                CopyTradeExecutor ex = processes.get(w % 2);
                Random random = new Random(seed + w);
                for (int i = w; i < TRADES; i += 2 * THREADS_PER_PROCESS) {
                    venue.yieldEvery = 1 + random.nextInt(3);
                    // the follower, and so the signer, changes from one trade of a thread to its next
                    Follower follower = followers.get((i + i / (2 * THREADS_PER_PROCESS)) % followers.size());
                    CopyResult r = ex.execute(trade(seed, i, clock), follower);
                    if (r.outcome() == CopyResult.Outcome.EXECUTED) {
                        executed.incrementAndGet();
                    }
                }
                return null;
            });
            processes.forEach(CopyTradeExecutor::close);

            assertThat(executed.get()).as("seed=" + seed).isEqualTo(TRADES);
            assertThat(venue.maxSendsPerSigner.get()).as("seed=" + seed + " sends of one signer at once").isEqualTo(1);
            for (Address signer : signers) {
                List<long[]> sends = venue.sends.get(signer);
                assertThat(sends).as("seed=" + seed + " " + signer).hasSize(TRADES / 2);
                for (int k = 0; k < sends.size(); k++) {
                    assertThat(sends.get(k)[0]).as("seed=" + seed + " nonce of send " + k + " of " + signer).isEqualTo(k);
                    if (k > 0) {
                        assertThat(sends.get(k)[1]).as("seed=" + seed + " fencing token of send " + k + " of " + signer)
                                .isGreaterThan(sends.get(k - 1)[1]);
                    }
                }
            }
        }
    }

    private static CopyTradeExecutor process(HikariDataSource pool, TableNames tables, ChainAdapter venue,
            SettableClock clock, String id) {
        JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(pool).tableNames(tables).migrate(true).build();
        JdbiScopedTxMutex mutex = JdbiScopedTxMutex.builder(pool).tableNames(tables).holder("process-" + id).build();
        return CopyTradeExecutor.builder().store(store).chainAdapter(venue).mutex(mutex).clock(clock).instanceId(id)
                .lockTimeout(Duration.ofSeconds(30)).parallelism(1).build();
    }

    private static LeaderTrade trade(long seed, int i, SettableClock clock) {
        return LeaderTrade.builder().signalId(SignalId.venueFill("shared-signer", seed + "-" + i))
                .leader("0x" + "a".repeat(40)).market("0x" + "c".repeat(64), "7", "shared-signer").side("BUY")
                .price("0.5").size("20").timestamp(clock.instant()).build();
    }

    /**
     * Nonces from an unguarded per-signer counter (read, yield, write back) in {@code prepare}; every send
     * is recorded as (nonce, fencing token) in the order it reached the venue.
     */
    private static final class NonceVenue implements ChainAdapter {
        private final SimulatedChainAdapter fills;
        private final Map<Address, Long> nextNonce = new HashMap<>();
        private final Map<Address, AtomicInteger> sending = new ConcurrentHashMap<>();
        final AtomicInteger maxSendsPerSigner = new AtomicInteger();
        final Map<Address, List<long[]>> sends = new ConcurrentHashMap<>();
        volatile int yieldEvery = 1;
        private final AtomicInteger calls = new AtomicInteger();

        NonceVenue(SimulatedChainAdapter fills) {
            this.fills = fills;
        }

        @Override
        public String venue() {
            return "nonce-venue";
        }

        @Override
        public boolean movesRealMoney() {
            return false;
        }

        @Override
        public PreparedOrder prepare(OrderRequest request) {
            Address signer = request.signer();
            maxSendsPerSigner.accumulateAndGet(sending.computeIfAbsent(signer, s -> new AtomicInteger())
                    .incrementAndGet(), Math::max);
            long nonce;
            // deliberately racy, like reading a signer's pending nonce: only the signer lock makes it safe
            synchronized (nextNonce) {
                nonce = nextNonce.getOrDefault(signer, 0L);
            }
            if (calls.incrementAndGet() % yieldEvery == 0) {
                Thread.yield();
            }
            synchronized (nextNonce) {
                nextNonce.put(signer, nonce + 1);
            }
            return new PreparedOrder(request, "tx-" + signer.value() + "-" + nonce, nonce, null);
        }

        @Override
        public SubmitResult submit(PreparedOrder order) {
            OrderRequest r = order.request();
            sends.computeIfAbsent(r.signer(), s -> java.util.Collections.synchronizedList(new ArrayList<>()))
                    .add(new long[] {order.nonce(), r.fencingToken()});
            try {
                return fills.submit(order);
            } finally {
                sending.get(r.signer()).decrementAndGet();
            }
        }

        @Override
        public LookupResult lookup(OrderLookup lookup) {
            return fills.lookup(lookup);
        }
    }
}
