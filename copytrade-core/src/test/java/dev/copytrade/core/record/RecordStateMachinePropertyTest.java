package dev.copytrade.core.record;

import static dev.copytrade.core.record.RecordStatus.EXECUTED;
import static dev.copytrade.core.record.RecordStatus.EXPIRED;
import static dev.copytrade.core.record.RecordStatus.FAILED;
import static dev.copytrade.core.record.RecordStatus.PENDING;
import static dev.copytrade.core.record.RecordStatus.SKIPPED;
import static dev.copytrade.core.record.RecordStatus.SUBMITTED;
import static dev.copytrade.core.record.RecordStatus.UNKNOWN;
import static dev.copytrade.core.testkit.Records.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.store.TransitionResult;
import dev.copytrade.core.testkit.Records;
import dev.copytrade.core.testkit.Seeds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RecordStateMachinePropertyTest {
    /** The diagram of {@link RecordStatus}'s javadoc, written out edge by edge: the oracle of both tests. */
    private static final Map<RecordStatus, Set<RecordStatus>> DOCUMENTED = Map.of(
            SKIPPED, Set.of(),
            PENDING, Set.of(SUBMITTED, SKIPPED, FAILED, EXECUTED, EXPIRED, UNKNOWN),
            SUBMITTED, Set.of(SUBMITTED, EXECUTED, FAILED, EXPIRED, UNKNOWN),
            EXECUTED, Set.of(),
            FAILED, Set.of(),
            EXPIRED, Set.of(),
            UNKNOWN, Set.of(EXECUTED, FAILED, EXPIRED));
    private static final RecordStatus[] STATES = RecordStatus.values();
    private static final int SEQUENCES = 5_000;

    @Test
    @DisplayName("the transition table is exactly the documented one")
    void transitionTableIsTheDocumentedOne() {
        for (RecordStatus from : STATES) {
            for (RecordStatus to : STATES) {
                boolean legal = DOCUMENTED.get(from).contains(to);
                assertThat(from.canTransitionTo(to)).as("%s -> %s", from, to).isEqualTo(legal);
                if (legal) {
                    assertThatCode(() -> RecordStatus.requireTransition(from, to)).doesNotThrowAnyException();
                    assertThatCode(() -> Records.transition(1, from, to, T0)).doesNotThrowAnyException();
                } else {
                    assertThatThrownBy(() -> RecordStatus.requireTransition(from, to)).as("%s -> %s", from, to)
                            .isInstanceOf(IllegalTransitionException.class);
                    assertThatThrownBy(() -> Records.transition(1, from, to, T0)).as("%s -> %s", from, to)
                            .isInstanceOf(IllegalTransitionException.class);
                }
            }
            assertThat(from.allowedNext()).as("%s", from).isEqualTo(DOCUMENTED.get(from));
            assertThat(from.isTerminal()).as("%s", from).isEqualTo(DOCUMENTED.get(from).isEmpty());
        }
        assertThat(EnumSet.allOf(RecordStatus.class)).filteredOn(RecordStatus::isInFlight)
                .containsExactlyInAnyOrder(PENDING, SUBMITTED);
        assertThat(EnumSet.allOf(RecordStatus.class)).filteredOn(RecordStatus::isInitial)
                .containsExactlyInAnyOrder(PENDING, SKIPPED);
        assertThatThrownBy(() -> RecordStatus.requireTransition(null, PENDING)).isInstanceOf(IllegalTransitionException.class);
        assertThatThrownBy(() -> RecordStatus.requireTransition(PENDING, null)).isInstanceOf(IllegalTransitionException.class);
    }

    @Test
    @DisplayName("Scenario: Random event sequences never leave a terminal state")
    void randomEventSequencesNeverLeaveATerminalState() {
        long seed = Seeds.seed();
        Random random = new Random(seed);
        for (int sequence = 0; sequence < SEQUENCES; sequence++) {
            new Sequence(random, "seed=" + seed + " sequence=" + sequence).play();
        }
    }

    /**
     * One random sequence against a fresh store, checked against a model: the record each id must hold
     * and how many transitions were applied to it.
     */
    private static final class Sequence {
        private final Random random;
        private final String label;
        private final InMemoryCopyTradeStore store = new InMemoryCopyTradeStore();
        private final Map<Long, CopyTradeRecord> expected = new HashMap<>();
        private final Map<Long, Integer> appliedCount = new HashMap<>();
        private final List<Long> ids = new ArrayList<>();
        private int step;

        Sequence(Random random, String label) {
            this.random = random;
            this.label = label;
        }

        void play() {
            int records = 1 + random.nextInt(3);
            for (int i = 0; i < records; i++) {
                RecordDraft draft = random.nextInt(5) == 0 ? Records.skipped() : Records.pending(T0.plusSeconds(60));
                CopyTradeRecord r = store.prewrite(draft).record();
                expected.put(r.id(), r);
                appliedCount.put(r.id(), 0);
                ids.add(r.id());
            }
            int steps = 1 + random.nextInt(20);
            for (step = 0; step < steps; step++) {
                boolean batched = random.nextInt(4) == 0;
                int attempts = batched ? 1 + random.nextInt(4) : 1;
                List<Transition> legal = new ArrayList<>();
                for (int a = 0; a < attempts; a++) {
                    Transition t = attempt();
                    if (t != null) {
                        legal.add(t);
                    }
                }
                List<TransitionResult> results = batched ? store.transitionAll(legal)
                        : legal.stream().map(store::transition).toList();
                assertThat(results).as(this::at).hasSameSizeAs(legal);
                for (TransitionResult result : results) {
                    check(result);
                }
                checkStoreMatchesModel();
            }
        }

        /** A random attempt: the transition if the table allows it, otherwise null once construction refused it. */
        private Transition attempt() {
            long id = random.nextInt(8) == 0 ? ids.size() + 1 + random.nextInt(1_000) : ids.get(random.nextInt(ids.size()));
            CopyTradeRecord current = expected.get(id);
            RecordStatus from = current != null && random.nextBoolean() ? current.status() : pick(STATES);
            Set<RecordStatus> next = DOCUMENTED.get(from);
            // in enum order, not Set.of's per-JVM order, so that a seed replays the same sequence
            RecordStatus[] legalTargets = EnumSet.allOf(RecordStatus.class).stream().filter(next::contains)
                    .toArray(RecordStatus[]::new);
            RecordStatus to = legalTargets.length > 0 && random.nextBoolean() ? pick(legalTargets) : pick(STATES);
            Instant at = T0.plusSeconds(step + 1);
            if (!next.contains(to)) {
                assertThatThrownBy(() -> build(id, from, to, at)).as(this::at)
                        .isInstanceOf(IllegalTransitionException.class);
                return null;
            }
            return build(id, from, to, at);
        }

        /** Through a factory when one fits (they validate too), otherwise the constructor with random extras. */
        private Transition build(long id, RecordStatus from, RecordStatus to, Instant at) {
            if (random.nextBoolean()) {
                switch (to) {
                    case EXECUTED:
                        return Transition.executed(id, from, at, Records.fill(), Map.of("step", "executed"));
                    case FAILED:
                        return Transition.failed(id, from, at, ReasonCode.VENUE_REJECTED, "rejected");
                    case EXPIRED:
                        return Transition.expired(id, from, at, ReasonCode.NOT_FOUND_AT_VENUE, "not found");
                    default:
                        break;
                }
            }
            return new Transition(id, from, to, at, pick(ReasonCode.values()),
                    random.nextBoolean() ? Map.of("k" + random.nextInt(3), "v" + step) : null,
                    random.nextBoolean() ? "ref-" + step : null,
                    random.nextBoolean() ? (long) step : null,
                    to == EXECUTED || random.nextInt(4) == 0 ? Records.fill() : null,
                    random.nextBoolean() ? "error at step " + step : null,
                    random.nextBoolean() ? "owner-" + random.nextInt(3) : null,
                    random.nextBoolean() ? at.plusSeconds(60) : null);
        }

        private void check(TransitionResult result) {
            Transition t = result.transition();
            CopyTradeRecord before = expected.get(t.id());
            if (before == null) {
                assertThat(result.applied()).as(() -> at() + " unknown id").isFalse();
                assertThat(result.current()).as(() -> at() + " unknown id").isNull();
                return;
            }
            assertThat(result.applied()).as(() -> at() + " applied iff the record was in " + t.from())
                    .isEqualTo(before.status() == t.from());
            if (!result.applied()) {
                assertThat(result.current()).as(() -> at() + " a lost transition changes nothing").isEqualTo(before);
                return;
            }
            CopyTradeRecord after = result.current();
            assertThat(before.status().isTerminal()).as(() -> at() + " a terminal record changed: " + t).isFalse();
            assertThat(DOCUMENTED.get(before.status())).as(() -> at() + " applied change is a table edge")
                    .contains(after.status());
            assertThat(after.status()).as(this::at).isEqualTo(t.to());
            assertThat(after.version()).as(this::at).isEqualTo(before.version() + 1);
            expected.put(t.id(), after);
            appliedCount.merge(t.id(), 1, Integer::sum);
        }

        private void checkStoreMatchesModel() {
            for (long id : ids) {
                CopyTradeRecord stored = store.findById(id).orElseThrow();
                assertThat(stored).as(() -> at() + " record " + id).isEqualTo(expected.get(id));
                assertThat(stored.version()).as(() -> at() + " version counts applied transitions")
                        .isEqualTo(appliedCount.get(id));
                if (!stored.status().isInFlight()) {
                    assertThat(stored.leaseOwner()).as(() -> at() + " no lease out of flight").isNull();
                    assertThat(stored.leaseUntil()).as(() -> at() + " no lease out of flight").isNull();
                }
            }
        }

        private String at() {
            return label + " step=" + step;
        }

        private <T> T pick(T[] values) {
            return values[random.nextInt(values.length)];
        }
    }
}
