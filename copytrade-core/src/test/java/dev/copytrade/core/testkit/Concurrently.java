package dev.copytrade.core.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * Small helpers for concurrency tests. Every wait is bounded, so a deadlock fails the test instead of
 * hanging the build; a failure inside a task (an assertion included) is rethrown to the test.
 */
public final class Concurrently {
    /** Upper bound of a wait here unless a longer one is named; far above what a passing test needs. */
    public static final long TIMEOUT_SECONDS = 60;
    /** Upper bound of a {@link #run(int, LongSupplier, IntFunction)} that keeps making progress. */
    public static final long PROGRESSING_LIMIT_SECONDS = 10 * TIMEOUT_SECONDS;
    /**
     * Upper bound of a wait on a JVM a test started (until it prints that it is ready): its start-up
     * loads the whole test class path; a test waiting on one took 40 s at load average 30.
     */
    public static final long CHILD_JVM_SECONDS = 5 * TIMEOUT_SECONDS;
    private static final AtomicInteger RUNS = new AtomicInteger();

    private Concurrently() {}

    /**
     * Runs {@code task.apply(i)} for i in 0..threads-1, each on its own thread, all released at once by
     * a barrier so they really overlap; returns the results in index order.
     */
    public static <T> List<T> run(int threads, IntFunction<T> task) {
        return run(threads, null, task);
    }

    /**
     * {@link #run(int, IntFunction)} for a run whose length grows with the machine's slowness (thousands of
     * database round trips): it fails only when {@code progress} has not moved for {@link #TIMEOUT_SECONDS}
     * (a deadlock, a lost wake-up), however long a run that keeps moving takes, up to
     * {@link #PROGRESSING_LIMIT_SECONDS}. {@code progress} counts finished units of work (an increment, a
     * claim), read from any thread.
     */
    public static <T> List<T> run(int threads, LongSupplier progress, IntFunction<T> task) {
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> workers = new CopyOnWriteArrayList<>();
        int runId = RUNS.incrementAndGet();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "concurrently-" + runId + "-" + workers.size());
            workers.add(t);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>(threads);
            for (int i = 0; i < threads; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    return task.apply(index);
                }));
            }
            long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(PROGRESSING_LIMIT_SECONDS);
            List<T> results = new ArrayList<>(threads);
            for (Future<T> f : futures) {
                try {
                    results.add(progress == null ? await(f, TIMEOUT_SECONDS) : await(f, progress, limit));
                } catch (TimedOut e) {
                    // where every task stood: a slow run and a deadlock look alike without it
                    throw new AssertionError(e.getMessage() + "; the tasks' threads:" + stacks(workers), e.getCause());
                }
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

    /** {@link #onOtherThread(Callable)} waiting up to {@code seconds}, e.g. {@link #CHILD_JVM_SECONDS}. */
    public static <T> T onOtherThread(Callable<T> task, long seconds) {
        return start(task).join(seconds);
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

    static <T> T join(Future<T> future, long seconds) {
        try {
            return await(future, seconds);
        } catch (TimedOut e) {
            future.cancel(true);
            throw e;
        }
    }

    /** The outcome of {@code future} within {@code seconds}; on a timeout the task is left running. */
    private static <T> T await(Future<T> future, long seconds) {
        try {
            return future.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new TimedOut("task did not finish within " + seconds + " s", e);
        } catch (ExecutionException | InterruptedException e) {
            throw failed(e);
        }
    }

    /** Waits while {@code progress} moves within each {@link #TIMEOUT_SECONDS}, until {@code limit} (nanoTime). */
    private static <T> T await(Future<T> future, LongSupplier progress, long limit) {
        long seen = progress.getAsLong();
        while (true) {
            try {
                return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                long now = progress.getAsLong();
                if (now == seen || System.nanoTime() > limit) {
                    String why = now == seen ? "no progress within " + TIMEOUT_SECONDS + " s"
                            : "still running after " + PROGRESSING_LIMIT_SECONDS + " s";
                    throw new TimedOut(why + " (progress " + now + ")", e);
                }
                seen = now;
            } catch (ExecutionException | InterruptedException e) {
                throw failed(e);
            }
        }
    }

    /** A bounded wait ran out. */
    private static final class TimedOut extends AssertionError {
        private static final long serialVersionUID = 1L;

        TimedOut(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static String stacks(List<Thread> threads) {
        StringBuilder out = new StringBuilder();
        for (Thread t : threads) {
            out.append("\n\"").append(t.getName()).append("\" ").append(t.getState());
            for (StackTraceElement e : t.getStackTrace()) {
                out.append("\n    at ").append(e);
            }
        }
        return out.toString();
    }

    private static RuntimeException failed(Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while joining a task", e);
        }
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException re) {
            throw re;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        throw new AssertionError("task failed", cause);
    }

    /** A task started by {@link #start}: its thread (to interrupt or watch) and its outcome. */
    public record Task<T>(Thread thread, Future<T> future) {
        public T join() {
            return join(TIMEOUT_SECONDS);
        }

        public T join(long seconds) {
            return Concurrently.join(future, seconds);
        }
    }
}
