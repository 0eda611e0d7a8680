package dev.copytrade.core.internal;

import static dev.copytrade.core.record.RecordStatus.EXECUTED;
import static dev.copytrade.core.record.RecordStatus.EXPIRED;
import static dev.copytrade.core.record.RecordStatus.PENDING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.Transition;
import dev.copytrade.core.store.StoreException;
import dev.copytrade.core.store.TransitionResult;
import dev.copytrade.core.testkit.Concurrently;
import dev.copytrade.core.testkit.CountingStore;
import dev.copytrade.core.testkit.Records;
import dev.copytrade.core.testkit.Seeds;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The group commit on its own, over an in-memory store that records each batch it is given. Delays are
 * an hour wherever a test needs the queue to wait, so what it asserts cannot depend on how fast the
 * machine is; a class timeout turns a wrongly waiting queue into a failure instead of an hour's hang.
 */
@Timeout(60)
class GroupCommitTest {
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Instant AT = Records.T0.plusSeconds(5);

    private final InMemoryCopyTradeStore memory = new InMemoryCopyTradeStore();
    private final CountingStore store = new CountingStore(memory);
    private final List<Long> settled = new CopyOnWriteArrayList<>();

    private GroupCommit groupCommit(int maxBatch, Duration maxDelay) {
        return new GroupCommit(store, maxBatch, maxDelay, moved -> moved.forEach(r -> settled.add(r.id())), true);
    }

    private CopyTradeRecord pending() {
        return memory.prewrite(Records.pending(Records.T0.plusSeconds(600))).record();
    }

    private static Transition executed(CopyTradeRecord r) {
        return Transition.executed(r.id(), PENDING, AT, Records.fill(), java.util.Map.of());
    }

    private Concurrently.Task<TransitionResult> finishing(GroupCommit gc, CopyTradeRecord r) {
        return Concurrently.start(() -> gc.transition(r, executed(r)));
    }

