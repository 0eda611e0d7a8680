package dev.copytrade.core.executor;

import static dev.copytrade.core.executor.Fixtures.followers;
import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.cap.Budget;
import dev.copytrade.core.cap.BudgetWindow;
import dev.copytrade.core.cap.CapLedger;
import dev.copytrade.core.cap.CapPolicy;
import dev.copytrade.core.cap.ReserveRequest;
import dev.copytrade.core.cap.ReserveResult;
import dev.copytrade.core.chain.ChainAdapter;
import dev.copytrade.core.executor.CopyResult.Outcome;
import dev.copytrade.core.memory.InMemoryCapLedger;
import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.record.Transition;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.sim.SimulatedChainAdapter.Behavior;
import dev.copytrade.core.sim.SimulatedChainAdapter.ReceivedOrder;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.store.StoreException;
import dev.copytrade.core.sweep.StaleSweeper;
import dev.copytrade.core.sweep.SweepReport;
import dev.copytrade.core.testkit.CountingStore;
import dev.copytrade.core.testkit.Seeds;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code executeAll} at the scale of a popular leader: 1,000 followers, failures at the worst moments. */
class FanOutTest {
    private static final int FOLLOWERS = 1_000;
    private static final List<Behavior> VENUE_MOODS = List.of(Behavior.fill(), Behavior.partial("0.5"),
            Behavior.reject("no liquidity"), Behavior.timeoutAfterReceive(), Behavior.throwAfterReceive(),
            Behavior.lostBeforeReceive(), Behavior.throwBeforeReceive());

    private final SettableClock clock = new SettableClock(Fixtures.T0);
    private final SimulatedChainAdapter venue = new SimulatedChainAdapter(clock, Duration.ZERO);
    private final InMemoryCapLedger ledger = new InMemoryCapLedger();
    private final CapPolicy capPolicy = CapPolicy.builder().global(Usdc.of("1000000")).maxTradesPerFollower(5).build();
    private final RecordingListener listener = new RecordingListener();
    private final List<CopyTradeExecutor> executors = new ArrayList<>();

    @AfterEach
    void closeExecutors() {
        executors.forEach(CopyTradeExecutor::close);
    }

    private CopyTradeExecutor executor(CopyTradeStore store, ChainAdapter adapter, int parallelism) {
        CopyTradeExecutor ex = CopyTradeExecutor.builder().store(store).chainAdapter(adapter).clock(clock)
                .caps(ledger, capPolicy).parallelism(parallelism).listener(listener).instanceId("fan-out").build();
        executors.add(ex);
        return ex;
    }

    /** The global money budget as the policy names it (a budget is its key and window). */
    private final Budget globalMoney = new Budget("usd:global", Usdc.of("1000000").micros(), BudgetWindow.utcDay());

    /** The process restarts after the leases ran out: one sweep with the same ledger settles everything. */
    private SweepReport sweepAfterTheLeases(CopyTradeStore store) {
        clock.advance(Duration.ofMinutes(11));
        return StaleSweeper.builder(store, venue).clock(clock).caps(ledger).build().runOnce();
    }

    private static List<Outcome> outcomes(List<CopyResult> results) {
        return results.stream().map(CopyResult::outcome).toList();
    }

    @Test
    @DisplayName("Scenario: A fan-out whose batch prewrite fails sends nothing")
    void aFailedBatchPrewriteSendsNothing() {
        FaultyStore store = new FaultyStore().failPrewritesAfter(FOLLOWERS / 2);
        LeaderTrade trade = Fixtures.trade();
        List<Follower> followers = followers(FOLLOWERS);

        List<CopyResult> results = executor(store, venue, 16).executeAll(trade, followers);

        assertThat(outcomes(results)).hasSize(FOLLOWERS).containsOnly(Outcome.NOT_RECORDED);
        assertThat(results).allSatisfy(r -> assertThat(r.error()).isInstanceOf(StoreException.class));
        assertThat(venue.submitCalls()).as("the venue received nothing").isZero();
        assertThat(venue.receivedOrders()).isEmpty();
        assertThat(listener.events).hasSize(FOLLOWERS).allMatch(e -> e.startsWith("prewriteFailed:"));
        // half the batch was written before the database went away: PENDING, never sent, expired by the sweep
        assertThat(store.delegate.all()).hasSize(FOLLOWERS / 2).allMatch(r -> r.status() == RecordStatus.PENDING);
        // the orders never written gave their reservations back at once; a written record keeps its own until the
        // sweep ends it (the executor cannot tell it from a concurrent duplicate's record running on it)
        assertThat(ledger.used(globalMoney, clock.instant())).as("only the written records' reservations are held")
                .isEqualTo(store.delegate.all().stream().mapToLong(r -> r.order().notional().micros()).sum());
        SweepReport sweep = sweepAfterTheLeases(store);
        assertThat(store.delegate.all()).as(sweep.toString()).allMatch(r -> r.status() == RecordStatus.EXPIRED);
        assertThat(ledger.used(globalMoney, clock.instant()))
                .as("every reservation of the fan-out was given back").isZero();
    }

