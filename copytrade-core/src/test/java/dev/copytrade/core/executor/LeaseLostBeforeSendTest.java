package dev.copytrade.core.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.cap.Budget;
import dev.copytrade.core.cap.BudgetWindow;
import dev.copytrade.core.cap.CapPolicy;
import dev.copytrade.core.executor.CopyResult.Outcome;
import dev.copytrade.core.memory.InMemoryCapLedger;
import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.mutex.ScopedTxMutex;
import dev.copytrade.core.mutex.TxScope;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.testkit.RevocableScopedTxMutex;
import dev.copytrade.core.testkit.evm.LosesLeaseWhilePreparing;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The executor asks the signer's lease right before the send, and sends nothing once it is lost. */
class LeaseLostBeforeSendTest {
    private final SettableClock clock = new SettableClock(Fixtures.T0);
    private final SimulatedChainAdapter venue = new SimulatedChainAdapter(clock, Duration.ZERO);
    private final RevocableScopedTxMutex mutex = new RevocableScopedTxMutex();
    private final InMemoryCopyTradeStore store = new InMemoryCopyTradeStore();
    private final InMemoryCapLedger ledger = new InMemoryCapLedger();
    private final Budget globalMoney = new Budget("usd:global", Usdc.of("1000").micros(), BudgetWindow.utcDay());
    private final RecordingListener listener = new RecordingListener();

    private final List<Long> tokensAfterwards = new CopyOnWriteArrayList<>();

    /** Takes the executor's lease away, and shows the scope is free for somebody else, with a greater token. */
    private void revokeAndTakeOver(TxScope scope) {
        assertThat(mutex.revoke(scope)).as("the executor held the signer's lease while preparing").isEqualTo(1);
        try (ScopedTxMutex.Lease other = mutex.tryAcquire(scope).orElseThrow()) {
            tokensAfterwards.add(other.fencingToken());
        }
    }

    @Test
    @DisplayName("Scenario: A lease lost before the send fails the record and sends nothing")
    void lostLeaseSendsNothing() {
        LosesLeaseWhilePreparing adapter = new LosesLeaseWhilePreparing(venue, this::revokeAndTakeOver);
        Follower follower = Fixtures.follower(1);
        try (CopyTradeExecutor executor = CopyTradeExecutor.builder().store(store).chainAdapter(adapter).mutex(mutex)
                .clock(clock).caps(ledger, CapPolicy.builder().global(Usdc.of("1000")).build()).listener(listener)
                .instanceId("lease-lost").build()) {
            CopyResult lost = executor.execute(Fixtures.trade(), follower);

            assertThat(lost.outcome()).isEqualTo(Outcome.FAILED);
            CopyTradeRecord r = store.findById(lost.record().id()).orElseThrow();
            assertThat(r.status()).isEqualTo(RecordStatus.FAILED);
            assertThat(r.reason()).isEqualTo(ReasonCode.SIGNER_LEASE_LOST);
            assertThat(r.lastError()).contains("nothing was sent");
            assertThat(venue.submitCalls()).as("the venue was never called").isZero();
            assertThat(adapter.notSent).as("the adapter was told the prepared order never left").hasSize(1);
            assertThat(adapter.notSent.get(0).request().recordId()).isEqualTo(r.id());
            assertThat(tokensAfterwards).hasSize(1);
            assertThat(ledger.used(globalMoney, clock.instant())).as("the reservation was given back").isZero();
            assertThat(listener.events).anyMatch(e -> e.startsWith("failed:"));

            // the next order of that signer holds a valid lease and goes out
            CopyResult next = executor.execute(Fixtures.trade(), follower);
            assertThat(next.outcome()).isEqualTo(Outcome.EXECUTED);
            assertThat(venue.submitCalls()).isEqualTo(1);
            assertThat(ledger.used(globalMoney, clock.instant())).isEqualTo(Usdc.of("10").micros());
        }
    }

    @Test
    @DisplayName("Scenario: A lease lost in a fan-out fails only that follower's order")
    void lostLeaseInAFanOut() {
        List<Follower> followers = Fixtures.followers(4);
        TxScope unlucky = TxScope.signer(Fixtures.CHAIN_ID, followers.get(2).signer());
        LosesLeaseWhilePreparing adapter = new LosesLeaseWhilePreparing(venue, this::revokeAndTakeOver,
                r -> TxScope.signer(r.chainId(), r.signer()).equals(unlucky));
        try (CopyTradeExecutor executor = CopyTradeExecutor.builder().store(store).chainAdapter(adapter).mutex(mutex)
                .clock(clock).caps(ledger, CapPolicy.builder().global(Usdc.of("1000")).build()).parallelism(4)
                .instanceId("lease-lost-fan-out").build()) {
            List<CopyResult> results = executor.executeAll(Fixtures.trade(), followers);

            assertThat(results).extracting(CopyResult::outcome).containsExactly(Outcome.EXECUTED, Outcome.EXECUTED,
                    Outcome.FAILED, Outcome.EXECUTED);
            CopyTradeRecord failed = store.findById(results.get(2).record().id()).orElseThrow();
            assertThat(failed.reason()).isEqualTo(ReasonCode.SIGNER_LEASE_LOST);
            assertThat(venue.submitCalls()).as("only the three with a valid lease were sent").isEqualTo(3);
            assertThat(venue.receivedOrders()).noneMatch(o -> o.request().recordId() == failed.id());
            assertThat(adapter.notSent).hasSize(1);
            assertThat(ledger.used(globalMoney, clock.instant())).as("three orders' notional, the fourth released")
                    .isEqualTo(Usdc.of("30").micros());
        }
    }
}
