package dev.copytrade.core.executor;

import static dev.copytrade.core.executor.Fixtures.CHAIN_ID;
import static dev.copytrade.core.executor.Fixtures.T0;
import static dev.copytrade.core.executor.Fixtures.follower;
import static dev.copytrade.core.executor.Fixtures.followers;
import static dev.copytrade.core.executor.Fixtures.trade;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.copytrade.core.chain.ChainAdapter;
import dev.copytrade.core.executor.CopyResult.Outcome;
import dev.copytrade.core.guardrail.Decision;
import dev.copytrade.core.guardrail.EmergencyPause;
import dev.copytrade.core.guardrail.FollowerAllowlist;
import dev.copytrade.core.guardrail.Guardrail;
import dev.copytrade.core.guardrail.GuardrailChain;
import dev.copytrade.core.guardrail.RealTradingSwitch;
import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.mutex.LocalScopedTxMutex;
import dev.copytrade.core.mutex.ScopedTxMutex;
import dev.copytrade.core.mutex.TxScope;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.sim.SimulatedChainAdapter.Behavior;
import dev.copytrade.core.sim.SimulatedChainAdapter.ReceivedOrder;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.store.StoreException;
import java.lang.reflect.Field;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.MDC;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.NOPMDCAdapter;

class CopyTradeExecutorTest {
    /** Only a bound for a test that is already broken; no assertion depends on timing. */
    private static final long WAIT_SECONDS = 10;

    private final InMemoryCopyTradeStore store = new InMemoryCopyTradeStore();
    private final SimulatedChainAdapter venue = new SimulatedChainAdapter();
    private final RecordingListener listener = new RecordingListener();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<CopyTradeExecutor> executors = new ArrayList<>();

    @AfterEach
    void tearDown() {
        threads.shutdownNow();
        executors.forEach(CopyTradeExecutor::close);
    }

    private CopyTradeExecutor.Builder builder(CopyTradeStore s, ChainAdapter adapter) {
        return CopyTradeExecutor.builder().store(s).chainAdapter(adapter).clock(Clock.fixed(T0, ZoneOffset.UTC))
                .instanceId("test-instance").listener(listener);
    }

    private CopyTradeExecutor build(CopyTradeExecutor.Builder b) {
        CopyTradeExecutor e = b.build();
        executors.add(e);
        return e;
    }

