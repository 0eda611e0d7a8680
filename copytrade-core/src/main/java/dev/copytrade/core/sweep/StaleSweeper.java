package dev.copytrade.core.sweep;

import dev.copytrade.core.cap.CapLedger;
import dev.copytrade.core.chain.ChainAdapter;
import dev.copytrade.core.chain.LookupResult;
import dev.copytrade.core.chain.OrderLookup;
import dev.copytrade.core.executor.CopyTradeListener;
import dev.copytrade.core.internal.CapCharges;
import dev.copytrade.core.internal.Listeners;
import dev.copytrade.core.internal.Periodic;
import dev.copytrade.core.internal.SettlementDebts;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.mutex.ScopedTxMutex;
import dev.copytrade.core.mutex.TxScope;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.record.Transition;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.store.TransitionResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Resolves in-flight records whose lease ran out (a crash, a lost answer, a dead process) from the
 * venue's own answer, never by guessing:
 *
 * <ul>
 *   <li>PENDING or SUBMITTED → EXECUTED / FAILED / EXPIRED ({@code NOT_FOUND_AT_VENUE}) from
 *       {@link ChainAdapter#lookup} by client order id, venue reference and nonce; when the venue
 *       cannot tell (or the lookup throws) → UNKNOWN. A transport error is never a not-found, and a
 *       PENDING record is asked about too, because an order known only by its client order id leaves
 *       without a SUBMITTED write;
 *   <li>UNKNOWN records are looked up again, a batch per run, paging through all of them (optional),
 *       and resolved when the venue answers.
 * </ul>
 *
 * Records are claimed in bounded batches with a lease of their own ({@code claimLease}), so several
 * sweepers (threads or processes) never work on the same record, and a sweeper that dies mid-batch
 * leaves its records to the next one. Live leases are never touched. With a {@link ScopedTxMutex},
 * only one process sweeps at a time (measured: concurrent sweepers slow each other down), while the
 * claim stays safe if two ever overlap. {@link #runOnce()} for tests and cron-style hosts;
 * {@link #start()} / {@link #close()} for a periodic background sweep.
 */
public final class StaleSweeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StaleSweeper.class);
    /** The well-known scope sweepers take with {@link Builder#exclusive}. */
    public static final TxScope SWEEP_SCOPE = TxScope.of("copytrade:sweeper");
    /** The longest interval and claim lease accepted. */
    public static final Duration MAX_DURATION = Duration.ofDays(7);

    private final CopyTradeStore store;
    private final ChainAdapter adapter;
    private final long chainId;
    private final Clock clock;
    private final Duration interval;
    private final Duration claimLease;
    private final int batchSize;
    private final int maxBatchesPerRun;
    private final boolean recheckUnknown;
    private final ScopedTxMutex exclusive;
    private final String instanceId;
    private final Listeners listeners;
    private final CapCharges caps;
    private final Periodic periodic;
    // where the last UNKNOWN re-check stopped: pages through all of them, so none starves behind the first batch
    private volatile long unknownCursor;

    private StaleSweeper(Builder b) {
        this.store = b.store;
        this.adapter = b.adapter;
        this.chainId = b.chainId;
        this.clock = b.clock;
        this.interval = b.interval;
        this.claimLease = b.claimLease;
        this.batchSize = b.batchSize;
        this.maxBatchesPerRun = b.maxBatchesPerRun;
        this.recheckUnknown = b.recheckUnknown;
        this.exclusive = b.exclusive;
        this.instanceId = b.instanceId != null ? b.instanceId
                : "sweeper-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.listeners = new Listeners(List.copyOf(b.listeners));
        this.caps = b.capLedger == null ? null : new CapCharges(b.capLedger, null, Duration.ZERO);
        this.periodic = new Periodic(instanceId, interval, this::runOnce, log, "sweeper");
    }

    public static Builder builder(CopyTradeStore store, ChainAdapter adapter) {
        return new Builder(store, adapter);
    }

    /**
     * One sweep: claims and resolves stale records batch by batch until none is left (or
     * {@code maxBatchesPerRun} batches), then re-checks UNKNOWN ones. Returns {@link SweepReport#SKIPPED}
     * when another process holds the exclusive sweep scope.
     */
    public SweepReport runOnce() {
        if (exclusive == null) {
            return sweep();
        }
        Optional<ScopedTxMutex.Lease> lease = exclusive.tryAcquire(SWEEP_SCOPE);
        if (lease.isEmpty()) {
            log.debug("another sweeper holds {}; skipping this run", SWEEP_SCOPE);
            return SweepReport.SKIPPED;
        }
        try (ScopedTxMutex.Lease held = lease.get()) {
            return sweep();
        }
    }

    private SweepReport sweep() {
        long started = System.nanoTime();
        Counts c = new Counts();
        for (int batch = 0; batch < maxBatchesPerRun; batch++) {
            Instant now = clock.instant();
            List<CopyTradeRecord> claimed = store.claimStale(now, batchSize, instanceId, now.plus(claimLease));
            c.claimed += claimed.size();
            resolveBatch(claimed, c);
            if (claimed.size() < batchSize) {
                break;
            }
        }
        if (recheckUnknown) {
            List<CopyTradeRecord> page = store.findByStatus(RecordStatus.UNKNOWN, unknownCursor, batchSize);
            c.rechecked += page.size();
            resolveBatch(page, c);
            unknownCursor = page.size() < batchSize ? 0 : page.get(page.size() - 1).id();
        }
        if (caps != null) {
            try {
                c.capsReleased = caps.releaseExpired(clock.instant(), batchSize * maxBatchesPerRun);
            } catch (RuntimeException e) {
                c.errors++;
                log.warn("expired cap reservations could not be released now", e);
            }
        }
        SweepReport report = new SweepReport(c.claimed, c.executed, c.failed, c.expired, c.unknown, c.rechecked,
                c.lost, c.errors, c.capsReleased, Duration.ofNanos(System.nanoTime() - started));
        if (report.claimed() > 0 || report.rechecked() > 0) {
            log.info("sweep: {}", report);
        }
        return report;
    }

    private static final class Counts {
        int claimed;
        int executed;
        int failed;
        int expired;
        int unknown;
        int rechecked;
        int lost;
        int errors;
        int capsReleased;
    }

    /**
     * Asks the venue about each record, then writes every verdict of the batch with one
     * {@code transitionAll} (one statement and one commit on PostgreSQL), each still a compare-and-set.
     */
    private void resolveBatch(List<CopyTradeRecord> records, Counts c) {
        List<Transition> verdicts = new ArrayList<>(records.size());
        for (CopyTradeRecord r : records) {
            MDC.put("copytrade.record", Long.toString(r.id()));
            try {
                Transition t = decide(r);
                if (t != null) {
                    verdicts.add(t);  // null: still UNKNOWN after a re-check, nothing to write
                }
            } catch (RuntimeException e) {
                c.errors++;
                log.warn("record {}: could not be reconciled now; retried when the claim runs out", r.id(), e);
            } finally {
                MDC.remove("copytrade.record");
            }
        }
        if (verdicts.isEmpty()) {
            return;
        }
        List<TransitionResult> results;
        try {
            results = store.transitionAll(verdicts);
        } catch (RuntimeException e) {
            c.errors += verdicts.size();
            log.warn("{} verdicts could not be written now; retried when the claim runs out", verdicts.size(), e);
            return;
        }
        if (caps != null) {
            // one commitAll and one releaseAll per batch, not two ledger calls per record
            List<CopyTradeRecord> moved = new ArrayList<>(results.size());
            for (TransitionResult result : results) {
                if (result.applied()) {
                    moved.add(result.current());
                }
            }
            if (!moved.isEmpty()) {
                caps.settleAll(moved, clock.instant());
            }
        }
        for (TransitionResult result : results) {
            if (result.applied()) {
                settled(result.current(), c);
                if (!result.transition().debts().isEmpty()) {
                    listeners.onDebtsRecorded(result.current(), result.transition().debts());
                }
            } else {
                c.lost++;
            }
        }
    }

    private void settled(CopyTradeRecord now, Counts c) {
        switch (now.status()) {
            case EXECUTED -> {
                c.executed++;
                listeners.onExecuted(now);
            }
            case FAILED -> {
                c.failed++;
                listeners.onFailed(now);
            }
            case EXPIRED -> {
                c.expired++;
                listeners.onExpired(now);
            }
            case UNKNOWN -> {
                c.unknown++;
                log.warn("record {}: the venue could not tell what happened; UNKNOWN until a later reconcile",
                        now.id());
                listeners.onUnresolved(now);
            }
            default -> log.debug("record {} now {}", now.id(), now.status());
        }
    }

    /** The transition the venue's answer proves, or null when an UNKNOWN record is still unknown. */
    private Transition decide(CopyTradeRecord r) {
        Instant now = clock.instant();
        LookupResult answer;
        try {
            answer = adapter.lookup(OrderLookup.of(r, chainId));
            if (answer == null) {
                answer = new LookupResult.Unknown("adapter returned null");
            }
        } catch (RuntimeException e) {
            answer = new LookupResult.Unknown("lookup threw: " + e);
        }
        RecordStatus from = r.status();
        // the legs the venue reports become debts written with the verdict, as the executor would have
        if (answer instanceof LookupResult.Filled f) {
            return SettlementDebts.attach(Transition.executed(r.id(), from, now, f.fill(),
                    java.util.Map.of("reconciled", "true")), f.legs());
        }
        if (answer instanceof LookupResult.Rejected rej) {
            return SettlementDebts.attach(Transition.failed(r.id(), from, now, ReasonCode.VENUE_REJECTED, rej.reason()),
                    rej.legs());
        }
        if (answer instanceof LookupResult.NotFound) {
            return Transition.expired(r.id(), from, now, ReasonCode.NOT_FOUND_AT_VENUE,
                    "the venue has no order " + r.clientOrderId());
        }
        String why = ((LookupResult.Unknown) answer).reason();
        return from == RecordStatus.UNKNOWN ? null : Transition.unknown(r.id(), from, now, "reconcile: " + why);
    }

    /** Starts sweeping every {@code interval}, the first run right away. */
    public StaleSweeper start() {
        periodic.start();
        return this;
    }

    /** Stops the periodic sweep, letting a running sweep finish (up to 30 s). Idempotent. */
    @Override
    public void close() {
        periodic.close();
    }

    public String instanceId() {
        return instanceId;
    }

    /**
     * Defaults follow the field: sweep every 60 s, batches of 100, a claimed record held 2 minutes,
     * at most 100 batches per run, UNKNOWN records re-checked, no exclusivity, chain id 137, system
     * UTC clock. The in-flight TTL itself is the executor's ({@code inFlightTtl}, 10 minutes).
     */
    public static final class Builder {
        private final CopyTradeStore store;
        private final ChainAdapter adapter;
        private long chainId = 137;
        private Clock clock = Clock.systemUTC();
        private Duration interval = Duration.ofSeconds(60);
        private Duration claimLease = Duration.ofMinutes(2);
        private int batchSize = 100;
        private int maxBatchesPerRun = 100;
        private boolean recheckUnknown = true;
        private ScopedTxMutex exclusive;
        private String instanceId;
        private final List<CopyTradeListener> listeners = new ArrayList<>();
        private CapLedger capLedger;

        private Builder(CopyTradeStore store, ChainAdapter adapter) {
            this.store = store;
            this.adapter = adapter;
        }

        public Builder chainId(long chainId) {
            this.chainId = chainId;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder interval(Duration interval) {
            this.interval = interval;
            return this;
        }

        /** How long a claimed record stays this sweeper's while it asks the venue. */
        public Builder claimLease(Duration claimLease) {
            this.claimLease = claimLease;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder maxBatchesPerRun(int maxBatchesPerRun) {
            this.maxBatchesPerRun = maxBatchesPerRun;
            return this;
        }

        public Builder recheckUnknown(boolean recheckUnknown) {
            this.recheckUnknown = recheckUnknown;
            return this;
        }

        /** Sweep only while holding {@link #SWEEP_SCOPE} on this mutex (one sweeping process at a time). */
        public Builder exclusive(ScopedTxMutex mutex) {
            this.exclusive = mutex;
            return this;
        }

        public Builder instanceId(String instanceId) {
            this.instanceId = instanceId;
            return this;
        }

        /**
         * The executor's cap ledger: a resolved record's reservation is committed (EXECUTED) or released,
         * and reservations that outlived their hold are released every run. A claimed batch is settled with one
         * {@code commitAll} and one {@code releaseAll}; if one of them fails, each record of the batch is
         * settled on its own (settling is idempotent), and a record whose settlement still fails keeps its
         * reservation until it expires.
         */
        public Builder caps(CapLedger ledger) {
            this.capLedger = InvalidInputException.requireNonNull("capLedger", ledger);
            return this;
        }

        public Builder listener(CopyTradeListener listener) {
            this.listeners.add(InvalidInputException.requireNonNull("listener", listener));
            return this;
        }

        public StaleSweeper build() {
            InvalidInputException.requireNonNull("store", store);
            InvalidInputException.requireNonNull("chainAdapter", adapter);
            InvalidInputException.requireNonNull("clock", clock);
            InvalidInputException.requirePositive("interval", interval, MAX_DURATION);
            InvalidInputException.requirePositive("claimLease", claimLease, MAX_DURATION);
            if (instanceId != null) {
                InvalidInputException.requirePrintable("instanceId", instanceId, 100);
            }
            if (chainId <= 0) {
                throw new InvalidInputException("chainId", chainId, "must be positive");
            }
            if (batchSize < 1 || batchSize > 10_000) {
                throw new InvalidInputException("batchSize", batchSize, "must be in 1..10000");
            }
            if (maxBatchesPerRun < 1) {
                throw new InvalidInputException("maxBatchesPerRun", maxBatchesPerRun, "must be positive");
            }
            return new StaleSweeper(this);
        }
    }
}
