package dev.copytrade.core.internal;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Runs a task now and then every {@code interval} after the previous run ends, on one daemon thread,
 * until closed: the background mode of the sweeper and the debt recovery loop.
 */
public final class Periodic implements AutoCloseable {
    private final String threadName;
    private final Duration interval;
    private final Runnable task;
    private final Logger log;
    private final String what;
    private ScheduledExecutorService scheduler;

    /**
     * @param log where a failed run is reported (as the owner's)
     * @param what the task's name in that report
     */
    public Periodic(String threadName, Duration interval, Runnable task, Logger log, String what) {
        this.threadName = threadName;
        this.interval = interval;
        this.task = task;
        this.log = log;
        this.what = what;
    }

    /** @throws IllegalStateException if already started */
    public synchronized void start() {
        if (scheduler != null) {
            throw new IllegalStateException(what + " already started");
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                // a failed run (database down) must not cancel the schedule
                log.warn("{} failed; next run in {}", what, interval, e);
            }
        }, 0, interval.toNanos(), TimeUnit.NANOSECONDS);  // nanos: a sub-millisecond interval is 0 ms, which the scheduler refuses
    }

    /** Stops the runs, letting a running one finish (up to 30 s). Idempotent. */
    @Override
    public synchronized void close() {
        if (scheduler == null) {
            return;
        }
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
        scheduler = null;
    }
}