    private CopyTradeExecutor executor() {
        return build(builder(store, venue));
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("barrier did not trip: the submits did not overlap", e);
        }
    }

    private static List<Outcome> outcomes(List<CopyResult> results) {
        return results.stream().map(CopyResult::outcome).toList();
    }

    // ---- at most one execution per (signal, follower) ----

    @Test
    @DisplayName("Scenario: Same signal delivered from 16 threads at once")
    void sameSignalFromSixteenThreads() throws Exception {
        CopyTradeExecutor ex = executor();
        LeaderTrade trade = trade();
        Follower f = follower(1);
        CyclicBarrier start = new CyclicBarrier(16);
        List<Future<CopyResult>> running = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            running.add(threads.submit(() -> {
                start.await(WAIT_SECONDS, TimeUnit.SECONDS);
                return ex.execute(trade, f);
            }));
        }
        List<CopyResult> results = new ArrayList<>();
        for (Future<CopyResult> r : running) {
            results.add(r.get(WAIT_SECONDS, TimeUnit.SECONDS));
        }

        assertThat(results.stream().collect(Collectors.groupingBy(CopyResult::outcome, Collectors.counting())))
                .containsOnly(Map.entry(Outcome.EXECUTED, 1L), Map.entry(Outcome.DUPLICATE, 15L));
        assertThat(results).extracting(r -> r.record().id()).containsOnly(results.get(0).record().id());
        assertThat(venue.receivedCount()).isEqualTo(1);
        assertThat(venue.submitCalls()).isEqualTo(1);
        assertThat(store.all()).singleElement().extracting(CopyTradeRecord::status).isEqualTo(RecordStatus.EXECUTED);
    }

    @Test
    @DisplayName("Scenario: Duplicate delivery returns the existing record")
    void duplicateDeliveryReturnsTheExistingRecord() {
        CopyTradeExecutor ex = executor();
        LeaderTrade trade = trade();
        CopyResult first = ex.execute(trade, follower(1));
        // a second feed delivers the same trade: a new object, seen later, with the same signal id
        LeaderTrade redelivered = new LeaderTrade(trade.signalId(), trade.leader(), trade.market(), trade.side(),
                trade.price(), trade.size(), trade.timestamp().plusSeconds(30));

        CopyResult second = ex.execute(redelivered, follower(1));

        assertThat(first.outcome()).isEqualTo(Outcome.EXECUTED);
        assertThat(second.outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(second.record()).isEqualTo(store.findById(first.record().id()).orElseThrow());
        assertThat(second.record().status()).isEqualTo(RecordStatus.EXECUTED);
        assertThat(venue.submitCalls()).isEqualTo(1);
        assertThat(listener.events).containsExactly("submitted:follower-1", "executed:follower-1",
                "duplicate:follower-1");

        List<CopyResult> fanOut = ex.executeAll(redelivered, List.of(follower(1), follower(2)));
        assertThat(outcomes(fanOut)).containsExactly(Outcome.DUPLICATE, Outcome.EXECUTED);
        assertThat(fanOut.get(0).record().id()).isEqualTo(first.record().id());
        assertThat(venue.submitCalls()).isEqualTo(2);
    }

    // ---- no orphan order ----

    @Test
    @DisplayName("Scenario: Store refuses the prewrite")
    void storeRefusesThePrewrite() {
        FaultyStore faulty = new FaultyStore().failPrewritesAfter(0);
        CopyTradeExecutor ex = build(builder(faulty, venue));

        CopyResult r = ex.execute(trade(), follower(1));

        assertThat(r.outcome()).isEqualTo(Outcome.NOT_RECORDED);
        assertThat(r.record()).isNull();
        assertThat(r.error()).isInstanceOf(StoreException.class);
        assertThat(venue.submitCalls()).isZero();
        assertThat(faulty.delegate.all()).isEmpty();
        assertThat(listener.events).containsExactly("prewriteFailed:follower-1");
        assertThat(listener.prewriteErrors).containsExactly((Exception) r.error());
    }

    @ParameterizedTest(name = "the store fails after {0} of 50 prewrites")
    @ValueSource(ints = {0, 25, 49})
    @DisplayName("Scenario: Store refuses the prewrite")
    void storeRefusesTheBatchPrewrite(int writtenBeforeFailure) {
        FaultyStore faulty = new FaultyStore().failPrewritesAfter(writtenBeforeFailure);
        CopyTradeExecutor ex = build(builder(faulty, venue));

        List<CopyResult> results = ex.executeAll(trade(), followers(50));

        assertThat(outcomes(results)).hasSize(50).containsOnly(Outcome.NOT_RECORDED);
        assertThat(venue.submitCalls()).isZero();
        assertThat(listener.events).hasSize(50).allMatch(e -> e.startsWith("prewriteFailed:"));
        // what did get written stays PENDING (nothing sent) for the sweeper to expire
        assertThat(faulty.delegate.all()).hasSize(writtenBeforeFailure)
                .allMatch(rec -> rec.status() == RecordStatus.PENDING);
    }

    // ---- unknown outcomes stay in flight and are never re-sent ----

    @Test
    @DisplayName("Scenario: Adapter times out after receiving the order")
    void adapterTimesOutAfterReceiving() {
        CopyResult r = runWithUnknownOutcome(Behavior.timeoutAfterReceive());

        assertThat(r.error()).isNull();
        assertThat(listener.unknownCauses).containsExactly((Throwable) null);
    }

    @Test
    @DisplayName("Scenario: Adapter throws after receiving the order")
    void adapterThrowsAfterReceiving() {
        CopyResult r = runWithUnknownOutcome(Behavior.throwAfterReceive());

        assertThat(r.error()).isInstanceOf(IllegalStateException.class).hasMessageContaining("reset after send");
        assertThat(listener.unknownCauses).containsExactly(r.error());
    }

    private CopyResult runWithUnknownOutcome(Behavior behavior) {
        venue.enqueue(behavior);
        CopyTradeExecutor ex = executor();
        LeaderTrade trade = trade();

        CopyResult r = ex.execute(trade, follower(1));

        assertThat(r.outcome()).isEqualTo(Outcome.IN_FLIGHT);
        CopyTradeRecord stored = store.findById(r.record().id()).orElseThrow();
        assertThat(stored).isEqualTo(r.record());
        assertThat(stored.status()).isEqualTo(RecordStatus.SUBMITTED);
        assertThat(stored.lastError()).startsWith("outcome unknown");
        assertThat(stored.needsReconciliation()).isTrue();
        assertThat(stored.leaseOwner()).isEqualTo("test-instance");
        assertThat(listener.events).containsExactly("submitted:follower-1", "unknown:follower-1");
        // ground truth: the venue did receive and fill it, which is why it must never be sent again
        assertThat(venue.find(stored.clientOrderId())).get().extracting(ReceivedOrder::filled).isEqualTo(true);

        CopyResult again = ex.execute(trade, follower(1));

        assertThat(again.outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(again.record().status()).isEqualTo(RecordStatus.SUBMITTED);
        assertThat(venue.submitCalls()).isEqualTo(1);
        assertThat(venue.duplicateSubmissions()).isZero();
        return r;
    }

    @Test
    @DisplayName("Scenario: Venue rejects the order")
    void venueRejectsTheOrder() {
        venue.enqueue(Behavior.reject("not enough balance"));

        CopyResult r = executor().execute(trade(), follower(1));

        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.record().status()).isEqualTo(RecordStatus.FAILED);
        assertThat(r.record().reason()).isEqualTo(ReasonCode.VENUE_REJECTED);
        assertThat(r.record().lastError()).isEqualTo("not enough balance");
        assertThat(r.record().fill()).isNull();
        assertThat(r.record().leaseOwner()).isNull();
        assertThat(venue.find(r.record().clientOrderId())).get()
                .satisfies(o -> assertThat(o.filled()).isFalse());
        assertThat(listener.events).containsExactly("submitted:follower-1", "failed:follower-1");
    }

    @Test
    @DisplayName("Scenario: Partial fill is recorded as executed with the filled size")
    void partialFillIsExecutedWithTheFilledSize() {
        venue.enqueue(Behavior.partial("0.25"));

        // $10 at 0.50 asks for 20 shares; the venue fills a quarter
        CopyResult r = executor().execute(trade(), follower(1));

        CopyTradeRecord rec = r.record();
        assertThat(r.outcome()).isEqualTo(Outcome.EXECUTED);
        assertThat(rec.status()).isEqualTo(RecordStatus.EXECUTED);
        assertThat(rec.order().shares()).isEqualTo(Shares.of("20"));
        assertThat(rec.fill().shares()).isEqualTo(Shares.of("5"));
        assertThat(rec.fill().notional()).isEqualTo(Usdc.of("2.5"));
        assertThat(rec.detail()).containsEntry("fill.partial", "true")
                .containsEntry("fill.requestedShares", "20.000000");
        assertThat(venue.find(rec.clientOrderId()).orElseThrow().fill()).isEqualTo(rec.fill());
    }

    // ---- nothing leaves when it may not ----

    @Test
    @DisplayName("Scenario: Dry run records and sends nothing")
    void dryRunRecordsAndSendsNothing() {
        CopyResult r = build(builder(store, venue).dryRun(true)).execute(trade(), follower(1));

        assertThat(r.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(r.record().reason()).isEqualTo(ReasonCode.DRY_RUN);
        assertThat(r.record().dryRun()).isTrue();
        assertThat(r.record().order()).isNotNull();
        assertThat(r.record().detail()).containsEntry("wouldSend", "BUY 20.000000 @ 0.500000");
        assertThat(store.all()).containsExactly(r.record());
        assertThat(venue.submitCalls()).isZero();
        assertThat(listener.events).containsExactly("skipped:follower-1");
    }

    @Test
    @DisplayName("Scenario: Signer lock timeout fails the record without sending")
    void signerLockTimeoutFailsWithoutSending() {
        LocalScopedTxMutex mutex = new LocalScopedTxMutex();
        CopyTradeExecutor ex = build(builder(store, venue).mutex(mutex).lockTimeout(Duration.ofMillis(20)));
        Follower f = follower(1);
        TxScope scope = TxScope.signer(CHAIN_ID, f.signer());
        LeaderTrade trade = trade();

        CopyResult r;
        try (ScopedTxMutex.Lease held = mutex.acquire(scope, Duration.ofSeconds(WAIT_SECONDS))) {
            r = ex.execute(trade, f);
        }

        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.record().reason()).isEqualTo(ReasonCode.SIGNER_LOCK_TIMEOUT);
        assertThat(r.record().lastError()).contains(scope.value());
        assertThat(venue.submitCalls()).isZero();
        assertThat(listener.events).containsExactly("failed:follower-1");
        // the failure is final: once the lock is free a redelivery is a duplicate, not a late send
        assertThat(ex.execute(trade, f).outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(venue.submitCalls()).isZero();
    }

    @Test
    @DisplayName("Scenario: Pause flipped after prewrite stops the order under the lock")
    void pauseFlippedAfterPrewriteStopsTheOrder() throws Exception {
        EmergencyPause pause = new EmergencyPause(false);
        LocalScopedTxMutex locks = new LocalScopedTxMutex();
        SignalingMutex mutex = new SignalingMutex(locks);
        CopyTradeExecutor ex = build(builder(store, venue).mutex(mutex).guardrails(GuardrailChain.of(pause)));
        Follower f = follower(1);
        LeaderTrade trade = trade();

        Future<CopyResult> running;
        try (ScopedTxMutex.Lease held = locks.acquire(TxScope.signer(CHAIN_ID, f.signer()),
                Duration.ofSeconds(WAIT_SECONDS))) {
            running = threads.submit(() -> ex.execute(trade, f));
            assertThat(mutex.acquireStarted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(store.all()).singleElement().extracting(CopyTradeRecord::status)
                    .isEqualTo(RecordStatus.PENDING);
            pause.pause();
        }
        CopyResult r = running.get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(r.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(r.record().status()).isEqualTo(RecordStatus.SKIPPED);
        assertThat(r.record().reason()).isEqualTo(ReasonCode.EMERGENCY_PAUSE);
        assertThat(r.record().detail()).containsEntry("guardrail", "EmergencyPause");
        assertThat(venue.submitCalls()).isZero();
    }

    @Test
    @DisplayName("Scenario: Every skip is a SKIPPED record with a reason code")
    void everySkipIsARecordWithAReason() {
        Follower triggerTooHigh = follower(1, 1,
                CopyPolicy.fixed(Usdc.of("10")).minLeaderNotional(Usdc.of("1000")).build());
        Follower unlisted = follower(2);
        Follower brokenCheck = follower(3);
        Guardrail throwsForThree = (order, ctx) -> {
            if (ctx.follower().equals(brokenCheck)) {
                throw new IllegalStateException("price feed down");
            }
            return Decision.allow();
        };
        CopyTradeExecutor ex = build(builder(store, venue).guardrails(GuardrailChain.of(
                FollowerAllowlist.of(triggerTooHigh.wallet().value(), brokenCheck.wallet().value()),
                throwsForThree)));

        List<CopyResult> results = ex.executeAll(trade(), List.of(triggerTooHigh, unlisted, brokenCheck));

        assertThat(outcomes(results)).containsOnly(Outcome.SKIPPED);
        assertThat(results).extracting(r -> r.record().reason()).containsExactly(
                ReasonCode.LEADER_TRADE_TOO_SMALL, ReasonCode.FOLLOWER_NOT_ALLOWED, ReasonCode.GUARDRAIL_ERROR);
        assertThat(results.get(0).record().detail()).containsEntry("leaderNotional", "50.000000")
                .containsEntry("minLeaderNotional", "1000.000000");
        assertThat(results.get(1).record().detail()).containsEntry("guardrail", "FollowerAllowlist")
                .containsEntry("wallet", unlisted.wallet().value());
        assertThat(results.get(2).record().detail()).containsKey("guardrail")
                .hasEntrySatisfying("error", e -> assertThat(e).contains("price feed down"));
        assertThat(store.all()).hasSize(3).allMatch(r -> r.status() == RecordStatus.SKIPPED && r.reason() != null);
        assertThat(venue.submitCalls()).isZero();
        assertThat(listener.events).containsExactly("skipped:follower-1", "skipped:follower-2",
                "skipped:follower-3");
    }

    @Test
    @DisplayName("Scenario: Real-money adapter is skipped until real trading is enabled")
    void realMoneyAdapterIsSkippedUntilEnabled() {
        ProbeAdapter realMoney = new ProbeAdapter(true, order -> { });
        LeaderTrade trade = trade();

        // no guardrails configured at all: the executor's built-in master switch is off by default
        CopyResult off = build(builder(store, realMoney)).execute(trade, follower(1));
        CopyResult on = build(builder(store, realMoney).realTrading(true)).execute(trade, follower(2));

        assertThat(off.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(off.record().reason()).isEqualTo(ReasonCode.REAL_TRADING_DISABLED);
        assertThat(on.outcome()).isEqualTo(Outcome.EXECUTED);
        assertThat(realMoney.venue.submitCalls()).isEqualTo(1);
    }

    @Test
    @DisplayName("Scenario: Simulated adapter is not blocked by the master switch")
    void simulatedAdapterIsNotBlocked() {
        CopyResult r = build(builder(store, venue).guardrails(GuardrailChain.of(RealTradingSwitch.disabled())))
                .execute(trade(), follower(1));

        assertThat(r.outcome()).isEqualTo(Outcome.EXECUTED);
        assertThat(venue.submitCalls()).isEqualTo(1);
    }

    // ---- fan-out ----

    @Test
    @DisplayName("Scenario: Fan-out runs distinct signers in parallel")
    void fanOutRunsDistinctSignersInParallel() {
        CyclicBarrier allEight = new CyclicBarrier(8);
        ProbeAdapter adapter = new ProbeAdapter(order -> await(allEight));
        CopyTradeExecutor ex = build(builder(store, adapter).parallelism(8));
        List<Follower> followers = followers(8);

        List<CopyResult> results = ex.executeAll(trade(), followers);

        assertThat(outcomes(results)).hasSize(8).containsOnly(Outcome.EXECUTED);
        assertThat(results).extracting(CopyResult::follower).containsExactlyElementsOf(
                followers.stream().map(Follower::id).toList());
        assertThat(adapter.maxInFlight()).isEqualTo(8);
        assertThat(adapter.venue.receivedCount()).isEqualTo(8);
    }

    @Test
    @DisplayName("Scenario: Fan-out runs distinct signers in parallel")
    void fanOutNeverOverlapsOneSigner() {
        // 12 followers on 3 signers: each round, one order of every signer meets the others at the barrier
        CyclicBarrier oneOfEachSigner = new CyclicBarrier(3);
        ProbeAdapter adapter = new ProbeAdapter(order -> await(oneOfEachSigner));
        CopyTradeExecutor ex = build(builder(store, adapter).parallelism(8));
        List<Follower> followers = IntStream.rangeClosed(1, 12)
                .mapToObj(i -> follower(i, i % 3, Fixtures.fixed("10"))).toList();

        List<CopyResult> results = ex.executeAll(trade(), followers);

        assertThat(outcomes(results)).hasSize(12).containsOnly(Outcome.EXECUTED);
        assertThat(adapter.maxPerSigner()).isEqualTo(1);
        assertThat(adapter.maxInFlight()).isEqualTo(3);
    }

    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 8})
    @DisplayName("Scenario: Fan-out prewrites every record before sending any")
    void fanOutPrewritesEveryRecordFirst(int parallelism) {
        List<Integer> recordsSeenAtSubmit = new CopyOnWriteArrayList<>();
        ProbeAdapter adapter = new ProbeAdapter(order -> recordsSeenAtSubmit.add(store.all().size()));
        CopyTradeExecutor ex = build(builder(store, adapter).parallelism(parallelism));

        List<CopyResult> results = ex.executeAll(trade(), followers(20));

        assertThat(outcomes(results)).hasSize(20).containsOnly(Outcome.EXECUTED);
        assertThat(recordsSeenAtSubmit).hasSize(20).containsOnly(20);
    }

    // ---- listeners and logging ----

    @Test
    @DisplayName("Scenario: Listener failure does not change the outcome")
    void listenerFailureDoesNotChangeTheOutcome() {
        RecordingListener after = new RecordingListener();
        CopyTradeExecutor ex = build(builder(store, venue).listener(new ThrowingListener()).listener(after));
        LeaderTrade trade = trade();

        assertThat(ex.execute(trade, follower(1)).outcome()).isEqualTo(Outcome.EXECUTED);
        assertThat(ex.execute(trade, follower(1)).outcome()).isEqualTo(Outcome.DUPLICATE);
        venue.enqueue(Behavior.timeoutAfterReceive());
        assertThat(ex.execute(trade(), follower(1)).outcome()).isEqualTo(Outcome.IN_FLIGHT);

        assertThat(store.countByStatus()).containsEntry(RecordStatus.EXECUTED, 1L)
                .containsEntry(RecordStatus.SUBMITTED, 1L);
        assertThat(venue.submitCalls()).isEqualTo(2);
        assertThat(after.events).containsExactly("submitted:follower-1", "executed:follower-1",
                "duplicate:follower-1", "submitted:follower-1", "unknown:follower-1");
    }

    /** A host's buggy metrics hook. */
    private static final class ThrowingListener implements CopyTradeListener {
        private static RuntimeException boom() {
            return new IllegalStateException("metrics backend down");
        }

        @Override
        public void onSkipped(CopyTradeRecord record) {
            throw boom();
        }

        @Override
        public void onDuplicate(CopyTradeRecord existing) {
            throw boom();
        }

        @Override
        public void onSubmitted(CopyTradeRecord record) {
            throw boom();
        }

        @Override
        public void onExecuted(CopyTradeRecord record) {
            throw boom();
        }

        @Override
        public void onFailed(CopyTradeRecord record) {
            throw boom();
        }

        @Override
        public void onOutcomeUnknown(CopyTradeRecord record, Throwable cause) {
            throw boom();
        }
    }

    @BeforeAll
    static void installAnMdcThatRemembers() throws ReflectiveOperationException {
        // slf4j-simple, the test logger, answers every MDC.get with null (NOPMDCAdapter); SLF4J's own
        // BasicMDCAdapter keeps per-thread values as logback or log4j2 would, so the MDC becomes observable
        if (MDC.getMDCAdapter() instanceof NOPMDCAdapter) {
            Field adapter = MDC.class.getDeclaredField("MDC_ADAPTER");
            adapter.setAccessible(true);
            adapter.set(null, new BasicMDCAdapter());
        }
    }

    @Test
    void mdcNamesTheRecordAndSignerDuringSubmitAndIsClearedAfter() {
        List<String> seen = new CopyOnWriteArrayList<>();
        ProbeAdapter adapter = new ProbeAdapter(order -> {
            seen.add(MDC.get(CopyTradeExecutor.MDC_RECORD));
            seen.add(MDC.get(CopyTradeExecutor.MDC_SIGNER));
        });
        CopyTradeExecutor ex = build(builder(store, adapter));
        Follower f = follower(1);

        CopyResult r = ex.execute(trade(), f);

        assertThat(seen).containsExactly(Long.toString(r.record().id()), f.signer().value());
        assertThat(MDC.get(CopyTradeExecutor.MDC_RECORD)).isNull();
        assertThat(MDC.get(CopyTradeExecutor.MDC_SIGNER)).isNull();
    }

    @Test
    void mdcMatchesEachRecordOnTheFanOutThreads() {
        List<String> mismatches = new CopyOnWriteArrayList<>();
        List<Long> submitted = new CopyOnWriteArrayList<>();
        ProbeAdapter adapter = new ProbeAdapter(order -> {
            submitted.add(order.request().recordId());
            String record = MDC.get(CopyTradeExecutor.MDC_RECORD);
            String signer = MDC.get(CopyTradeExecutor.MDC_SIGNER);
            if (!Long.toString(order.request().recordId()).equals(record)
                    || !order.request().signer().value().equals(signer)) {
                mismatches.add(order.request().recordId() + " ran with MDC " + record + "/" + signer);
            }
        });

        build(builder(store, adapter).parallelism(4)).executeAll(trade(), followers(6));

        assertThat(submitted).hasSize(6);
        assertThat(mismatches).isEmpty();
    }

    // ---- configuration and input ----

    static Stream<Arguments> badConfigurations() {
        return Stream.of(
                bad("store", "null", b -> b.store(null)),
                bad("chainAdapter", "null", b -> b.chainAdapter(null)),
                bad("lockTimeout", "PT10M", b -> b.inFlightTtl(Duration.ofMinutes(10)).lockTimeout(Duration.ofMinutes(10))),
                bad("lockTimeout", "PT11M", b -> b.lockTimeout(Duration.ofMinutes(11))),
                bad("lockTimeout", "PT-1S", b -> b.lockTimeout(Duration.ofSeconds(-1))),
                bad("inFlightTtl", "PT0S", b -> b.inFlightTtl(Duration.ZERO)),
                bad("parallelism", "0", b -> b.parallelism(0)),
                bad("parallelism", "1025", b -> b.parallelism(1025)),
                bad("chainId", "0", b -> b.chainId(0)),
                bad("instanceId", " ", b -> b.instanceId(" ")),
                bad("groupCommit.maxBatch", "0", b -> b.groupCommit(0, Duration.ofMillis(5))),
                bad("groupCommit.maxBatch", "10001", b -> b.groupCommit(10_001, Duration.ofMillis(5))),
                bad("groupCommit.maxDelay", "PT-0.001S", b -> b.groupCommit(64, Duration.ofMillis(-1))),
                bad("groupCommit.maxDelay", "PT1.001S", b -> b.groupCommit(64, Duration.ofMillis(1001))),
                bad("groupCommit.maxDelay", "null", b -> b.groupCommit(64, null)),
                bad("clock", "null", b -> b.clock(null)));
    }

    private static Arguments bad(String field, String value, UnaryOperator<CopyTradeExecutor.Builder> breakIt) {
        return arguments(field, value, breakIt);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badConfigurations")
    void builderFailsFastNamingTheField(String field, String value, UnaryOperator<CopyTradeExecutor.Builder> breakIt) {
        CopyTradeExecutor.Builder b = breakIt.apply(CopyTradeExecutor.builder().store(store).chainAdapter(venue));

        assertThatThrownBy(b::build).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.value()).isEqualTo(value);
            assertThat(e.getMessage()).startsWith(field + ":").contains("(was " + value + ")");
        });
    }

    @Test
    void missingTradeOrFollowerIsRejectedAndNothingIsRecorded() {
        CopyTradeExecutor ex = executor();
        LeaderTrade trade = trade();

        assertThatThrownBy(() -> ex.execute(null, follower(1))).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.field()).isEqualTo("trade"));
        assertThatThrownBy(() -> ex.execute(trade, null)).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.field()).isEqualTo("follower"));
        assertThatThrownBy(() -> ex.executeAll(trade, Arrays.asList(follower(1), null)))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.field()).isEqualTo("followers[1]"));
        assertThatThrownBy(() -> ex.executeAll(null, List.of(follower(1))))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("trade"));

        assertThat(store.all()).isEmpty();
        assertThat(venue.submitCalls()).isZero();
        assertThat(listener.events).isEmpty();
    }
}
