package dev.copytrade.core.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.chain.PreparedOrder;
import dev.copytrade.core.chain.SubmitResult;
import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.mutex.LocalScopedTxMutex;
import dev.copytrade.core.mutex.ScopedTxMutex;
import dev.copytrade.core.mutex.TxScope;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.testkit.Records;
import dev.copytrade.core.testkit.evm.ForwardingChainAdapter;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** An adapter that splits its submit: the executor sends under the signer's lease and waits after it. */
class SplitSubmitTest {

    @Test
    @DisplayName("Scenario: The signer's lease is released before the outcome is awaited")
    void leaseReleasedBeforeTheWait() {
        LocalScopedTxMutex mutex = new LocalScopedTxMutex();
        InMemoryCopyTradeStore store = new InMemoryCopyTradeStore();
        Follower follower = Records.follower();
        TxScope scope = TxScope.signer(Fixtures.CHAIN_ID, follower.signer());
        AtomicBoolean heldDuringSend = new AtomicBoolean();
        AtomicBoolean freeDuringWait = new AtomicBoolean();
        AtomicReference<RecordStatus> statusDuringWait = new AtomicReference<>();
        SimulatedChainAdapter venue = new SimulatedChainAdapter();
        ForwardingChainAdapter split = new ForwardingChainAdapter(venue) {
            @Override
            public SubmitResult send(PreparedOrder order) {
                heldDuringSend.set(mutex.tryAcquire(scope).isEmpty());
                return SubmitResult.unknown("sent, awaiting the outcome");
            }

            @Override
            public SubmitResult awaitOutcome(PreparedOrder order, SubmitResult.Unknown sent) {
                Optional<ScopedTxMutex.Lease> free = mutex.tryAcquire(scope);
                freeDuringWait.set(free.isPresent());
                free.ifPresent(ScopedTxMutex.Lease::close);
                statusDuringWait.set(store.findById(order.request().recordId()).orElseThrow().status());
                return venue.submit(order);
            }
        };
        CopyTradeExecutor executor = CopyTradeExecutor.builder().store(store).chainAdapter(split).mutex(mutex)
                .chainId(Fixtures.CHAIN_ID).build();

        CopyResult result = executor.execute(Records.trade(), follower);

        assertThat(result.outcome()).isEqualTo(CopyResult.Outcome.EXECUTED);
        assertThat(heldDuringSend).as("send runs under the signer's lease").isTrue();
        assertThat(freeDuringWait).as("the wait runs after it was released").isTrue();
        assertThat(statusDuringWait.get()).as("nothing final was written before the wait")
                .isIn(RecordStatus.PENDING, RecordStatus.SUBMITTED);
        assertThat(venue.receivedCount()).as("one order reached the venue").isEqualTo(1);
    }
}
