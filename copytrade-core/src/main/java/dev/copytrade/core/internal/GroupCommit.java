package dev.copytrade.core.internal;

import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.Transition;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.store.StoreException;
import dev.copytrade.core.store.TransitionResult;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Coalesces the final compare-and-set writes of concurrent executions into group commits. A fan-out's
 * workers {@link #submit} their writes without waiting and the fan-out's caller drives the writes with
 * {@link #flushStep}. Callers that wait ({@link #transition}) are batched only when {@code batchWaiters}
 * is set (otherwise each writes at once, alone): each queues its transition (with the record as it last
 * saw it) and waits for its own {@link TransitionResult}; the queue is written with one
 * {@link CopyTradeStore#transitionAll(List, List)} (one statement and one commit on PostgreSQL) when
 *
 * <ul>
 *   <li>it holds {@code maxBatch} transitions, or
 *   <li>every execution that could still add one is already waiting (nobody else is coming, so waiting
 *       longer buys nothing: a lone execution is written at once, without any delay), or
 *   <li>its oldest transition has waited {@code maxDelay}, or the group commit is closed.
 * </ul>
 *
 * <p>There is no flusher thread: the waiter that finds the queue ready writes it on its own thread (the
 * others wait for that write), and a lone write goes straight to the store's single compare-and-set, so
 * it costs what a direct write costs; nothing is ever left queued without a live thread answerable for
 * it. A waiters' batch is written as soon as it is ready, even while another one is being written; the
 * driver of submitted writes writes one batch at a time, so whatever arrives meanwhile is the next one.
 *
 * <p>Per record, a group commit means exactly what a single write means: a transition that loses its
 * compare-and-set comes back not applied (LOST, never overwritten), and a failed write throws the same
 * exception to every waiter of that batch, so each of them leaves its record in flight for the sweeper,
 * as a failed single write would. Thread-safe.
 */
public final class GroupCommit implements AutoCloseable {
    /** Default largest batch: one statement on PostgreSQL, well under a second of work even on a slow disk. */
    public static final int DEFAULT_MAX_BATCH = 512;
    /** Default longest wait of a queued transition for others to join it. */
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofMillis(5);
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final Joined NOTHING_TO_LEAVE = () -> { };

    private final CopyTradeStore store;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final Consumer<List<CopyTradeRecord>> afterWrite;
    private final boolean batchWaiters;
    private final Joined leaving = this::leave;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Signalled when the last caller returns, for {@link #close()}. */
    private final Condition drained = lock.newCondition();
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    /** Callers inside {@link #transition}, until they return (close waits for them). */
    private int waiting;
    /** Transitions queued or being written: their callers are waiting for a result. */
    private int unanswered;
    /** Executions between {@link #join()} and the close of what it returned. */
    private int active;
    private int writing;
    private boolean closed;

    /** One queued transition and, once written, its outcome. Guarded by {@code lock}. */
    private static final class Entry {
        final CopyTradeRecord before;
        final Transition transition;
        final long queuedAt;
        /** Completed when written, for a caller of {@link #submit} that does not wait; null for a waiter. */
        final CompletableFuture<TransitionResult> future;
        TransitionResult result;
        RuntimeException error;
        boolean done;

        Entry(CopyTradeRecord before, Transition transition, long queuedAt, CompletableFuture<TransitionResult> future) {
            this.before = before;
            this.transition = transition;
            this.queuedAt = queuedAt;
            this.future = future;
        }
    }

    /** The scope of an execution that may call {@link #transition}; closing it (once) says it no longer will. */
    public interface Joined extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * @param store where the batches are written
     * @param maxBatch the most transitions in one write; 1 writes every transition alone, on its caller's
     *     thread, with no queue at all (group commit off)
     * @param maxDelay the longest a queued transition waits for others
     * @param afterWrite called by the writing thread with the records a batch moved (applied transitions
     *     only), before their waiters are released; it must not throw (the executor settles caps here)
     * @param batchWaiters whether callers of {@link #transition} wait for company (else each writes alone)
     */
    public GroupCommit(CopyTradeStore store, int maxBatch, Duration maxDelay,
            Consumer<List<CopyTradeRecord>> afterWrite, boolean batchWaiters) {
        this.store = InvalidInputException.requireNonNull("store", store);
        if (maxBatch < 1) {
            throw new InvalidInputException("groupCommit.maxBatch", maxBatch, "must be at least 1");
        }
        if (InvalidInputException.requireNonNull("groupCommit.maxDelay", maxDelay).isNegative()) {
            throw new InvalidInputException("groupCommit.maxDelay", maxDelay, "must not be negative");
        }
        this.maxBatch = maxBatch;
        this.maxDelayNanos = maxDelay.toNanos();
        this.afterWrite = InvalidInputException.requireNonNull("afterWrite", afterWrite);
        this.batchWaiters = batchWaiters;
    }

    /** Whether transitions are batched at all ({@code maxBatch > 1}). */
    public boolean batches() {
        return maxBatch > 1;
    }

    /**
     * Marks the caller as an execution that may soon call {@link #transition}, until it closes the
     * result: while some joined execution is still working (waiting for a venue, say), a queued
     * transition waits up to {@code maxDelay} for it; when all of them wait, the queue is written at once.
     */
    public Joined join() {
        if (!batches() || !batchWaiters) {
            return NOTHING_TO_LEAVE;
        }
        lock.lock();
        try {
            active++;
        } finally {
            lock.unlock();
        }
        return leaving;
    }

    private void leave() {
        lock.lock();
        try {
            active--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes {@code t} (a compare-and-set from {@code before}, the record as the caller last saw it) in
     * the next group commit and returns its own result, as {@link CopyTradeStore#transition(CopyTradeRecord,
     * Transition)} would.
     *
     * @throws RuntimeException what the batch's write threw ({@link StoreException} for a database
     *     failure): the transition may or may not have been applied
     */
    public TransitionResult transition(CopyTradeRecord before, Transition t) {
        if (!batches() || !batchWaiters) {
            return writeAlone(before, t);
        }
        lock.lock();
        if (queue.isEmpty() && unanswered + 1 >= active) {
            // alone: nobody to wait for and nobody to take along, so write it as a direct write would
            writing++;
            lock.unlock();
            try {
                return writeAlone(before, t);
            } finally {
                lock.lock();
                writing--;
                changed.signalAll();
                lock.unlock();
            }
        }
        Entry mine = new Entry(before, t, System.nanoTime(), null);
        boolean interrupted = false;
        try {
            queue.add(mine);
            waiting++;
            unanswered++;
            while (!mine.done) {
                long now = System.nanoTime();
                if (ready(now)) {
                    write(takeBatch());
                    continue;
                }
                // bounded either way: a write in progress signals when it ends, a deadline is at most maxDelay
                long wait = writing > 0 || queue.isEmpty() ? Math.max(maxDelayNanos, TimeUnit.MILLISECONDS.toNanos(1))
                        : Math.max(1, queue.peekFirst().queuedAt + maxDelayNanos - now);
                try {
                    changed.awaitNanos(wait);
                } catch (InterruptedException e) {
                    // the transition is queued and will be written whatever happens: finish waiting for it
                    interrupted = true;
                }
            }
            if (--waiting == 0) {
                drained.signalAll();
            }
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (mine.error != null) {
            throw mine.error;
        }
        return mine.result;
    }

    /**
     * Queues {@code t} without waiting for it: the returned future completes (exceptionally as
     * {@link #transition} would throw) once a group commit wrote it. Somebody must drive the writes: the
     * caller, through {@link #flushStep}, as {@code executeAll} does while its workers keep sending, or any
     * thread waiting in {@link #transition} meanwhile. Group commit off: written at once, on this thread.
     */
    public CompletableFuture<TransitionResult> submit(CopyTradeRecord before, Transition t) {
        if (!batches()) {
            try {
                return CompletableFuture.completedFuture(transition(before, t));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        Entry e = new Entry(before, t, System.nanoTime(), new CompletableFuture<>());
        lock.lock();
        try {
            queue.add(e);
            unanswered++;
            if (queue.size() == 1 || queue.size() >= maxBatch) {
                // the flusher waits for a first entry (to start its delay) or for a full batch
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        return e.future;
    }

    /**
     * One step of driving {@link #submit}ted writes from the calling thread: writes a batch if one is ready
     * (a full one; the oldest waited {@code maxDelay}; or anything queued once {@code producing} is false,
     * i.e. nothing more is coming), else waits until one may be (at most {@code maxDelay}, or until
     * {@link #wake}). Returns after one write or one wait; the caller loops until its futures are done.
     */
    public void flushStep(boolean producing) {
        boolean interrupted = false;
        lock.lock();
        try {
            long now = System.nanoTime();
            boolean ready = !queue.isEmpty() && (queue.size() >= maxBatch || (writing == 0 && (!producing || closed
                    || now - queue.peekFirst().queuedAt >= maxDelayNanos)));
            if (ready) {
                write(takeBatch());
                return;
            }
            long wait = queue.isEmpty() || writing > 0 ? Math.max(maxDelayNanos, TimeUnit.MILLISECONDS.toNanos(1))
                    : Math.max(1, queue.peekFirst().queuedAt + maxDelayNanos - now);
            try {
                changed.awaitNanos(wait);
            } catch (InterruptedException e) {
                // queued writes are still written; the caller keeps driving them, the interrupt is kept for later
                interrupted = true;
            }
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Wakes a thread in {@link #flushStep}, e.g. when what it waits for besides the queue has happened. */
    public void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private TransitionResult writeAlone(CopyTradeRecord before, Transition t) {
        TransitionResult r = store.transition(before, t);
        if (r.applied()) {
            afterWrite.accept(List.of(r.current()));
        }
        return r;
    }

    /** Whether the queue should be written now; called holding the lock. */
    private boolean ready(long now) {
        if (queue.isEmpty()) {
            return false;
        }
        if (queue.size() >= maxBatch) {
            return true;
        }
        return closed || unanswered >= active || now - queue.peekFirst().queuedAt >= maxDelayNanos;
    }

    private List<Entry> takeBatch() {
        int n = Math.min(maxBatch, queue.size());
        List<Entry> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            batch.add(queue.pollFirst());
        }
        return batch;
    }

    /** Writes a batch with the lock released, then hands every waiter its result; called holding the lock. */
    private void write(List<Entry> batch) {
        writing++;
        lock.unlock();
        List<TransitionResult> results = null;
        RuntimeException failure = null;
        try {
            List<CopyTradeRecord> before = new ArrayList<>(batch.size());
            List<Transition> transitions = new ArrayList<>(batch.size());
            for (Entry e : batch) {
                before.add(e.before);
                transitions.add(e.transition);
            }
            results = store.transitionAll(before, transitions);
            if (results == null || results.size() != batch.size()) {
                throw new StoreException("transitionAll returned " + (results == null ? "null" : results.size()
                        + " results") + " for " + batch.size() + " transitions");
            }
            List<CopyTradeRecord> moved = new ArrayList<>(batch.size());
            for (TransitionResult r : results) {
                if (r.applied()) {
                    moved.add(r.current());
                }
            }
            if (!moved.isEmpty()) {
                afterWrite.accept(moved);
            }
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            lock.lock();
            writing--;
            for (int i = 0; i < batch.size(); i++) {
                Entry e = batch.get(i);
                if (failure != null) {
                    e.error = failure;
                } else {
                    e.result = results.get(i);
                }
                e.done = true;
                if (e.future != null) {
                    // nothing is chained on these futures: completing them here runs no foreign code
                    if (failure != null) {
                        e.future.completeExceptionally(failure);
                    } else {
                        e.future.complete(e.result);
                    }
                }
            }
            unanswered -= batch.size();
            changed.signalAll();
        }
    }

    /**
     * Writes what is queued at once from now on (and every later transition without waiting), and waits up
     * to 10 s for the callers already queued to get their results. Idempotent.
     */
    @Override
    public void close() {
        if (!batches()) {
            return;
        }
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
            long left = CLOSE_WAIT_NANOS;
            while (waiting > 0 && left > 0) {
                try {
                    left = drained.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