    @Test
    @DisplayName("Scenario: A crash between the send and the group commit is resolved from the venue")
    void aCrashBeforeTheGroupCommitIsResolvedFromTheVenue() {
        long seed = Seeds.seed();
        String context = "seed=" + seed;
        venue.setRule(request -> VENUE_MOODS.get(
                new Random(seed ^ request.clientOrderId().value().hashCode()).nextInt(VENUE_MOODS.size())));
        CountingStore store = new CountingStore(new InMemoryCopyTradeStore()).failGroupCommits();
        LeaderTrade trade = Fixtures.trade();
        List<Follower> followers = followers(FOLLOWERS);

        List<CopyResult> results = executor(store, venue, 16).executeAll(trade, followers);

        assertThat(outcomes(results)).as(context).hasSize(FOLLOWERS).containsOnly(Outcome.IN_FLIGHT);
        assertThat(store.groupCommits.stream().mapToInt(Integer::intValue).sum()).as(context)
                .as("every final write went to a group commit").isEqualTo(FOLLOWERS);
        assertThat(store.countByStatus().get(RecordStatus.PENDING)).as(context).isEqualTo(FOLLOWERS);
        assertThat(venue.receivedCount()).as(context).isPositive().isLessThan(FOLLOWERS);

        SweepReport sweep = sweepAfterTheLeases(store);

        context += " " + sweep;
        long filledNotional = 0;
        for (CopyResult r : results) {
            CopyTradeRecord now = store.findById(r.record().id()).orElseThrow();
            Optional<ReceivedOrder> atVenue = venue.find(now.clientOrderId());
            RecordStatus expected = atVenue.isEmpty() ? RecordStatus.EXPIRED
                    : atVenue.get().filled() ? RecordStatus.EXECUTED : RecordStatus.FAILED;
            assertThat(now.status()).as(context + " record " + now.id() + " vs the venue's " + atVenue)
                    .isEqualTo(expected);
            if (expected == RecordStatus.EXECUTED) {
                assertThat(now.fill()).as(context).isEqualTo(atVenue.get().fill());
                filledNotional += now.fill().notional().micros();
            }
        }
        assertThat(venue.duplicateSubmissions()).as(context).isZero();
        assertThat(ledger.used(globalMoney, clock.instant()))
                .as(context + ": the ledger holds exactly what the venue filled").isEqualTo(filledNotional);
    }

    @Test
    @DisplayName("Scenario: Group commit under many threads gives each waiter its own result")
    void groupCommitGivesEachExecutionItsOwnOutcome() throws Exception {
        int n = 64;
        InMemoryCopyTradeStore memory = new InMemoryCopyTradeStore();
        CountingStore store = new CountingStore(memory);
        CyclicBarrier allSent = new CyclicBarrier(n);
        Set<Long> movedByOthers = java.util.concurrent.ConcurrentHashMap.newKeySet();
        ProbeAdapter adapter = new ProbeAdapter(order -> {
            long id = order.request().recordId();
            if (id % 4 == 0) {
                // another actor (an operator, a sweeper of another clock) moves the record while it is sent
                memory.transition(Transition.expired(id, RecordStatus.PENDING, clock.instant(), null, "operator"));
                movedByOthers.add(id);
            }
            try {
                allSent.await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the submits did not overlap", e);
            }
        });

        List<CopyResult> results = executor(store, adapter, n).executeAll(Fixtures.trade(), followers(n));

        assertThat(movedByOthers).isNotEmpty();
        Set<Long> seen = new HashSet<>();
        for (CopyResult r : results) {
            seen.add(r.record().id());
            CopyTradeRecord stored = memory.findById(r.record().id()).orElseThrow();
            assertThat(r.record()).isEqualTo(stored);
            if (movedByOthers.contains(r.record().id())) {
                assertThat(r.outcome()).isEqualTo(Outcome.LOST);
                assertThat(stored.status()).as("never overwritten").isEqualTo(RecordStatus.EXPIRED);
            } else {
                assertThat(r.outcome()).isEqualTo(Outcome.EXECUTED);
                assertThat(stored.fill()).isEqualTo(adapter.venue.find(stored.clientOrderId()).orElseThrow().fill());
            }
        }
        assertThat(seen).as("each execution got its own record").hasSize(n);
        assertThat(store.groupCommits.stream().mapToInt(Integer::intValue).sum()).isEqualTo(n);
        assertThat(store.groupCommits).as("the 64 final writes shared commits").hasSizeLessThan(n);
        assertThat(listener.events.stream().filter(e -> e.startsWith("executed:"))).hasSize(n - movedByOthers.size());
    }

