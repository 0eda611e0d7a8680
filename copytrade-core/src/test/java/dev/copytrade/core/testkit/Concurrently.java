package dev.copytrade.core.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * Small helpers for concurrency tests. Every wait is bounded, so a deadlock fails the test instead of
 * hanging the build; a failure inside a task (an assertion included) is rethrown to the test.
 */
public final class Concurrently {
    /** Upper bound of any wait here; far above what a passing test needs. */
    public static final long TIMEOUT_SECONDS = 60;

    private Concurrently() {}

    /**
     * Runs {@code task.apply(i)} for i in 0..threads-1, each on its own thread, all released at once by
     * a barrier so they really overlap; returns the results in index order.
     */
    public static <T> List<T> run(int threads, IntFunction<T> task) {
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<T>> futures = new ArrayList<>(threads);
            for (int i = 0; i < threads; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    return task.apply(index);
                }));
            }
            List<T> results = new ArrayList<>(threads);
            for (Future<T> f : futures) {
                results.add(join(f));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs {@code task} on a new thread and returns at once; {@link Task#join()} collects the outcome. */
    public static <T> Task<T> start(Callable<T> task) {
        FutureTask<T> future = new FutureTask<>(task);
        Thread thread = new Thread(future, "contract-task");
        thread.setDaemon(true);
        thread.start();
        return new Task<>(thread, future);
    }

    /** Runs {@code task} on another thread and waits for it: for "someone else tries the lock" checks. */
    public static <T> T onOtherThread(Callable<T> task) {
        return start(task).join();
    }

    /**
     * Returns once {@code thread} is parked (WAITING or TIMED_WAITING), i.e. blocked inside the call it was
     * started for. No latch can say "the other thread is now inside the lock wait", so this spins on the
     * thread state; it is bounded and asserts nothing about time.
     */
    public static void awaitParked(Thread thread) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            Thread.State state = thread.getState();
            if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
                return;
            }
            if (state == Thread.State.TERMINATED || System.nanoTime() > deadline) {
                throw new AssertionError(thread.getName() + " never parked (state " + state + ")");
            }
            Thread.yield();
        }
    }

    static <T> T join(Future<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new AssertionError("task failed", cause);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new AssertionError("task did not finish within " + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while joining a task", e);
        }
    }

    /** A task started by {@link #start}: its thread (to interrupt or watch) and its outcome. */
    public record Task<T>(Thread thread, Future<T> future) {
        public T join() {
            return Concurrently.join(future);
        }
    }
}
