package dev.copytrade.core.debt;

import dev.copytrade.core.internal.DebtListeners;
import dev.copytrade.core.internal.Periodic;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.InvalidInputException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Repays debts exactly once, or escalates them:
 *
 * <ul>
 *   <li>claims due debts with a lease ({@link DebtLedger#claimDue}), so any number of loops (threads or
 *       processes) can run against one ledger and never work on the same debt at once;
 *   <li>a REPAYING debt (an attempt whose answer was lost, or a loop that died mid-attempt) is first
 *       reconciled: its recorded idempotency key is looked up at the settler, and it becomes REPAID
 *       (paid), OPEN or ESCALATED (proven not paid) or stays REPAYING (still unknown). It is never sent
 *       again while its outcome is unknown;
 *   <li>an OPEN debt is attempted only when the debtor can cover it ({@link BalanceSource}, optional);
 *       otherwise it waits {@code fundsRecheck} without counting a failure. An attempt writes REPAYING
 *       with a fresh idempotency key before the settler is called, with the debt id in the key;
 *   <li>a failed attempt makes the debt due again after an exponential backoff with jitter; the
 *       {@code maxAttempts}-th failure escalates it (listener {@code onEscalated});
 *   <li>optionally, debts between the same parties in the same asset are repaid in one repayment.
 * </ul>
 *
 * {@link #runOnce()} for tests and cron-style hosts (safe to call from several threads at once);
 * {@link #start()} / {@link #close()} to run at start-up and then every {@code interval}. Operator
 * actions are in {@link #operations()}.
 */
public final class DebtRecoveryLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DebtRecoveryLoop.class);
    /** MDC key set while a debt is worked on. */
    public static final String MDC_DEBT = "copytrade.debt";
    /** The longest interval and claim lease accepted (as the sweeper's). */
    public static final Duration MAX_INTERVAL = Duration.ofDays(7);

    private final DebtLedger ledger;
    private final DebtSettler settler;
    private final BalanceSource balances;
    private final Clock clock;
    private final Duration interval;
    private final Duration claimLease;
    private final long backoffBaseMs;
    private final long backoffMaxMs;
    private final int jitterPercent;
    private final Random random;
    private final int maxAttempts;
    private final int batchSize;
    private final int maxBatchesPerRun;
    private final boolean batchRepayments;
    private final int maxDebtsPerRepayment;
    private final Duration fundsRecheck;
    private final String instanceId;
    private final DebtListener listeners;
    private final DebtOperations operations;
    private final Periodic periodic;

    private DebtRecoveryLoop(Builder b) {
        this.ledger = b.ledger;
        this.settler = b.settler;
        this.balances = b.balances;
        this.clock = b.clock;
        this.interval = b.interval;
        this.claimLease = b.claimLease;
        this.backoffBaseMs = b.backoffBase.toMillis();
        this.backoffMaxMs = b.backoffMax.toMillis();
        this.jitterPercent = b.jitterPercent;
        this.random = b.random != null ? b.random : new Random();
        this.maxAttempts = b.maxAttempts;
        this.batchSize = b.batchSize;
        this.maxBatchesPerRun = b.maxBatchesPerRun;
        this.batchRepayments = b.batchRepayments;
        this.maxDebtsPerRepayment = b.maxDebtsPerRepayment;
        this.fundsRecheck = b.fundsRecheck;
        this.instanceId = b.instanceId != null ? b.instanceId
                : "debts-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.listeners = new DebtListeners(List.copyOf(b.listeners));
        this.operations = new DebtOperations(b.ledger, b.clock, List.copyOf(b.listeners));
        this.periodic = new Periodic(instanceId, interval, this::runOnce, log, "debt recovery loop");
    }

    public static Builder builder(DebtLedger ledger, DebtSettler settler) {
        return new Builder(ledger, settler);
    }

    /** Retry now, write off, list: the operator's API, on the same ledger, clock and listeners. */
    public DebtOperations operations() {
        return operations;
    }

    public String instanceId() {
        return instanceId;
    }

    /**
     * One pass: claims due debts batch by batch until a batch comes back short (or
     * {@code maxBatchesPerRun} batches), reconciling REPAYING ones and attempting OPEN ones. A debt this
     * pass touches is never due again within the pass, so it ends.
     */
    public DebtRecoveryReport runOnce() {
        long started = System.nanoTime();
        Counts c = new Counts();
        for (int batch = 0; batch < maxBatchesPerRun; batch++) {
            Instant now = clock.instant();
            List<Debt> claimed;
            try {
                claimed = ledger.claimDue(now, batchSize, instanceId, now.plus(claimLease));
            } catch (RuntimeException e) {
                c.errors++;
                log.warn("due debts could not be claimed now; next run in {}", interval, e);
                break;
            }
            c.claimed += claimed.size();
            work(claimed, c);
            if (claimed.size() < batchSize) {
                break;
            }
        }
        DebtRecoveryReport report = new DebtRecoveryReport(c.claimed, c.repayments, c.repaid, c.failed, c.escalated,
                c.deferred, c.unresolved, c.lost, c.errors, Duration.ofNanos(System.nanoTime() - started));
        if (report.claimed() > 0) {
            log.info("debt recovery: {}", report);
        }
        return report;
    }

    private static final class Counts {
        int claimed;
        int repayments;
        int repaid;
        int failed;
        int escalated;
        int deferred;
        int unresolved;
        int lost;
        int errors;
    }

    private record Parties(Address debtor, Address creditor, String asset) {}

    private record Purse(Address debtor, String asset) {}

    private void work(List<Debt> claimed, Counts c) {
        // one lookup per key per batch: the members of a batched repayment share theirs
        Map<String, RepaymentLookup> answers = new HashMap<>();
        Map<Parties, List<Debt>> open = new LinkedHashMap<>();
        for (Debt d : claimed) {
            if (d.status() == DebtStatus.REPAYING) {
                withMdc(d, () -> reconcile(d, answers, c));
            } else {
                open.computeIfAbsent(new Parties(d.debtor(), d.creditor(), d.asset()), p -> new ArrayList<>()).add(d);
            }
        }
        Map<Purse, Long> purses = new HashMap<>();
        for (List<Debt> group : open.values()) {
            group.sort((a, b) -> Long.compare(a.id(), b.id()));
            repayGroup(group, purses, c);
        }
    }

    private void reconcile(Debt d, Map<String, RepaymentLookup> answers, Counts c) {
        String key = d.repaymentKey();
        RepaymentLookup answer = answers.computeIfAbsent(key, this::lookup);
        if (answer instanceof RepaymentLookup.Repaid paid) {
            repaid(d, paid.reference(), c);
        } else if (answer instanceof RepaymentLookup.Failed f) {
            failed(d, "repayment " + key + " failed: " + f.error(), c);
        } else if (answer instanceof RepaymentLookup.NotFound) {
            failed(d, "repayment " + key + " never reached the settler", c);
        } else {
            unresolved(d, "reconcile: " + ((RepaymentLookup.Unknown) answer).reason(), c);
        }
    }

    private RepaymentLookup lookup(String key) {
        try {
            RepaymentLookup answer = settler.lookup(key);
            return answer != null ? answer : new RepaymentLookup.Unknown("settler returned null");
        } catch (RuntimeException e) {
            return new RepaymentLookup.Unknown("lookup threw: " + e);
        }
    }

    /** Attempts what the debtor can cover, in id order, and defers the rest. */
    private void repayGroup(List<Debt> group, Map<Purse, Long> purses, Counts c) {
        Debt first = group.get(0);
        Purse purse = new Purse(first.debtor(), first.asset());
        long available;
        if (balances == null) {
            available = Long.MAX_VALUE;
        } else if (purses.containsKey(purse)) {
            available = purses.get(purse);
        } else {
            try {
                available = Math.max(0, balances.available(first.debtor(), first.asset()));
            } catch (RuntimeException e) {
                log.warn("balance of {} in {} could not be read; its debts wait", first.debtor(), first.asset(), e);
                for (Debt d : group) {
                    withMdc(d, () -> defer(d, "balance unavailable: " + e, c));
                }
                return;
            }
        }
        List<Debt> affordable = new ArrayList<>(group.size());
        long left = available;
        for (Debt d : group) {
            if (d.amount() <= left) {
                affordable.add(d);
                left -= d.amount();
            } else {
                long couldPay = left;
                withMdc(d, () -> defer(d, "insufficient balance: " + d.debtor() + " can pay " + couldPay + " "
                        + d.asset() + " of the " + d.amount() + " owed", c));
            }
        }
        if (balances != null) {
            purses.put(purse, left);
        }
        int chunk = batchRepayments ? maxDebtsPerRepayment : 1;
        for (int from = 0; from < affordable.size(); from += chunk) {
            attempt(new ArrayList<>(affordable.subList(from, Math.min(affordable.size(), from + chunk))), c);
        }
    }

    /**
     * One repayment of {@code debts} (same parties, ascending id). Every debt is moved to REPAYING under
     * the repayment's key before the settler is called; a debt whose write loses is left out. The key
     * names the lead debt's id and attempt number, and only the actor that moved the lead to that attempt
     * can use it, so two repayments never share a key.
     */
    private void attempt(List<Debt> debts, Counts c) {
        Instant now = clock.instant();
        Instant leaseUntil = now.plus(claimLease);
        String key = null;
        List<Debt> started = new ArrayList<>(debts.size());
        for (Debt d : debts) {
            String k = key != null ? key
                    : debts.size() == 1 ? Repayment.keyOf(d.id(), d.attempts() + 1)
                    : Repayment.batchKeyOf(d.id(), d.attempts() + 1);
            Debt s = write(DebtTransition.attemptStarted(d, now, k, instanceId, leaseUntil), c);
            if (s != null) {
                key = k;
                started.add(s);
            }
        }
        if (started.isEmpty()) {
            return;
        }
        Debt lead = started.get(0);
        long amount = 0;
        List<Long> ids = new ArrayList<>(started.size());
        for (Debt s : started) {
            amount = Math.addExact(amount, s.amount());
            ids.add(s.id());
        }
        Repayment repayment = new Repayment(key, lead.debtor(), lead.creditor(), lead.asset(), amount, ids);
        RepayResult result;
        MDC.put(MDC_DEBT, Long.toString(lead.id()));
        try {
            result = settler.repay(repayment);
            if (result == null) {
                result = new RepayResult.Unknown("settler returned null");
            }
        } catch (RuntimeException e) {
            log.warn("repayment {} threw; it will be looked up, never re-sent", key, e);
            result = new RepayResult.Unknown("settler threw: " + e);
        } finally {
            MDC.remove(MDC_DEBT);
        }
        c.repayments++;
        for (Debt s : started) {
            RepayResult r = result;
            withMdc(s, () -> {
                if (r instanceof RepayResult.Repaid paid) {
                    repaid(s, paid.reference(), c);
                } else if (r instanceof RepayResult.Failed f) {
                    failed(s, "repayment " + repayment.idempotencyKey() + " failed: " + f.error(), c);
                } else {
                    unresolved(s, "outcome unknown: " + ((RepayResult.Unknown) r).reason(), c);
                }
            });
        }
    }

    private void repaid(Debt d, String reference, Counts c) {
        Debt now = write(DebtTransition.repaid(d, clock.instant(), reference, instanceId), c);
        if (now != null) {
            c.repaid++;
            log.info("debt {} repaid: {} {} from {} to {} ({})", d.id(), d.amount(), d.asset(), d.debtor(),
                    d.creditor(), reference);
            listeners.onRepaid(now);
        }
    }

    /** A proven failure: due again after a backoff, or escalated once the attempts are used up. */
    private void failed(Debt d, String error, Counts c) {
        Instant now = clock.instant();
        if (d.attempts() >= maxAttempts) {
            Debt escalated = write(DebtTransition.escalated(d, now,
                    error + " (escalated after " + d.attempts() + " attempts)", instanceId), c);
            if (escalated != null) {
                c.escalated++;
                log.error("debt {} escalated after {} attempts: {} {} owed by {} to {}: {}", d.id(), d.attempts(),
                        d.amount(), d.asset(), d.debtor(), d.creditor(), error);
                listeners.onEscalated(escalated);
            }
            return;
        }
        Debt open = write(DebtTransition.attemptFailed(d, now, error, now.plus(backoff(d.attempts())), instanceId), c);
        if (open != null) {
            c.failed++;
            log.warn("debt {}: attempt {} failed ({}); next at {}", d.id(), d.attempts(), error, open.nextAttemptAt());
            listeners.onAttemptFailed(open);
        }
    }

    private void unresolved(Debt d, String why, Counts c) {
        Instant now = clock.instant();
        Debt later = write(DebtTransition.reconcileLater(d, now, why, now.plus(backoff(d.attempts())), instanceId), c);
        if (later != null) {
            c.unresolved++;
            log.warn("debt {}: repayment {} unresolved ({}); looked up again at {}", d.id(), d.repaymentKey(), why,
                    later.nextAttemptAt());
            listeners.onRepaymentUnresolved(later);
        }
    }

    private void defer(Debt d, String why, Counts c) {
        Instant now = clock.instant();
        Debt waiting = write(DebtTransition.deferred(d, now, why, now.plus(fundsRecheck), instanceId), c);
        if (waiting != null) {
            c.deferred++;
            log.info("debt {} waits: {}", d.id(), why);
            listeners.onWaitingForFunds(waiting);
        }
    }

    /** Applies {@code t}; null if it lost (counted) or the ledger failed (counted, retried after the claim). */
    private Debt write(DebtTransition t, Counts c) {
        try {
            DebtTransitionResult r = ledger.transition(t);
            if (r.applied()) {
                return r.current();
            }
            c.lost++;
            log.info("debt {}: {} lost to another actor; it is now {}", t.id(), t.action(),
                    r.current() == null ? null : r.current().status());
        } catch (RuntimeException e) {
            c.errors++;
            log.warn("debt {}: {} could not be written now; retried when the claim runs out", t.id(), t.action(), e);
        }
        return null;
    }

    /**
     * The wait after the {@code attempts}-th failed attempt: {@code backoffBase × 2^(attempts-1)}, at most
     * {@code backoffMax}, less a random part of up to {@code jitterPercent} % of it, so loops that failed
     * together do not retry together. Never more than {@code backoffMax}.
     */
    Duration backoff(int attempts) {
        int shift = Math.max(0, attempts - 1);
        long full = shift >= 62 || backoffBaseMs > (backoffMaxMs >> shift) ? backoffMaxMs
                : Math.min(backoffMaxMs, backoffBaseMs << shift);
        long jitter = full * jitterPercent / 100;
        long less = jitter == 0 ? 0 : random.nextLong(jitter + 1);
        return Duration.ofMillis(full - less);
    }

    private static void withMdc(Debt d, Runnable r) {
        MDC.put(MDC_DEBT, Long.toString(d.id()));
        try {
            r.run();
        } finally {
            MDC.remove(MDC_DEBT);
        }
    }

    /** Runs once now (start-up) and then every {@code interval} until {@link #close()}. */
    public DebtRecoveryLoop start() {
        periodic.start();
        return this;
    }

    /** Stops the periodic runs, letting a running one finish (up to 30 s). Idempotent. */
    @Override
    public void close() {
        periodic.close();
    }

    /**
     * Defaults follow the field: run at start-up and every 2 minutes; claim 100 debts a batch, at most
     * 100 batches a run, each claimed (and each attempt leased) for 2 minutes; backoff 30 s doubling to
     * at most 1 hour, less up to 20 % jitter (a fresh {@link Random}); escalate on the 5th failed attempt;
     * a debtor that cannot pay is asked again after 2 minutes; no balance source (always attempt); no
     * batching (when on, up to 50 debts a repayment); system UTC clock. Required: ledger and settler.
     */
    public static final class Builder {
        private final DebtLedger ledger;
        private final DebtSettler settler;
        private BalanceSource balances;
        private Clock clock = Clock.systemUTC();
        private Duration interval = Duration.ofMinutes(2);
        private Duration claimLease = Duration.ofMinutes(2);
        private Duration backoffBase = Duration.ofSeconds(30);
        private Duration backoffMax = Duration.ofHours(1);
        private int jitterPercent = 20;
        private Random random;
        private int maxAttempts = 5;
        private int batchSize = 100;
        private int maxBatchesPerRun = 100;
        private boolean batchRepayments;
        private int maxDebtsPerRepayment = 50;
        private Duration fundsRecheck = Duration.ofMinutes(2);
        private String instanceId;
        private final List<DebtListener> listeners = new ArrayList<>();

        private Builder(DebtLedger ledger, DebtSettler settler) {
            this.ledger = ledger;
            this.settler = settler;
        }

        /** Default: none (always attempt). Attempt only what the debtor can cover; wait otherwise. */
        public Builder balanceSource(BalanceSource balances) {
            this.balances = balances;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Default: 2 minutes, between the end of one run and the start of the next. */
        public Builder interval(Duration interval) {
            this.interval = interval;
            return this;
        }

        /**
         * Default: 2 minutes. How long a claimed debt, and an attempt in progress, stay this loop's; the
         * settler's calls must be bounded well under it. When it runs out, another loop reconciles.
         */
        public Builder claimLease(Duration claimLease) {
            this.claimLease = claimLease;
            return this;
        }

        /**
         * Defaults: 30 s, 1 hour, 20 %. The wait after the n-th failed attempt is
         * {@code min(max, base × 2^(n-1))} less a random part of up to {@code jitterPercent} % of it.
         */
        public Builder backoff(Duration base, Duration max, int jitterPercent) {
            this.backoffBase = base;
            this.backoffMax = max;
            this.jitterPercent = jitterPercent;
            return this;
        }

        /** Default: a fresh {@link Random}. The jitter's source; a seeded one makes a test repeatable. */
        public Builder random(Random random) {
            this.random = random;
            return this;
        }

        /** Default: 5. The failed attempt that reaches this number escalates the debt instead of retrying. */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Default: 100. Debts claimed at a time. */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder maxBatchesPerRun(int maxBatchesPerRun) {
            this.maxBatchesPerRun = maxBatchesPerRun;
            return this;
        }

        /**
         * Default: off. When on, the due debts of one claim owed by the same debtor to the same creditor
         * in the same asset are repaid in one repayment of up to {@code maxDebtsPerRepayment} debts.
         */
        public Builder batchRepayments(boolean on, int maxDebtsPerRepayment) {
            this.batchRepayments = on;
            this.maxDebtsPerRepayment = maxDebtsPerRepayment;
            return this;
        }

        /** Default: 2 minutes. How long a debt waits when its debtor cannot cover it (no attempt counted). */
        public Builder fundsRecheck(Duration fundsRecheck) {
            this.fundsRecheck = fundsRecheck;
            return this;
        }

        /** Default: "debts-&lt;pid&gt;-&lt;random&gt;". The lease owner and the actor in the debts' history. */
        public Builder instanceId(String instanceId) {
            this.instanceId = instanceId;
            return this;
        }

        public Builder listener(DebtListener listener) {
            this.listeners.add(InvalidInputException.requireNonNull("listener", listener));
            return this;
        }

        public DebtRecoveryLoop build() {
            InvalidInputException.requireNonNull("ledger", ledger);
            InvalidInputException.requireNonNull("settler", settler);
            InvalidInputException.requireNonNull("clock", clock);
            InvalidInputException.requirePositive("interval", interval, MAX_INTERVAL);
            InvalidInputException.requirePositive("claimLease", claimLease, MAX_INTERVAL);
            InvalidInputException.requirePositive("backoffBase", backoffBase);
            InvalidInputException.requirePositive("backoffMax", backoffMax);
            InvalidInputException.requirePositive("fundsRecheck", fundsRecheck, Duration.ofDays(365));
            if (backoffMax.compareTo(Duration.ofDays(365)) > 0) {
                throw new InvalidInputException("backoffMax", backoffMax, "must be at most 365 days");
            }
            if (backoffBase.compareTo(backoffMax) > 0) {
                throw new InvalidInputException("backoffBase", backoffBase, "must not exceed backoffMax " + backoffMax);
            }
            if (jitterPercent < 0 || jitterPercent > 100) {
                throw new InvalidInputException("jitterPercent", jitterPercent, "must be in 0..100");
            }
            if (maxAttempts < 1) {
                throw new InvalidInputException("maxAttempts", maxAttempts, "must be positive");
            }
            if (batchSize < 1 || batchSize > 10_000) {
                throw new InvalidInputException("batchSize", batchSize, "must be in 1..10000");
            }
            if (maxBatchesPerRun < 1) {
                throw new InvalidInputException("maxBatchesPerRun", maxBatchesPerRun, "must be positive");
            }
            if (maxDebtsPerRepayment < 1 || maxDebtsPerRepayment > 1_000) {
                throw new InvalidInputException("maxDebtsPerRepayment", maxDebtsPerRepayment, "must be in 1..1000");
            }
            if (instanceId != null) {
                InvalidInputException.requirePrintable("instanceId", instanceId, 100);
            }
            return new DebtRecoveryLoop(this);
        }
    }
}