    @Test
    @DisplayName("Scenario: Group commit under many threads gives each waiter its own result")
    void eachWaiterGetsItsOwnResultAndLostIsReported() {
        long seed = Seeds.seed();
        Random random = new Random(seed);
        int threads = 48;
        List<CopyTradeRecord> records = IntStream.range(0, threads).mapToObj(i -> pending()).toList();
        Set<Long> movedByOthers = new HashSet<>();
        for (CopyTradeRecord r : records) {
            if (random.nextInt(3) == 0) {
                // a sweeper that got there first: the executor's compare-and-set must lose to it
                memory.transition(Transition.expired(r.id(), PENDING, AT, null, "swept"));
                movedByOthers.add(r.id());
            }
        }
        List<Transition> finals = records.stream().map(GroupCommitTest::executed).toList();
        GroupCommit gc = groupCommit(512, HOUR);
        List<GroupCommit.Joined> executions = IntStream.range(0, threads).mapToObj(i -> gc.join()).toList();

        List<TransitionResult> results = Concurrently.run(threads, i -> {
            try (GroupCommit.Joined self = executions.get(i)) {
                return gc.transition(records.get(i), finals.get(i));
            }
        });

        String context = "seed=" + seed + " moved by others=" + movedByOthers;
        assertThat(store.groupCommits).as(context + ": all 48 wait, so one batch holds them all").containsExactly(threads);
        for (int i = 0; i < threads; i++) {
            CopyTradeRecord mine = records.get(i);
            TransitionResult r = results.get(i);
            assertThat(r.transition()).as(context).isSameAs(finals.get(i));
            assertThat(r.current().id()).as(context).isEqualTo(mine.id());
            assertThat(r.current()).as(context).isEqualTo(memory.findById(mine.id()).orElseThrow());
            boolean lost = movedByOthers.contains(mine.id());
            assertThat(r.applied()).as(context + " record " + mine.id()).isEqualTo(!lost);
            assertThat(r.current().status()).as(context + " record " + mine.id()).isEqualTo(lost ? EXPIRED : EXECUTED);
        }
        assertThat(new HashSet<>(settled)).as(context + ": caps are settled for the applied ones only")
                .isEqualTo(records.stream().map(CopyTradeRecord::id).filter(id -> !movedByOthers.contains(id))
                        .collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    @DisplayName("Scenario: A failed group commit leaves every record of the batch in flight")
    void aFailedWriteThrowsToEveryWaiterOfTheBatch() {
        store.failGroupCommits();
        List<CopyTradeRecord> records = IntStream.range(0, 8).mapToObj(i -> pending()).toList();
        GroupCommit gc = groupCommit(512, HOUR);
        List<GroupCommit.Joined> executions = IntStream.range(0, 8).mapToObj(i -> gc.join()).toList();

        List<Throwable> errors = Concurrently.run(8, i -> {
            try (GroupCommit.Joined self = executions.get(i)) {
                gc.transition(records.get(i), executed(records.get(i)));
                return null;
            } catch (StoreException e) {
                return e;
            }
        });

        assertThat(store.groupCommits).containsExactly(8);
        assertThat(errors).hasSize(8).doesNotContainNull().allSatisfy(e -> assertThat(e).hasMessageContaining("process died"));
        assertThat(records).allSatisfy(r -> assertThat(memory.findById(r.id()).orElseThrow().status()).isEqualTo(PENDING));
        assertThat(settled).isEmpty();
    }

    @Test
    @DisplayName("Scenario: A lone execution is written without waiting for company")
    void aLoneWriteDoesNotWait() {
        GroupCommit gc = groupCommit(512, HOUR);
        CopyTradeRecord unjoined = pending();
        CopyTradeRecord joined = pending();

        assertThat(gc.transition(unjoined, executed(unjoined)).applied()).isTrue();
        try (GroupCommit.Joined self = gc.join()) {
            assertThat(gc.transition(joined, executed(joined)).applied()).isTrue();
        }

        assertThat(store.groupCommits).as("no batch: the single write of the store").isEmpty();
        assertThat(store.writers).hasSize(2).containsOnly(Thread.currentThread().getName());
        assertThat(settled).containsExactly(unjoined.id(), joined.id());
    }

    @Test
    @DisplayName("a queued write waits for a joined execution still working, then both go in one batch")
    void aQueuedWriteWaitsForAWorkingExecution() {
        GroupCommit gc = groupCommit(512, HOUR);
        CopyTradeRecord a = pending();
        CopyTradeRecord b = pending();
        GroupCommit.Joined first = gc.join();
        GroupCommit.Joined second = gc.join();

        Concurrently.Task<TransitionResult> waiting = finishing(gc, a);
        Concurrently.awaitParked(waiting.thread());
        assertThat(store.groupCommits).as("nothing written while the second execution works").isEmpty();
        TransitionResult mine = gc.transition(b, executed(b));

        assertThat(mine.applied()).isTrue();
        assertThat(waiting.join().applied()).isTrue();
        assertThat(store.groupCommits).containsExactly(2);
        first.close();
        second.close();
    }

    @Test
    @DisplayName("after maxDelay the queue is written even if a joined execution never comes")
    void theDelayBoundsTheWait() {
        GroupCommit gc = groupCommit(512, Duration.ofMillis(20));
        CopyTradeRecord a = pending();
        try (GroupCommit.Joined self = gc.join(); GroupCommit.Joined neverComes = gc.join()) {
            assertThat(gc.transition(a, executed(a)).applied()).isTrue();
        }
        assertThat(store.groupCommits).containsExactly(1);
    }

    @Test
    @DisplayName("a queue holding maxBatch writes is written without waiting for the rest")
    void aFullBatchIsWrittenAtOnce() {
        GroupCommit gc = groupCommit(4, HOUR);
        List<CopyTradeRecord> records = IntStream.range(0, 4).mapToObj(i -> pending()).toList();
        List<GroupCommit.Joined> executions = IntStream.range(0, 5).mapToObj(i -> gc.join()).toList();

        List<TransitionResult> results = Concurrently.run(4, i -> gc.transition(records.get(i), executed(records.get(i))));

        assertThat(results).allSatisfy(r -> assertThat(r.applied()).isTrue());
        assertThat(store.groupCommits).containsExactly(4);
        executions.forEach(GroupCommit.Joined::close);
    }

    @Test
    @DisplayName("close writes what is queued and returns once its waiters have their results")
    void closeWritesWhatIsQueued() {
        GroupCommit gc = groupCommit(512, HOUR);
        CopyTradeRecord a = pending();
        GroupCommit.Joined waiter = gc.join();
        GroupCommit.Joined neverComes = gc.join();
        Concurrently.Task<TransitionResult> queued = finishing(gc, a);
        Concurrently.awaitParked(queued.thread());

        gc.close();

        assertThat(store.groupCommits).as("written before close returned").containsExactly(1);
        assertThat(queued.join().applied()).isTrue();
        CopyTradeRecord late = pending();
        assertThat(gc.transition(late, executed(late)).applied()).as("after close: written at once").isTrue();
        assertThat(store.groupCommits).containsExactly(1, 1);
        waiter.close();
        neverComes.close();
    }

    @Test
    @DisplayName("an interrupted waiter still gets its own result and keeps its interrupt")
    void anInterruptedWaiterKeepsWaitingForItsWrite() {
        GroupCommit gc = groupCommit(512, HOUR);
        CopyTradeRecord a = pending();
        CopyTradeRecord b = pending();
        GroupCommit.Joined first = gc.join();
        GroupCommit.Joined second = gc.join();
        Concurrently.Task<Boolean> interrupted = Concurrently.start(() -> {
            TransitionResult r = gc.transition(a, executed(a));
            return r.applied() && Thread.currentThread().isInterrupted();
        });
        Concurrently.awaitParked(interrupted.thread());

        interrupted.thread().interrupt();
        Concurrently.awaitParked(interrupted.thread());
        gc.transition(b, executed(b));

        assertThat(interrupted.join()).isTrue();
        assertThat(store.groupCommits).containsExactly(2);
        first.close();
        second.close();
    }

    @Test
    @DisplayName("submitted writes wait for the thread that drives them: full batches at once, the rest when nothing more comes")
    void submittedWritesAreWrittenByTheDrivingThread() {
        GroupCommit gc = groupCommit(4, HOUR);
        List<CopyTradeRecord> records = IntStream.range(0, 6).mapToObj(i -> pending()).toList();
        List<java.util.concurrent.CompletableFuture<TransitionResult>> written = new ArrayList<>();
        records.forEach(r -> written.add(gc.submit(r, executed(r))));
        assertThat(store.groupCommits).as("submit never writes").isEmpty();

        gc.flushStep(true);
        assertThat(store.groupCommits).as("a full batch goes at once").containsExactly(4);
        Concurrently.Task<Boolean> driving = Concurrently.start(() -> {
            gc.flushStep(true);
            return true;
        });
        Concurrently.awaitParked(driving.thread());
        gc.wake();
        assertThat(driving.join()).isTrue();
        assertThat(store.groupCommits).as("two queued, more may come: they wait").containsExactly(4);
        gc.flushStep(false);

        assertThat(store.groupCommits).containsExactly(4, 2);
        for (int i = 0; i < records.size(); i++) {
            assertThat(written.get(i)).isDone();
            assertThat(written.get(i).join().current()).isEqualTo(memory.findById(records.get(i).id()).orElseThrow());
        }
    }

    @Test
    @DisplayName("a queued write is taken by a waiter that writes, and its future completes")
    void aWaiterWritesSubmittedTransitionsToo() {
        store.failGroupCommits();
        GroupCommit gc = groupCommit(512, HOUR);
        CopyTradeRecord queued = pending();
        CopyTradeRecord waited = pending();
        java.util.concurrent.CompletableFuture<TransitionResult> future = gc.submit(queued, executed(queued));

        assertThatThrownBy(() -> gc.transition(waited, executed(waited))).isInstanceOf(StoreException.class);

        assertThat(store.groupCommits).containsExactly(2);
        assertThat(future).isCompletedExceptionally();
    }

    @Test
    @DisplayName("maxBatch 1 turns it off: each write is its own store call on its caller's thread")
    void maxBatchOneWritesDirectly() {
        GroupCommit gc = groupCommit(1, Duration.ZERO);
        List<CopyTradeRecord> records = IntStream.range(0, 4).mapToObj(i -> pending()).toList();

        List<TransitionResult> results = new ArrayList<>();
        try (GroupCommit.Joined self = gc.join()) {
            records.forEach(r -> results.add(gc.transition(r, executed(r))));
        }

        assertThat(results).allSatisfy(r -> assertThat(r.applied()).isTrue());
        assertThat(store.groupCommits).isEmpty();
        assertThat(store.writers).hasSize(4).containsOnly(Thread.currentThread().getName());
        assertThat(settled).containsExactlyElementsOf(records.stream().map(CopyTradeRecord::id).toList());
    }

    @Test
    void badSettingsNameTheField() {
        assertThatThrownBy(() -> groupCommit(0, HOUR)).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.field()).isEqualTo("groupCommit.maxBatch"));
        assertThatThrownBy(() -> groupCommit(8, Duration.ofMillis(-1))).isInstanceOfSatisfying(
                InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("groupCommit.maxDelay"));
    }
}
