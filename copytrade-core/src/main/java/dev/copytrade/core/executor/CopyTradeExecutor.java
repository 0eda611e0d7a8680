package dev.copytrade.core.executor;

import dev.copytrade.core.cap.CapLedger;
import dev.copytrade.core.cap.CapPolicy;
import dev.copytrade.core.chain.ChainAdapter;
import dev.copytrade.core.chain.OrderRequest;
import dev.copytrade.core.chain.PreparedOrder;
import dev.copytrade.core.chain.SettlementLeg;
import dev.copytrade.core.chain.SubmitResult;
import dev.copytrade.core.executor.CopyResult.Outcome;
import dev.copytrade.core.guardrail.GuardrailChain;
import dev.copytrade.core.guardrail.GuardrailContext;
import dev.copytrade.core.guardrail.RealTradingSwitch;
import dev.copytrade.core.internal.CapCharges;
import dev.copytrade.core.internal.GroupCommit;
import dev.copytrade.core.internal.Leases;
import dev.copytrade.core.internal.Listeners;
import dev.copytrade.core.internal.SettlementDebts;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.mutex.LocalScopedTxMutex;
import dev.copytrade.core.mutex.MutexInterruptedException;
import dev.copytrade.core.mutex.MutexTimeoutException;
import dev.copytrade.core.mutex.ScopedTxMutex;
import dev.copytrade.core.mutex.TxScope;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.policy.SizingResult;
import dev.copytrade.core.policy.VenueRules;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.Fill;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordDraft;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.record.Transition;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.store.PrewriteResult;
import dev.copytrade.core.store.StoreException;
import dev.copytrade.core.store.TransitionResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Carries one leader trade to a recorded outcome for each follower:
 *
 * <pre>
 * size (CopyPolicy) → guardrails → prewrite PENDING (or SKIPPED) → lock the signer scope
 *   → realtime re-check → prepare → SUBMITTED (refs stored before send) → lease still valid? → submit
 *   → EXECUTED | FAILED | still in flight when the outcome is unknown (never re-sent)
 * </pre>
 *
 * A lease found invalid right before the send (a database mutex's session ended) fails the record with
 * {@code SIGNER_LEASE_LOST}, nothing sent. Nothing is sent unless its record is durable; a key that already has a record is returned as a
 * DUPLICATE and nothing is done. Thread-safe: call it from as many threads as you like. Build with
 * {@link #builder()}; {@link #close()} stops the fan-out pool it owns.
 */
public final class CopyTradeExecutor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CopyTradeExecutor.class);
    /** MDC keys set while a record is executed. */
    public static final String MDC_RECORD = "copytrade.record";

    public static final String MDC_SIGNER = "copytrade.signer";
    /** The longest in-flight TTL accepted; a week is already far past any venue's answer. */
    public static final Duration MAX_IN_FLIGHT_TTL = Duration.ofDays(7);

    private final CopyTradeStore store;
    private final ChainAdapter adapter;
    private final ScopedTxMutex mutex;
    private final GuardrailChain guardrails;
    private final VenueRules venueRules;
    private final long chainId;
    private final Clock clock;
    private final Duration inFlightTtl;
    // computed once: Duration.dividedBy goes through BigDecimal, and it was asked on every order
    private final Duration halfInFlightTtl;
    private final Duration lockTimeout;
    private final boolean dryRun;
    private final boolean movesRealMoney;
    private final Listeners listeners;
    private final String instanceId;
    private final int parallelism;
    private final ExecutorService pool;
    private final CapCharges caps;
    private final GroupCommit finals;
    /** Set on a fan-out worker for the order it runs: that order's final write is queued, not awaited. */
    private final ThreadLocal<Deferral> fanOut = new ThreadLocal<>();

    private CopyTradeExecutor(Builder b) {
        this.store = b.store;
        this.adapter = b.adapter;
        this.mutex = b.mutex != null ? b.mutex : new LocalScopedTxMutex();
        // the master switch always comes first, so a fresh install never sends real money by accident
        List<dev.copytrade.core.guardrail.Guardrail> chain = new ArrayList<>();
        chain.add(new RealTradingSwitch(b.realTrading));
        chain.addAll(b.guardrails.guardrails());
        this.guardrails = GuardrailChain.of(chain);
        this.venueRules = b.venueRules;
        this.chainId = b.chainId;
        this.clock = b.clock;
        this.inFlightTtl = b.inFlightTtl;
        this.halfInFlightTtl = b.inFlightTtl.dividedBy(2);
        this.lockTimeout = b.lockTimeout;
        this.dryRun = b.dryRun;
        this.movesRealMoney = b.adapter.movesRealMoney();
        this.listeners = new Listeners(List.copyOf(b.listeners));
        this.instanceId = b.instanceId != null ? b.instanceId : defaultInstanceId();
        this.parallelism = b.parallelism;
        this.caps = b.capLedger == null ? null
                : new CapCharges(b.capLedger, b.capPolicy,
                        b.inFlightTtl.multipliedBy(2).plus(b.capPolicy.longestWindow()));
        this.finals = new GroupCommit(store, b.groupCommitMaxBatch, b.groupCommitMaxDelay, this::settleCaps,
                b.groupCommitExecutes);
        this.pool = parallelism > 1 ? Executors.newFixedThreadPool(parallelism, daemonThreads(instanceId)) : null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Copies {@code trade} for one follower. Never throws for an execution problem: the result says
     * what happened, and {@link Outcome#NOT_RECORDED} (with the error) means nothing was written and
     * nothing was sent.
     *
     * @throws InvalidInputException if {@code trade} or {@code follower} is null
     */
    public CopyResult execute(LeaderTrade trade, Follower follower) {
        InvalidInputException.requireNonNull("trade", trade);
        InvalidInputException.requireNonNull("follower", follower);
        Instant now = clock.instant();
        Plan plan;
        try {
            plan = charge(plan(trade, follower, now), now);
        } catch (RuntimeException e) {
            return notRecorded(new Plan(trade, follower, null, null, List.of()), e);
        }
        PrewriteResult written;
        try {
            written = store.prewrite(plan.draft);
        } catch (RuntimeException e) {
            giveBackFailedPrewrites(List.of(plan), now);
            return notRecorded(plan, e);
        }
        return afterPrewrite(plan, written);
    }

    /**
     * Copies {@code trade} for every follower: every order's caps are reserved in one ledger call per kind
     * of budget and every record is prewritten in one store call before any order is sent; then distinct
     * signers run in parallel (at most {@code parallelism} at once) and each signer's orders run one after
     * another. With group commit on, a worker does not wait for an order's final write: it queues it and
     * goes on to the next order (releasing the signer's lock), while this thread writes the queued finals in
     * group commits; listeners hear of each record once its final write is durable, on this thread, and
     * this returns only when every final write is durable (or failed: the record then stays in flight for
     * the sweeper, reported IN_FLIGHT). Results are in the order of {@code followers}.
     */
    public List<CopyResult> executeAll(LeaderTrade trade, List<Follower> followers) {
        InvalidInputException.requireNonNull("trade", trade);
        InvalidInputException.requireNonNull("followers", followers);
        int n = followers.size();
        Instant now = clock.instant();
        List<Plan> plans = new ArrayList<>(n);
        List<RecordDraft> drafts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            plans.add(plan(trade, InvalidInputException.requireNonNull("followers[" + i + "]", followers.get(i)), now));
        }
        List<PrewriteResult> written;
        try {
            chargeAll(plans, now);
            for (Plan p : plans) {
                drafts.add(p.draft);
            }
            written = store.prewriteAll(drafts);
        } catch (RuntimeException e) {
            // nothing was sent for any follower: give back every reservation and report each one
            giveBackFailedPrewrites(plans, now);
            log.error("prewrite or cap reservation failed for the {} followers of signal {}; nothing was sent", n,
                    trade.signalId(), e);
            List<CopyResult> failed = new ArrayList<>(n);
            for (Plan p : plans) {
                failed.add(notRecordedQuietly(p, e));
            }
            return failed;
        }
        CopyResult[] results = new CopyResult[n];
        Map<TxScope, List<Integer>> bySigner = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            PrewriteResult w = written.get(i);
            if (w.inserted() && w.record().status() == RecordStatus.PENDING) {
                bySigner.computeIfAbsent(scopeOf(w.record()), s -> new ArrayList<>()).add(i);
            } else {
                results[i] = afterPrewrite(plans.get(i), w);
            }
        }
        Deferral[] deferred = new Deferral[n];
        if (bySigner.size() <= 1 || pool == null) {
            for (List<Integer> group : bySigner.values()) {
                runGroup(group, plans, written, results, deferred);
            }
            driveFinals(CompletableFuture.completedFuture(null), deferred);
        } else {
            List<CompletableFuture<Void>> running = new ArrayList<>(bySigner.size());
            for (List<Integer> group : bySigner.values()) {
                running.add(CompletableFuture.runAsync(() -> runGroup(group, plans, written, results, deferred), pool));
            }
            CompletableFuture<Void> all = CompletableFuture.allOf(running.toArray(CompletableFuture[]::new));
            all.whenComplete((v, e) -> finals.wake());
            driveFinals(all, deferred);
            all.join();
        }
        // a failed group commit fails all its writes with one exception: its stack trace is logged once
        Set<Throwable> logged = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < n; i++) {
            if (deferred[i] != null) {
                results[i] = deferred[i].settle(logged);
            }
        }
        return List.of(results);
    }

    private void runGroup(List<Integer> group, List<Plan> plans, List<PrewriteResult> written, CopyResult[] results,
            Deferral[] deferred) {
        for (int i : group) {
            CopyTradeRecord pending = written.get(i).record();
            Deferral d = finals.batches() ? new Deferral(pending.id()) : null;
            fanOut.set(d);
            try {
                results[i] = runInFlight(plans.get(i), pending);
            } finally {
                fanOut.remove();
            }
            if (d != null && d.written != null) {
                deferred[i] = d;
            }
        }
    }

    /**
     * One order of a fan-out whose final write was queued ({@link #finish} returned null for it) rather
     * than awaited: what {@code finish} needs to settle it once the group commit has answered.
     */
    private final class Deferral {
        final long recordId;
        CopyTradeRecord before;
        Transition transition;
        Throwable unknownCause;
        CompletableFuture<TransitionResult> written;

        Deferral(long recordId) {
            this.recordId = recordId;
        }

        /**
         * The outcome, as {@link #finish} would have returned it; called once the write has answered.
         * {@code logged}: the write failures whose stack trace was already logged.
         */
        CopyResult settle(Set<Throwable> logged) {
            TransitionResult r;
            try {
                r = written.join();
            } catch (CompletionException | CancellationException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException re ? re : e;
                return notWritten(before, transition, unknownCause, cause, logged.add(cause));
            }
            return settled(before, transition, unknownCause, r);
        }
    }

    /**
     * Writes the queued finals of a fan-out from this thread, while its workers still send ({@code sending}
     * not done) and then until every deferred write has answered. An interrupt does not stop it (the
     * writes must land or fail); it is kept for the caller.
     */
    private void driveFinals(CompletableFuture<Void> sending, Deferral[] deferred) {
        if (!finals.batches()) {
            return;
        }
        boolean interrupted = false;
        while (!sending.isDone()) {
            finals.flushStep(true);
            interrupted |= Thread.interrupted();
        }
        for (Deferral d : deferred) {
            while (d != null && !d.written.isDone()) {
                finals.flushStep(false);
                interrupted |= Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One follower's order on its way to the store. {@code created}: the cap reservations this delivery
     * created (none when a duplicate delivery already held them); the only ones it may give back.
     */
    private record Plan(LeaderTrade trade, Follower follower, RecordDraft draft, GuardrailContext context,
            List<String> created) {}

    private Plan plan(LeaderTrade trade, Follower follower, Instant now) {
        GuardrailContext ctx = new GuardrailContext(now, trade, follower, GuardrailContext.Phase.PRE_TRADE, dryRun,
                movesRealMoney, venueRules);
        SizingResult sizing = follower.policy().size(trade, venueRules);
        if (sizing instanceof SizingResult.Skipped s) {
            return new Plan(trade, follower, RecordDraft.skipped(trade, follower.id(), follower.wallet(),
                    follower.signer(), null, s.reason(), s.detail(), dryRun, now), ctx, List.of());
        }
        SizingResult.Sized sized = (SizingResult.Sized) sizing;
        GuardrailChain.Verdict verdict = guardrails.evaluate(sized.order(), ctx);
        if (verdict instanceof GuardrailChain.Verdict.Stop stop) {
            return new Plan(trade, follower, RecordDraft.skipped(trade, follower.id(), follower.wallet(),
                    follower.signer(), sized.order(), stop.reason(), merge(sized.detail(), stop.detail()), dryRun,
                    now), ctx, List.of());
        }
        GuardrailChain.Verdict.Pass pass = (GuardrailChain.Verdict.Pass) verdict;
        return new Plan(trade, follower, RecordDraft.pending(trade, follower.id(), follower.wallet(),
                follower.signer(), pass.order(), merge(sized.detail(), pass.notes()), dryRun, instanceId,
                now.plus(inFlightTtl), now), ctx, List.of());
    }

    /** Reserves the caps of a PENDING plan; a refusal turns it into a SKIPPED one. */
    private Plan charge(Plan plan, Instant now) {
        RecordDraft d = plan.draft;
        if (caps == null || d.status() != RecordStatus.PENDING) {
            return plan;
        }
        return charged(plan, caps.reserve(d.key(), d.order(), plan.trade, plan.follower, now), now);
    }

    /** {@link #charge} for every plan of a fan-out, in one ledger call per kind of budget (not one per follower). */
    private void chargeAll(List<Plan> plans, Instant now) {
        if (caps == null) {
            return;
        }
        List<Integer> pending = new ArrayList<>();
        List<CapCharges.Order> orders = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            Plan p = plans.get(i);
            if (p.draft.status() == RecordStatus.PENDING) {
                pending.add(i);
                orders.add(new CapCharges.Order(p.draft.key(), p.draft.order(), p.trade, p.follower));
            }
        }
        if (orders.isEmpty()) {
            return;
        }
        List<CapCharges.Charge> charges = caps.reserveAll(orders, now);
        for (int k = 0; k < pending.size(); k++) {
            int i = pending.get(k);
            plans.set(i, charged(plans.get(i), charges.get(k), now));
        }
    }

    /**
     * The plan holding what {@code charge} created, or, when it was refused, its SKIPPED version naming the
     * budget.
     */
    private Plan charged(Plan plan, CapCharges.Charge charge, Instant now) {
        CapCharges.Refusal refusal = charge.refusal();
        if (refusal == null) {
            return charge.created().isEmpty() ? plan
                    : new Plan(plan.trade, plan.follower, plan.draft, plan.context, charge.created());
        }
        RecordDraft d = plan.draft;
        return new Plan(plan.trade, plan.follower, RecordDraft.skipped(plan.trade, d.followerId(), d.wallet(),
                d.signer(), d.order(), refusal.reason(), merge(d.detail(), refusal.detail()), dryRun, now),
                plan.context, List.of());
    }

    /**
     * Gives back reservations this delivery created ({@code what} names them in the log), for an order whose
     * record was never written or whose existing record holds nothing under them (best effort). Never one it
     * found already held: that one belongs to another delivery of the same order, possibly still running,
     * and releasing it would let concurrent orders overshoot the cap.
     */
    private void giveBack(List<String> created, Object what, Instant now) {
        if (caps == null || created.isEmpty()) {
            return;
        }
        try {
            caps.releaseIds(created, now);
        } catch (RuntimeException e) {
            log.warn("cap release failed for {}; the reservations expire on their own", what, e);
        }
    }

    /**
     * {@link #giveBack} for plans whose prewrite failed, in one ledger call (best effort), except a plan whose
     * key has a live record after all: a concurrent delivery of the same order found this delivery's
     * reservation held and wrote its record with it, so the reservation is that record's now. The store is
     * asked once per such plan; once it fails to answer, the rest are released unasked (an unreachable store
     * wrote no other delivery's record either, and a failed fan-out should not wait out one timeout per
     * follower).
     */
    private void giveBackFailedPrewrites(List<Plan> plans, Instant now) {
        List<String> created = new ArrayList<>();
        boolean storeAnswers = true;
        for (Plan p : plans) {
            if (p.created.isEmpty()) {
                continue;
            }
            if (storeAnswers) {
                try {
                    if (store.findByKey(p.draft.key()).filter(CopyTradeExecutor::holdsCaps).isPresent()) {
                        log.warn("record for {} was written by another delivery; its reservation stays", p.draft.key());
                        continue;
                    }
                } catch (RuntimeException e) {
                    storeAnswers = false;
                }
            }
            created.addAll(p.created);
        }
        giveBack(created, created.size() + " reservations of failed prewrites", now);
    }

    private CopyResult afterPrewrite(Plan plan, PrewriteResult written) {
        CopyTradeRecord r = written.record();
        if (!written.inserted()) {
            if (!holdsCaps(r)) {
                // the existing record holds no reservation: give back what this delivery created
                giveBack(plan.created, plan.draft.key(), clock.instant());
            } else if (isBuy(plan.draft.order()) && !isBuy(r.order()) && plan.created.contains(plan.draft.key().value())) {
                // the same signal seen again with another side: the existing SELL holds no money under this key, so
                // the money reservation this BUY created is its own and would hold budget until it expired. Its
                // trade count stays: the SELL may be running on it (a concurrent delivery found it held).
                giveBack(List.of(plan.draft.key().value()), plan.draft.key(), clock.instant());
            }
            log.debug("duplicate signal {} for follower {}: record {} is {}", plan.trade.signalId(),
                    plan.follower.id(), r.id(), r.status());
            listeners.onDuplicate(r);
            return result(Outcome.DUPLICATE, r, null);
        }
        if (r.status() == RecordStatus.SKIPPED) {
            log.debug("skipped record {} ({}) {}", r.id(), r.reason(), r.detail());
            listeners.onSkipped(r);
            return result(Outcome.SKIPPED, r, null);
        }
        return runInFlight(plan, r);
    }

    /** Whether a record still counts against the caps under its key: it executed, or may yet. */
    private static boolean holdsCaps(CopyTradeRecord r) {
        return r.status() == RecordStatus.EXECUTED || r.status().isInFlight() || r.status() == RecordStatus.UNKNOWN;
    }

    private static boolean isBuy(CopyOrder order) {
        return order != null && order.side() == dev.copytrade.core.model.Side.BUY;
    }

    private CopyResult runInFlight(Plan plan, CopyTradeRecord pending) {
        MDC.put(MDC_RECORD, Long.toString(pending.id()));
        MDC.put(MDC_SIGNER, pending.signer().value());
        try {
            ScopedTxMutex.Lease lease;
            try {
                lease = mutex.acquire(scopeOf(pending), lockTimeout);
            } catch (MutexTimeoutException | MutexInterruptedException | StoreException e) {
                // StoreException: a database mutex could not be asked; as with a timeout, nothing was sent
                log.warn("record {}: signer lock not acquired; failing it, nothing was sent", pending.id(), e);
                return finish(pending, Transition.failed(pending.id(), RecordStatus.PENDING, clock.instant(),
                        ReasonCode.SIGNER_LOCK_TIMEOUT, e.getMessage()), null);
            }
            try (lease; GroupCommit.Joined finalizing = finals.join()) {
                return sendUnderLease(plan, pending, lease);
            }
        } finally {
            MDC.remove(MDC_RECORD);
            MDC.remove(MDC_SIGNER);
        }
    }

    private CopyResult sendUnderLease(Plan plan, CopyTradeRecord pending, ScopedTxMutex.Lease lease) {
        Instant now = clock.instant();
        CopyOrder order = pending.order();
        if (guardrails.hasRealtime()) {
            GuardrailChain.Verdict recheck = guardrails.evaluate(order,
                    new GuardrailContext(now, plan.trade, plan.follower, GuardrailContext.Phase.REALTIME, dryRun,
                            movesRealMoney, venueRules));
            if (recheck instanceof GuardrailChain.Verdict.Stop stop) {
                return finish(pending, Transition.skipped(pending.id(), now, stop.reason(), stop.detail()), null);
            }
        }
        if (dryRun) {
            return finish(pending, Transition.skipped(pending.id(), now, ReasonCode.DRY_RUN,
                    Map.of("wouldSend", order.side() + " " + order.shares() + " @ " + order.limitPrice())), null);
        }
        OrderRequest request = new OrderRequest(pending.id(), pending.key(), pending.clientOrderId(), order,
                pending.wallet(), pending.signer(), chainId, lease.fencingToken());
        PreparedOrder prepared;
        try {
            prepared = adapter.prepare(request);
        } catch (RuntimeException e) {
            log.warn("record {}: prepare failed; nothing was sent", pending.id(), e);
            return finish(pending, Transition.failed(pending.id(), RecordStatus.PENDING, now, ReasonCode.PREPARE_FAILED,
                    String.valueOf(e)), null);
        }
        CopyTradeRecord inFlight = pending;
        if (needsSubmittedWrite(prepared, pending, now)) {
            TransitionResult submitted;
            try {
                submitted = store.transition(Transition.submitted(pending.id(), now, prepared.venueRef(),
                        prepared.nonce(), instanceId, now.plus(inFlightTtl)));
            } catch (RuntimeException e) {
                log.warn("record {}: SUBMITTED could not be written; nothing was sent, the sweeper resolves it",
                        pending.id(), e);
                return result(Outcome.IN_FLIGHT, pending, e);
            }
            if (!submitted.applied()) {
                log.warn("record {}: moved to {} by another actor before send; nothing was sent", pending.id(),
                        submitted.current() == null ? null : submitted.current().status());
                return result(Outcome.LOST, submitted.current() == null ? pending : submitted.current(), null);
            }
            inFlight = submitted.current();
        }
        listeners.onSubmitted(inFlight);
        if (!Leases.stillHeld(lease)) {
            // another process may hold the signer now and use this very nonce: sending would be a second
            // writer on the signer; nothing has left, so the record can truthfully say so
            log.warn("record {}: the signer's lease (token {}) was lost before the send; nothing was sent",
                    inFlight.id(), lease.fencingToken());
            notSent(prepared);
            return finish(inFlight, Transition.failed(inFlight.id(), inFlight.status(), clock.instant(),
                    ReasonCode.SIGNER_LEASE_LOST, "the signer's lease (fencing token " + lease.fencingToken()
                            + ") was no longer valid right before the send; nothing was sent"), null);
        }

        SubmitResult outcome;
        Throwable cause = null;
        try {
            outcome = adapter.send(prepared);
            if (outcome == null) {
                outcome = SubmitResult.unknown("adapter returned null");
            }
        } catch (RuntimeException e) {
            cause = e;
            outcome = SubmitResult.unknown("adapter threw: " + e);
        }
        if (outcome instanceof SubmitResult.Unknown sent) {
            // the order may have left: the signer's next order need not wait for this one's outcome
            lease.close();
            outcome = awaitOutcome(prepared, sent);
        }
        Instant done = clock.instant();
        if (outcome instanceof SubmitResult.Confirmed c) {
            return finishWithDebts(inFlight, Transition.executed(inFlight.id(), inFlight.status(), done, c.fill(),
                    fillDetail(order, c.fill())), c.legs());
        }
        if (outcome instanceof SubmitResult.Rejected rej) {
            return finishWithDebts(inFlight, Transition.failed(inFlight.id(), inFlight.status(), done,
                    ReasonCode.VENUE_REJECTED, rej.reason()), rej.legs());
        }
        String reason = ((SubmitResult.Unknown) outcome).reason();
        log.warn("record {}: outcome unknown ({}); left in flight for the reconciler, never re-sent", inFlight.id(),
                reason);
        return finish(inFlight, Transition.outcomeUnknown(inFlight.id(), inFlight.status(), done,
                "outcome unknown: " + reason), cause);
    }

    private void notSent(PreparedOrder prepared) {
        try {
            adapter.notSent(prepared);
        } catch (RuntimeException e) {
            log.warn("record {}: the adapter failed to take back the unsent order", prepared.request().recordId(), e);
        }
    }

    private SubmitResult awaitOutcome(PreparedOrder prepared, SubmitResult.Unknown sent) {
        try {
            SubmitResult awaited = adapter.awaitOutcome(prepared, sent);
            return awaited == null ? sent : awaited;
        } catch (RuntimeException e) {
            log.warn("record {}: waiting for the outcome failed; left in flight for the reconciler",
                    prepared.request().recordId(), e);
            return sent;
        }
    }

    /**
     * A failed settlement leg is a debt written by the store in the same step as the final state, so a
     * crash can never leave the trade recorded and the money it is owed forgotten.
     */
    private CopyResult finishWithDebts(CopyTradeRecord inFlight, Transition t, List<SettlementLeg> legs) {
        // null for a fan-out order whose write is queued: settled() tells of its debts once it is durable
        return finish(inFlight, SettlementDebts.attach(t, legs), null);
    }

    /**
     * SUBMITTED is written before sending when preparing created references the record lacks (a
     * signed transaction's hash, a nonce), so a crash after broadcast can be looked up by them; or when
     * less than half the lease is left (a long wait for the signer's lock), to renew it under
     * compare-and-set before anything leaves. Otherwise the prewritten record already carries the
     * client order id the venue will be asked by, and the order leaves straight from PENDING.
     */
    private boolean needsSubmittedWrite(PreparedOrder prepared, CopyTradeRecord pending, Instant now) {
        if (prepared.venueRef() != null || prepared.nonce() != null) {
            return true;
        }
        Instant leaseUntil = pending.leaseUntil();
        return leaseUntil == null || leaseUntil.isBefore(now.plus(halfInFlightTtl));
    }

    private static Map<String, String> fillDetail(CopyOrder order, Fill fill) {
        if (fill.shares().compareTo(order.shares()) >= 0) {
            return Map.of();
        }
        return Map.of("fill.partial", "true", "fill.requestedShares", order.shares().toString());
    }

    /**
     * Writes the final (or amended) state (in a group commit with concurrent executions when
     * {@code groupCommitExecutes} is on) and tells the listeners; a store failure (of the whole group)
     * leaves the record to the sweeper. Caps are settled by {@link #settleCaps} once the write is durable,
     * before this returns.
     *
     * <p>Returns null for an order of a fan-out (see {@link #executeAll}): its write is queued, not awaited,
     * and {@code executeAll} settles it (the rest of this method) once the group commit has answered.
     */
    private CopyResult finish(CopyTradeRecord before, Transition t, Throwable unknownCause) {
        Deferral d = fanOut.get();
        if (d != null && d.recordId == before.id() && d.written == null) {
            d.before = before;
            d.transition = t;
            d.unknownCause = unknownCause;
            d.written = finals.submit(before, t);
            return null;
        }
        TransitionResult r;
        try {
            r = finals.transition(before, t);
        } catch (RuntimeException e) {
            return notWritten(before, t, unknownCause, e, true);
        }
        return settled(before, t, unknownCause, r);
    }

    /**
     * The outcome of a final write that failed: the record stays as it was, in flight, for the sweeper.
     * {@code withStack}: log the exception's stack trace (once per failed group write is enough).
     */
    private CopyResult notWritten(CopyTradeRecord before, Transition t, Throwable unknownCause, RuntimeException e,
            boolean withStack) {
        if (withStack) {
            log.warn("record {}: could not write {}; it stays {} for the sweeper to resolve", before.id(), t.to(),
                    before.status(), e);
        } else {
            log.warn("record {}: could not write {} ({}); it stays {} for the sweeper to resolve", before.id(), t.to(),
                    e.getMessage(), before.status());
        }
        if (t.to() == RecordStatus.SUBMITTED) {
            listeners.onOutcomeUnknown(before, unknownCause);
        }
        return result(Outcome.IN_FLIGHT, before, e);
    }

    /** The outcome of a final write the store answered: LOST, or the new state told to the listeners. */
    private CopyResult settled(CopyTradeRecord before, Transition t, Throwable unknownCause, TransitionResult r) {
        if (!r.applied()) {
            log.warn("record {}: {} lost to another actor; it is now {}", before.id(), t.to(),
                    r.current() == null ? null : r.current().status());
            return result(Outcome.LOST, r.current() == null ? before : r.current(), null);
        }
        CopyTradeRecord now = r.current();
        switch (now.status()) {
            case EXECUTED:
                log.debug("record {} executed: {}", now.id(), now.fill());
                listeners.onExecuted(now);
                tellDebts(now, t);
                return result(Outcome.EXECUTED, now, null);
            case FAILED:
                log.info("record {} failed ({}): {}", now.id(), now.reason(), now.lastError());
                listeners.onFailed(now);
                tellDebts(now, t);
                return result(Outcome.FAILED, now, null);
            case SKIPPED:
                log.debug("record {} skipped under the lock ({})", now.id(), now.reason());
                listeners.onSkipped(now);
                return result(Outcome.SKIPPED, now, null);
            default:
                listeners.onOutcomeUnknown(now, unknownCause);
                return result(Outcome.IN_FLIGHT, now, unknownCause);
        }
    }

    /** The debts a durable final write recorded with the record (failed settlement legs). */
    private void tellDebts(CopyTradeRecord now, Transition t) {
        if (!t.debts().isEmpty()) {
            log.warn("record {}: {} settlement legs failed; debts recorded {}", now.id(), t.debts().size(),
                    t.detail().get(SettlementDebts.DETAIL_KEY));
            listeners.onDebtsRecorded(now, t.debts());
        }
    }

    /** Settles the caps of records a (group) write moved; runs on the writing thread and never throws. */
    private void settleCaps(List<CopyTradeRecord> moved) {
        if (caps != null) {
            caps.settleAll(moved, clock.instant());
        }
    }

    private CopyResult notRecorded(Plan plan, RuntimeException e) {
        log.error("prewrite or cap reservation failed for signal {} follower {}; nothing was sent", plan.trade.signalId(),
                plan.follower.id(), e);
        return notRecordedQuietly(plan, e);
    }

    /** {@link #notRecorded} for a follower of a fan-out whose failure was logged once for all of them. */
    private CopyResult notRecordedQuietly(Plan plan, RuntimeException e) {
        listeners.onPrewriteFailed(plan.trade, plan.follower, e);
        return new CopyResult(plan.follower.id(), Outcome.NOT_RECORDED, null, e);
    }

    private static CopyResult result(Outcome outcome, CopyTradeRecord r, Throwable error) {
        return new CopyResult(r.followerId(), outcome, r, error);
    }

    private TxScope scopeOf(CopyTradeRecord r) {
        return TxScope.signer(chainId, r.signer());
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        Map<String, String> m = new HashMap<>(a);
        m.putAll(b);
        return m;
    }

    public CopyTradeStore store() {
        return store;
    }

    public ChainAdapter chainAdapter() {
        return adapter;
    }

    public String instanceId() {
        return instanceId;
    }

    public long chainId() {
        return chainId;
    }

    public boolean isDryRun() {
        return dryRun;
    }

    /**
     * Stops the fan-out pool (waits up to 10 s for running fan-outs), then writes whatever finalizes are
     * still queued for a group commit (waits up to 10 s for them). The store and adapter are the host's.
     */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
            try {
                if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                    pool.shutdownNow();
                }
            } catch (InterruptedException e) {
                pool.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        finals.close();
    }

    private static String defaultInstanceId() {
        return "copytrade-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ThreadFactory daemonThreads(String instanceId) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, instanceId + "-fanout-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Configuration with documented defaults; {@link #build()} fails naming the first missing or bad
     * field. Required: {@link #store}, {@link #chainAdapter}.
     */
    public static final class Builder {
        private CopyTradeStore store;
        private ChainAdapter adapter;
        private ScopedTxMutex mutex;
        private GuardrailChain guardrails = GuardrailChain.empty();
        private VenueRules venueRules = VenueRules.polymarketMarketOrders();
        private long chainId = 137;
        private Clock clock = Clock.systemUTC();
        private Duration inFlightTtl = Duration.ofMinutes(10);
        private Duration lockTimeout = Duration.ofSeconds(30);
        private boolean dryRun;
        private boolean realTrading;
        private final List<CopyTradeListener> listeners = new ArrayList<>();
        private String instanceId;
        private int parallelism = 8;
        private CapLedger capLedger;
        private CapPolicy capPolicy;
        private int groupCommitMaxBatch = GroupCommit.DEFAULT_MAX_BATCH;
        private Duration groupCommitMaxDelay = GroupCommit.DEFAULT_MAX_DELAY;
        private boolean groupCommitExecutes;

        private Builder() {}

        /**
         * Default: on, batches of at most 512, the first batch waits at most 5 ms for more. The final writes
         * of an {@link #executeAll} (EXECUTED, FAILED, SKIPPED under the lock, the unknown-outcome note) are
         * written in group commits, one {@link CopyTradeStore#transitionAll(List, List)} (one statement and
         * one commit on PostgreSQL) per {@code maxBatch}: the workers queue them and go on sending, the
         * calling thread writes them. Per record nothing changes: a lost compare-and-set is LOST, a failed
         * group write leaves each of its records in flight for the sweeper (IN_FLIGHT), and listeners hear
         * of a record only once it is durable. {@code maxBatch} 1 turns it off; {@code maxBatch} in
         * 1..10,000, {@code maxDelay} in 0..1 s. For concurrent {@link #execute} calls see
         * {@link #groupCommitExecutes}.
         */
        public Builder groupCommit(int maxBatch, Duration maxDelay) {
            this.groupCommitMaxBatch = maxBatch;
            this.groupCommitMaxDelay = maxDelay;
            return this;
        }

        /** Every final write is its own store call on the executing thread: {@code groupCommit(1, 0)}. */
        public Builder noGroupCommit() {
            return groupCommit(1, Duration.ZERO);
        }

        /**
         * Default: false. When true, the final write of an {@link #execute} also joins those of concurrent
         * executions: it is written when the group holds {@code maxBatch}, when every execution that holds
         * its signer's lock is waiting for the group (so a lone execution never waits), or after
         * {@code maxDelay}. Off by default because it did not pay on PostgreSQL, which already merges the
         * WAL flushes of concurrent commits: measured with 8 threads calling {@code execute} on 2 cores,
         * it halved the final statements but cut throughput to a half or less (waiting for company under
         * CPU contention costs more than the commits it saves). Try it where commits are the bottleneck.
         */
        public Builder groupCommitExecutes(boolean enabled) {
            this.groupCommitExecutes = enabled;
            return this;
        }

        /**
         * Default: none. Budgets that concurrency cannot overshoot: each order's notional (and one trade)
         * is reserved on {@code ledger} before its record is written, committed with the filled notional
         * when EXECUTED, and released when it ends any other way; a refused reservation is a SKIPPED record
         * ({@code BUDGET_EXHAUSTED} / {@code TRADE_COUNT_EXCEEDED}). Give the sweeper the same ledger.
         */
        public Builder caps(CapLedger ledger, CapPolicy policy) {
            this.capLedger = InvalidInputException.requireNonNull("capLedger", ledger);
            this.capPolicy = InvalidInputException.requireNonNull("capPolicy", policy);
            return this;
        }

        /** Required: where records live. */
        public Builder store(CopyTradeStore store) {
            this.store = store;
            return this;
        }

        /** Required: the venue or chain. */
        public Builder chainAdapter(ChainAdapter adapter) {
            this.adapter = adapter;
            return this;
        }

        /**
         * Default: a {@link LocalScopedTxMutex}, correct within one JVM. Processes sharing a signer need
         * a cross-process mutex (the JDBI module's).
         */
        public Builder mutex(ScopedTxMutex mutex) {
            this.mutex = mutex;
            return this;
        }

        /** Default: none besides the real-trading master switch, which is always first. */
        public Builder guardrails(GuardrailChain guardrails) {
            this.guardrails = guardrails;
            return this;
        }

        /** Default: {@link VenueRules#polymarketMarketOrders()} ($1 minimum, 0.01-share steps). */
        public Builder venueRules(VenueRules rules) {
            this.venueRules = rules;
            return this;
        }

        /** Default: 137 (Polygon). Part of every signer's lock scope. */
        public Builder chainId(long chainId) {
            this.chainId = chainId;
            return this;
        }

        /** Default: {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Default: 10 minutes, at most {@link #MAX_IN_FLIGHT_TTL}. How long an in-flight record is leased before
         * the sweeper may reconcile it.
         */
        public Builder inFlightTtl(Duration ttl) {
            this.inFlightTtl = ttl;
            return this;
        }

        /** Default: 30 s. The longest wait for a signer's lock; then the record is FAILED, nothing sent. */
        public Builder lockTimeout(Duration timeout) {
            this.lockTimeout = timeout;
            return this;
        }

        /** Default: false. When true every path runs and is recorded (SKIPPED, DRY_RUN); nothing is sent. */
        public Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        /**
         * Default: false. The real-trading master switch: while false, every order for an adapter that
         * {@linkplain ChainAdapter#movesRealMoney() moves real money} is SKIPPED ({@code REAL_TRADING_DISABLED}).
         * Simulated adapters and dry runs are not affected. Always evaluated first.
         */
        public Builder realTrading(boolean enabled) {
            this.realTrading = enabled;
            return this;
        }

        public Builder listener(CopyTradeListener listener) {
            this.listeners.add(InvalidInputException.requireNonNull("listener", listener));
            return this;
        }

        /** Default: "copytrade-&lt;pid&gt;-&lt;random&gt;". The lease owner written on in-flight records. */
        public Builder instanceId(String instanceId) {
            this.instanceId = instanceId;
            return this;
        }

        /** Default: 8. How many signers {@link #executeAll} drives at once; 1 runs everything on the caller. */
        public Builder parallelism(int parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        public CopyTradeExecutor build() {
            InvalidInputException.requireNonNull("store", store);
            InvalidInputException.requireNonNull("chainAdapter", adapter);
            InvalidInputException.requireNonNull("guardrails", guardrails);
            InvalidInputException.requireNonNull("venueRules", venueRules);
            InvalidInputException.requireNonNull("clock", clock);
            InvalidInputException.requirePositive("inFlightTtl", inFlightTtl, MAX_IN_FLIGHT_TTL);
            InvalidInputException.requireNonNull("lockTimeout", lockTimeout);
            if (chainId <= 0) {
                throw new InvalidInputException("chainId", chainId, "must be positive");
            }
            if (lockTimeout.isNegative()) {
                throw new InvalidInputException("lockTimeout", lockTimeout, "must not be negative");
            }
            if (lockTimeout.compareTo(inFlightTtl) >= 0) {
                throw new InvalidInputException("lockTimeout", lockTimeout,
                        "must be shorter than inFlightTtl " + inFlightTtl + " (a waiting record must not go stale)");
            }
            if (parallelism < 1 || parallelism > 1024) {
                throw new InvalidInputException("parallelism", parallelism, "must be in 1..1024");
            }
            if (instanceId != null) {
                InvalidInputException.requirePrintable("instanceId", instanceId, 100);
            }
            if (groupCommitMaxBatch < 1 || groupCommitMaxBatch > 10_000) {
                throw new InvalidInputException("groupCommit.maxBatch", groupCommitMaxBatch, "must be in 1..10000");
            }
            InvalidInputException.requireNonNull("groupCommit.maxDelay", groupCommitMaxDelay);
            if (groupCommitMaxDelay.isNegative() || groupCommitMaxDelay.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new InvalidInputException("groupCommit.maxDelay", groupCommitMaxDelay, "must be in 0..1 s");
            }

            return new CopyTradeExecutor(this);
        }
    }
}
