package dev.copytrade.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.model.IdempotencyKey;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.sweep.StaleSweeper;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;

/** The store checked against the venue's ledger, the ground truth, after a run with failures. */
final class VenueConsistency {
    private VenueConsistency() {}

    /** Every venue order has an in-flight or EXECUTED record, and a prewrite that failed sent nothing. */
    static void assertNoOrphanOrder(CopyTradeStore store, SimulatedChainAdapter venue, Map<Integer, CopyResult> results,
            IntFunction<LeaderTrade> tradeOf, Follower follower, String seed) {
        for (SimulatedChainAdapter.ReceivedOrder o : venue.receivedOrders()) {
            Optional<CopyTradeRecord> r = store.findByKey(o.request().key());
            assertThat(r).as(seed + " record for venue order " + o.clientOrderId()).isPresent();
            assertThat(r.get().status()).as(seed)
                    .isIn(RecordStatus.PENDING, RecordStatus.SUBMITTED, RecordStatus.EXECUTED);
        }
        for (Map.Entry<Integer, CopyResult> e : results.entrySet()) {
            if (e.getValue().outcome() == CopyResult.Outcome.NOT_RECORDED) {
                IdempotencyKey key = IdempotencyKey.of(tradeOf.apply(e.getKey()).signalId(), follower.id());
                assertThat(venue.find(key.clientOrderId())).as(seed + " nothing sent without a record").isEmpty();
            }
        }
    }

    /** After the lease runs out and one sweep: nothing unresolved, EXECUTED exactly for what the venue filled. */
    static void assertResolvedAfterSweep(CopyTradeStore store, SimulatedChainAdapter venue, SettableClock clock,
            int maxRecords, String seed) {
        clock.advance(Duration.ofMinutes(11));
        StaleSweeper.builder(store, venue).clock(clock).build().runOnce();
        Map<RecordStatus, Long> counts = store.countByStatus();
        assertThat(counts.get(RecordStatus.PENDING) + counts.get(RecordStatus.SUBMITTED)
                + counts.get(RecordStatus.UNKNOWN)).as(seed + " nothing left unresolved: " + counts).isZero();
        assertThat(counts.get(RecordStatus.EXECUTED)).as(seed + " EXECUTED <=> filled at the venue")
                .isEqualTo(venue.receivedCount());
        for (CopyTradeRecord expired : store.findByStatus(RecordStatus.EXPIRED, maxRecords)) {
            assertThat(venue.find(expired.clientOrderId())).as(seed).isEmpty();
        }
    }
}