    /** The in-memory ledger, counting how it is called. */
    private static final class CallCountingLedger implements CapLedger {
        final CapLedger inner = new InMemoryCapLedger();
        final AtomicInteger reserves = new AtomicInteger();
        final List<Integer> batches = new CopyOnWriteArrayList<>();

        @Override
        public ReserveResult reserve(String id, List<Budget> budgets, long units, Instant at, Instant expiresAt) {
            reserves.incrementAndGet();
            return inner.reserve(id, budgets, units, at, expiresAt);
        }

        @Override
        public List<ReserveResult> reserveAll(List<ReserveRequest> requests) {
            batches.add(requests.size());
            return inner.reserveAll(requests);
        }

        @Override
        public boolean commit(String id, long actualUnits, Instant at) {
            return inner.commit(id, actualUnits, at);
        }

        @Override
        public boolean release(String id, Instant at) {
            return inner.release(id, at);
        }

        @Override
        public int releaseExpired(Instant now, int limit) {
            return inner.releaseExpired(now, limit);
        }

        @Override
        public long used(Budget budget, Instant now) {
            return inner.used(budget, now);
        }
    }

    @Test
    @DisplayName("Scenario: A fan-out reserves every follower's caps in one call per kind of budget")
    void aFanOutReservesItsCapsInOneCallPerKind() {
        CallCountingLedger counting = new CallCountingLedger();
        // $10 a follower: money for 30 of them, trades for 25
        CapPolicy policy = CapPolicy.builder().global(Usdc.of("300")).maxTrades(25).build();
        CopyTradeExecutor ex = CopyTradeExecutor.builder().store(new InMemoryCopyTradeStore()).chainAdapter(venue)
                .clock(clock).caps(counting, policy).parallelism(8).build();
        executors.add(ex);

        List<CopyResult> results = ex.executeAll(Fixtures.trade(), followers(50));

        assertThat(counting.batches).as("money for all 50, then counts for the 30 that got money").containsExactly(50, 30);
        assertThat(counting.reserves).hasValue(0);
        for (int i = 0; i < 50; i++) {
            CopyResult r = results.get(i);
            if (i < 25) {
                assertThat(r.outcome()).as("follower %d", i + 1).isEqualTo(Outcome.EXECUTED);
            } else {
                assertThat(r.outcome()).as("follower %d", i + 1).isEqualTo(Outcome.SKIPPED);
                assertThat(r.record().reason()).as("follower %d", i + 1)
                        .isEqualTo(i < 30 ? ReasonCode.TRADE_COUNT_EXCEEDED : ReasonCode.BUDGET_EXHAUSTED);
            }
        }
        assertThat(counting.used(new Budget("usd:global", Usdc.of("300").micros(), BudgetWindow.utcDay()),
                clock.instant())).as("25 filled orders; the 5 refused a trade gave their money back")
                .isEqualTo(Usdc.of("250").micros());
        assertThat(venue.receivedCount()).isEqualTo(25);
    }

    @Test
    @DisplayName("Scenario: Concurrent executions share group commits only when asked to")
    void concurrentExecutesShareGroupCommitsOnlyWhenAskedTo() {
        for (boolean grouped : new boolean[] {false, true}) {
            int n = 16;
            CountingStore store = new CountingStore(new InMemoryCopyTradeStore());
            CyclicBarrier allSent = new CyclicBarrier(n);
            ProbeAdapter adapter = new ProbeAdapter(order -> {
                try {
                    allSent.await(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("the submits did not overlap", e);
                }
            });
            CopyTradeExecutor ex = CopyTradeExecutor.builder().store(store).chainAdapter(adapter).clock(clock)
                    .groupCommit(512, Duration.ofSeconds(1)).groupCommitExecutes(grouped).build();
            executors.add(ex);
            LeaderTrade trade = Fixtures.trade();
            List<Follower> followers = followers(n);

            List<CopyResult> results = dev.copytrade.core.testkit.Concurrently.run(n,
                    i -> ex.execute(trade, followers.get(i)));

            assertThat(outcomes(results)).as("grouped=%s", grouped).containsOnly(Outcome.EXECUTED);
            if (grouped) {
                assertThat(store.groupCommits.stream().mapToInt(Integer::intValue).sum()).isEqualTo(n);
                assertThat(store.groupCommits).as("16 finals sent together share commits").hasSizeLessThan(n);
            } else {
                assertThat(store.groupCommits).as("each final is its own write").isEmpty();
                assertThat(store.writers).hasSize(n);
            }
        }
    }
}
