package dev.copytrade.core.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.chain.ChainAdapter;
import dev.copytrade.core.chain.LookupResult;
import dev.copytrade.core.chain.OrderLookup;
import dev.copytrade.core.chain.OrderRequest;
import dev.copytrade.core.chain.PreparedOrder;
import dev.copytrade.core.chain.SubmitResult;
import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.mutex.LocalScopedTxMutex;
import dev.copytrade.core.mutex.ScopedTxMutex;
import dev.copytrade.core.mutex.TxScope;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** When the executor writes SUBMITTED before the send, and when the order leaves straight from PENDING. */
class SubmittedWriteTest {
    private final SettableClock clock = new SettableClock(Fixtures.T0);
    private final InMemoryCopyTradeStore store = new InMemoryCopyTradeStore();
    private final SimulatedChainAdapter venue = new SimulatedChainAdapter(clock, Duration.ZERO);
    private final AtomicReference<CopyTradeRecord> seenAtSubmit = new AtomicReference<>();

    /** The simulated venue, with a prepare step of our choosing and a look at the store as the order leaves. */
    private ChainAdapter adapter(Function<OrderRequest, PreparedOrder> prepare) {
        return new ChainAdapter() {
            @Override
            public String venue() {
                return "probe";
            }

            @Override
            public boolean movesRealMoney() {
                return false;
            }

            @Override
            public PreparedOrder prepare(OrderRequest request) {
                return prepare.apply(request);
            }

            @Override
            public SubmitResult submit(PreparedOrder order) {
                seenAtSubmit.set(store.findById(order.request().recordId()).orElseThrow());
                return venue.submit(order);
            }

            @Override
            public LookupResult lookup(OrderLookup lookup) {
                return venue.lookup(lookup);
            }
        };
    }

    private CopyTradeExecutor.Builder executor(ChainAdapter adapter) {
        return CopyTradeExecutor.builder().store(store).chainAdapter(adapter).clock(clock).parallelism(1)
                .inFlightTtl(Duration.ofMinutes(10)).lockTimeout(Duration.ofSeconds(5));
    }

    @Test
    @DisplayName("Scenario: An order known only by its client order id leaves straight from PENDING")
    void clientOrderIdOnlyLeavesFromPending() {
        CopyResult r = executor(adapter(PreparedOrder::of)).build().execute(Fixtures.trade(), Fixtures.follower(1));

        assertThat(seenAtSubmit.get().status()).isEqualTo(RecordStatus.PENDING);
        assertThat(r.outcome()).isEqualTo(CopyResult.Outcome.EXECUTED);
        assertThat(r.record().version()).as("one transition: PENDING -> EXECUTED, two commits in all").isEqualTo(1);
    }

    @Test
    @DisplayName("Scenario: References from prepare are stored before the send")
    void preparedReferencesAreStoredFirst() {
        String hash = "0x" + "9".repeat(64);
        CopyResult r = executor(adapter(req -> new PreparedOrder(req, hash, 41L, new byte[] {1})))
                .build().execute(Fixtures.trade(), Fixtures.follower(1));

        CopyTradeRecord atSubmit = seenAtSubmit.get();
        assertThat(atSubmit.status()).isEqualTo(RecordStatus.SUBMITTED);
        assertThat(atSubmit.venueRef()).isEqualTo(hash);
        assertThat(atSubmit.nonce()).isEqualTo(41L);
        assertThat(r.record().nonce()).isEqualTo(41L);
    }

    @Test
    @DisplayName("Scenario: A lease more than half spent is renewed before the send")
    void halfSpentLeaseIsRenewed() {
        // a mutex that makes the signer's lock "take" six minutes of a ten-minute lease
        LocalScopedTxMutex local = new LocalScopedTxMutex();
        ScopedTxMutex slow = new ScopedTxMutex() {
            @Override
            public Lease acquire(TxScope scope, Duration timeout) {
                clock.advance(Duration.ofMinutes(6));
                return local.acquire(scope, timeout);
            }

            @Override
            public Optional<Lease> tryAcquire(TxScope scope) {
                return local.tryAcquire(scope);
            }
        };
        CopyResult r = executor(adapter(PreparedOrder::of)).mutex(slow).build()
                .execute(Fixtures.trade(), Fixtures.follower(1));

        CopyTradeRecord atSubmit = seenAtSubmit.get();
        assertThat(atSubmit.status()).isEqualTo(RecordStatus.SUBMITTED);
        assertThat(atSubmit.leaseUntil()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
        assertThat(r.outcome()).isEqualTo(CopyResult.Outcome.EXECUTED);
    }
}
