package dev.copytrade.core.cap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyResult.Outcome;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.memory.InMemoryCapLedger;
import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordDraft;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.sim.SimulatedChainAdapter.Behavior;
import dev.copytrade.core.store.PrewriteResult;
import dev.copytrade.core.store.StoreException;
import dev.copytrade.core.testkit.ForwardingStore;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A duplicate delivery whose prewrite fails gives back only the reservations it created: the original
 * execution, still in flight, keeps holding its budget, so a later order is still refused by the cap.
 */
class ReservationOwnershipTest {
    private final SettableClock clock = new SettableClock(Instant.parse("2026-06-01T10:00:00Z"));
    private final SwitchableStore store = new SwitchableStore();
    private final InMemoryCapLedger ledger = new InMemoryCapLedger();
    private final SimulatedChainAdapter venue = new SimulatedChainAdapter(clock, Duration.ZERO);
    /** Room for one 7 USDC order and one trade per follower, not two. */
    private final CapPolicy caps = CapPolicy.builder().global(Usdc.of("10")).maxTradesPerFollower(1).build();
    private final Follower first = follower("owner-a", '2');
    private final Follower second = follower("owner-b", '3');
    private final Budget global = globalBudget();
    private final CopyTradeExecutor executor = CopyTradeExecutor.builder().store(store).chainAdapter(venue).clock(clock)
            .parallelism(1).caps(ledger, caps).build();

    /**
     * An in-memory store whose prewrites (single and batch) throw while {@link #down} is set; {@link #meanwhile}
     * makes the next single prewrite run another action to its end first, then throw.
     */
    private static final class SwitchableStore extends ForwardingStore {
        volatile boolean down;
        private final AtomicReference<Runnable> meanwhile = new AtomicReference<>();

        SwitchableStore() {
            super(new InMemoryCopyTradeStore());
        }

        @Override
        public PrewriteResult prewrite(RecordDraft draft) {
            Runnable first = meanwhile.getAndSet(null);
            if (first != null) {
                first.run();
                throw new StoreException("simulated: this connection broke while another delivery wrote");
            }
            if (down) {
                throw new StoreException("simulated: database unavailable");
            }
            return super.prewrite(draft);
        }

        @Override
        public List<PrewriteResult> prewriteAll(List<RecordDraft> drafts) {
            if (down) {
                throw new StoreException("simulated: database unavailable");
            }
            return super.prewriteAll(drafts);
        }
    }

    private static Follower follower(String id, char wallet) {
        return Follower.eoa(id, "0x" + String.valueOf(wallet).repeat(40), CopyPolicy.fixed(Usdc.of("7")).build());
    }

    private LeaderTrade trade(String id) {
        return LeaderTrade.builder().signalId(SignalId.venueFill("owned", id)).leader("0x" + "a".repeat(40))
                .market("0x" + "c".repeat(64), "5", "owned").side("BUY").price("0.5").size("100")
                .timestamp(clock.instant()).build();
    }

    private Budget globalBudget() {
        LeaderTrade t = trade("budget");
        return caps.moneyBudgets(dev.copytrade.core.model.CopyOrder.of(t.market(), t.side(), t.price(),
                dev.copytrade.core.model.Shares.of("14")), t, first).get(0);
    }

    private long trades(Follower f) {
        return ledger.used(caps.countBudgets(f).get(0), clock.instant());
    }

    @Test
    @DisplayName("Scenario: A duplicate whose prewrite fails leaves the original's reservation held")
    void failedDuplicateKeepsOriginalsReservation() {
        venue.enqueue(Behavior.timeoutAfterReceive());
        LeaderTrade original = trade("original");
        assertThat(executor.execute(original, first).outcome()).as("the original stays in flight holding its caps")
                .isEqualTo(Outcome.IN_FLIGHT);
        assertThat(ledger.used(global, clock.instant())).isEqualTo(7_000_000);

        store.down = true;
        assertThat(executor.execute(original, first).outcome()).isEqualTo(Outcome.NOT_RECORDED);
        store.down = false;

        assertThat(ledger.used(global, clock.instant())).as("the duplicate reserved nothing, so it gave nothing back")
                .isEqualTo(7_000_000);
        assertThat(trades(first)).as("the original's trade count is still held").isEqualTo(1);
        CopyResult third = executor.execute(trade("third"), second);
        assertThat(third.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(third.record().reason()).isEqualTo(ReasonCode.BUDGET_EXHAUSTED);
        assertThat(venue.receivedCount()).as("only the original reached the venue").isEqualTo(1);
    }

    @Test
    @DisplayName("Scenario: A fan-out duplicate whose prewrite fails leaves the originals' reservations held")
    void failedFanOutDuplicateKeepsOriginalsReservations() {
        venue.enqueue(Behavior.timeoutAfterReceive());
        LeaderTrade original = trade("fan-original");
        assertThat(executor.execute(original, first).outcome()).isEqualTo(Outcome.IN_FLIGHT);

        // the duplicate fan-out names the in-flight follower and a new one: only the new one's caps are its own
        store.down = true;
        List<CopyResult> dup = executor.executeAll(original, List.of(first, second));
        store.down = false;
        assertThat(dup).extracting(CopyResult::outcome).containsOnly(Outcome.NOT_RECORDED);

        assertThat(ledger.used(global, clock.instant())).as("the new follower's reservation was given back, not the"
                + " original's").isEqualTo(7_000_000);
        assertThat(trades(first)).isEqualTo(1);
        assertThat(trades(second)).isZero();
        CopyResult third = executor.execute(trade("fan-third"), second);
        assertThat(third.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(third.record().reason()).isEqualTo(ReasonCode.BUDGET_EXHAUSTED);
    }

    @Test
    @DisplayName("Scenario: A delivery whose prewrite fails keeps a reservation a concurrent duplicate's record now runs on")
    void failedCreatorKeepsWhatTheWrittenRecordRunsOn() {
        venue.enqueue(Behavior.timeoutAfterReceive());
        LeaderTrade signal = trade("raced");
        CopyResult[] other = new CopyResult[1];
        // this delivery reserves first (creating the reservation); before its prewrite fails, another delivery of
        // the same signal, on another thread, finds the reservation held, writes the record and sends
        store.meanwhile.set(() -> other[0] = CompletableFuture.supplyAsync(() -> executor.execute(signal, first)).join());

        assertThat(executor.execute(signal, first).outcome()).isEqualTo(Outcome.NOT_RECORDED);

        assertThat(other[0].outcome()).as("the other delivery is in flight").isEqualTo(Outcome.IN_FLIGHT);
        assertThat(ledger.used(global, clock.instant())).as("its record runs on the reservation: it stays")
                .isEqualTo(7_000_000);
        assertThat(trades(first)).isEqualTo(1);
        CopyResult third = executor.execute(trade("raced-third"), second);
        assertThat(third.record().reason()).isEqualTo(ReasonCode.BUDGET_EXHAUSTED);
    }

    @Test
    @DisplayName("Scenario: A delivery whose prewrite fails gives back the reservations it created")
    void failedFirstDeliveryGivesBack() {
        store.down = true;
        assertThat(executor.execute(trade("lone"), first).outcome()).isEqualTo(Outcome.NOT_RECORDED);
        store.down = false;
        assertThat(ledger.used(global, clock.instant())).isZero();
        assertThat(trades(first)).isZero();
        assertThat(executor.execute(trade("lone-next"), first).outcome()).isEqualTo(Outcome.EXECUTED);
    }
}
