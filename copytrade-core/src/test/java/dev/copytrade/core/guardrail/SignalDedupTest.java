package dev.copytrade.core.guardrail;

import static dev.copytrade.core.executor.Fixtures.T0;
import static dev.copytrade.core.executor.Fixtures.follower;
import static dev.copytrade.core.guardrail.GuardrailChainTest.order;
import static dev.copytrade.core.guardrail.Rig.skip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyResult.Outcome;
import dev.copytrade.core.executor.Fixtures;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SignalDedupTest {
    private static final Duration TTL = Duration.ofSeconds(60);

    private final SettableClock clock = new SettableClock(T0);
    private final SignalDedup dedup = new SignalDedup(clock);
    private final AtomicInteger laterGuardrailCalls = new AtomicInteger();
    private final Guardrail later = (o, c) -> {
        laterGuardrailCalls.incrementAndGet();
        return Decision.allow();
    };
    private final Rig rig = new Rig(clock, List.of(dedup, later), dedup);

    @AfterEach
    void tearDown() {
        rig.close();
    }

    private long recordsWritten() {
        return rig.store.countByStatus().values().stream().mapToLong(Long::longValue).sum();
    }

    /** The same trade as a second feed delivers it: a new object with the same signal id. */
    private static LeaderTrade redelivered(LeaderTrade t) {
        return new LeaderTrade(t.signalId(), t.leader(), t.market(), t.side(), t.price(), t.size(),
                t.timestamp().plusSeconds(2));
    }

    @Test
    @DisplayName("Scenario: Event dedup skips a repeat within its TTL")
    void eventDedupSkipsARepeatWithinItsTtl() {
        LeaderTrade trade = Fixtures.trade();
        CopyResult first = rig.copy(trade, follower(1));

        clock.advance(TTL.minusNanos(1));
        CopyResult repeat = rig.copy(redelivered(trade), follower(1));

        assertThat(first.outcome()).isEqualTo(Outcome.EXECUTED);
        // the SKIPPED draft collided with the first delivery's key: that record is returned, untouched
        assertThat(repeat.outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(repeat.record()).isEqualTo(first.record());
        assertThat(rig.store.findById(first.record().id())).contains(first.record());
        assertThat(recordsWritten()).isEqualTo(1);
        assertThat(laterGuardrailCalls.get()).as("the repeat stopped at the dedup").isEqualTo(1);
        assertThat(rig.venue.submitCalls()).isEqualTo(1);
        assertThat(rig.copy(redelivered(trade), follower(2)).outcome()).as("another follower's key")
                .isEqualTo(Outcome.EXECUTED);
    }

    @Test
    @DisplayName("Scenario: Event dedup skips a repeat within its TTL")
    void exactlyAtTheTtlTheRepeatGoesOnToTheStoreWhichStillRefusesIt() {
        LeaderTrade trade = Fixtures.trade();
        rig.copy(trade, follower(1));
        GuardrailContext ctx = Rig.context(clock, trade, follower(1), GuardrailContext.Phase.PRE_TRADE);
        Decision.Skip within = skip(dedup.evaluate(order("20"), ctx));

        clock.advance(TTL);
        CopyResult atTtl = rig.copy(redelivered(trade), follower(1));

        assertThat(within.reason()).isEqualTo(ReasonCode.DUPLICATE_SIGNAL);
        assertThat(within.detail()).containsEntry("seenAt", T0.toString()).containsEntry("ttlMs", "60000");
        assertThat(laterGuardrailCalls.get()).isEqualTo(2);
        assertThat(atTtl.outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(atTtl.record().status()).isEqualTo(RecordStatus.EXECUTED);
    }

    @Test
    void aSignalIsMarkedOnlyOnceItsRecordExists() {
        GuardrailContext ctx = Rig.context(clock, Fixtures.trade(), follower(1), GuardrailContext.Phase.PRE_TRADE);

        assertThat(dedup.evaluate(order("20"), ctx)).isEqualTo(Decision.allow());
        assertThat(dedup.evaluate(order("20"), ctx)).isEqualTo(Decision.allow());
    }

    @Test
    void sixteenRacingDeliveriesStillExecuteOnceAndWriteNoDedupRecord() throws Exception {
        int threads = 16;
        LeaderTrade trade = Fixtures.trade();
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<CopyResult>> running = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                running.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return rig.copy(redelivered(trade), follower(1));
                }));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<CopyResult> f : running) {
                outcomes.add(f.get(10, TimeUnit.SECONDS).outcome());
            }

            assertThat(outcomes).containsOnlyOnce(Outcome.EXECUTED).containsOnly(Outcome.EXECUTED, Outcome.DUPLICATE);
            assertThat(recordsWritten()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
