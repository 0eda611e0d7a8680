package dev.copytrade.core.memory;

import dev.copytrade.core.debt.AccrueResult;
import dev.copytrade.core.debt.Debt;
import dev.copytrade.core.debt.DebtDraft;
import dev.copytrade.core.debt.DebtEvent;
import dev.copytrade.core.debt.DebtLedger;
import dev.copytrade.core.debt.DebtStatus;
import dev.copytrade.core.debt.DebtTransition;
import dev.copytrade.core.debt.DebtTransitionResult;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.InvalidInputException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A thread-safe {@link DebtLedger} in memory: exact compare-and-set and claim semantics within one JVM,
 * nothing durable across restarts (a restart forgets what is owed: use the JDBI ledger in production).
 * Give it to {@link InMemoryCopyTradeStore} so a record's final state and its debts are written in one
 * step. Writes take one lock (debts are few next to records); reads do not.
 */
public final class InMemoryDebtLedger implements DebtLedger {
    private record LegKey(long recordId, String legId) {}

    private final Object lock = new Object();
    private long lastId;
    private final ConcurrentHashMap<Long, Debt> byId = new ConcurrentHashMap<>();
    private final Map<LegKey, Long> byLeg = new HashMap<>();
    private final Map<Long, List<DebtEvent>> history = new HashMap<>();
    // OPEN and REPAYING ids only, so a claim costs what may be due, not the whole history
    private final Set<Long> claimable = ConcurrentHashMap.newKeySet();

    @Override
    public AccrueResult accrue(DebtDraft draft) {
        InvalidInputException.requireNonNull("draft", draft);
        synchronized (lock) {
            return accrueLocked(draft);
        }
    }

    /** All drafts in one step under the lock: nothing else sees some of them recorded and not the others. */
    @Override
    public List<AccrueResult> accrueAll(List<DebtDraft> drafts) {
        InvalidInputException.requireNonNull("drafts", drafts);
        for (int i = 0; i < drafts.size(); i++) {
            InvalidInputException.requireNonNull("drafts[" + i + "]", drafts.get(i));
        }
        synchronized (lock) {
            List<AccrueResult> out = new ArrayList<>(drafts.size());
            for (DebtDraft d : drafts) {
                out.add(accrueLocked(d));
            }
            return out;
        }
    }

    private AccrueResult accrueLocked(DebtDraft draft) {
        LegKey key = new LegKey(draft.recordId(), draft.legId());
        Long existing = byLeg.get(key);
        if (existing != null) {
            return new AccrueResult(byId.get(existing), false);
        }
        Debt debt = draft.toDebt(++lastId);
        byId.put(debt.id(), debt);
        byLeg.put(key, debt.id());
        List<DebtEvent> events = new ArrayList<>(4);
        events.add(DebtEvent.accrued(debt));
        history.put(debt.id(), events);
        claimable.add(debt.id());
        return new AccrueResult(debt, true);
    }

    @Override
    public List<Debt> claimDue(Instant now, int limit, String owner, Instant leaseUntil) {
        InvalidInputException.requireNonNull("now", now);
        InvalidInputException.requireNonNull("owner", owner);
        InvalidInputException.requireNonNull("leaseUntil", leaseUntil);
        if (limit <= 0) {
            return List.of();
        }
        synchronized (lock) {
            List<Debt> due = new ArrayList<>();
            for (Long id : claimable) {
                Debt d = byId.get(id);
                if (d.isDue(now)) {
                    due.add(d);
                }
            }
            due.sort(Comparator.comparing(Debt::nextAttemptAt).thenComparingLong(Debt::id));
            List<Debt> claimed = new ArrayList<>(Math.min(limit, due.size()));
            for (Debt d : due.subList(0, Math.min(limit, due.size()))) {
                Debt leased = d.claimed(owner, leaseUntil);
                byId.put(leased.id(), leased);
                claimed.add(leased);
            }
            return claimed;
        }
    }

    @Override
    public DebtTransitionResult transition(DebtTransition t) {
        InvalidInputException.requireNonNull("transition", t);
        synchronized (lock) {
            Debt current = byId.get(t.id());
            if (current == null || current.version() != t.fromVersion()) {
                return new DebtTransitionResult(t, false, current);
            }
            Debt next = current.apply(t);
            byId.put(next.id(), next);
            history.get(next.id()).add(DebtEvent.of(t, next));
            if (!next.status().isClaimable()) {
                claimable.remove(next.id());
            } else {
                claimable.add(next.id());
            }
            return new DebtTransitionResult(t, true, next);
        }
    }

    @Override
    public Optional<Debt> findById(long id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public Optional<Debt> findByLeg(long recordId, String legId) {
        synchronized (lock) {
            Long id = byLeg.get(new LegKey(recordId, legId));
            return id == null ? Optional.empty() : Optional.of(byId.get(id));
        }
    }

    @Override
    public List<Debt> findByRecord(long recordId) {
        return byId.values().stream().filter(d -> d.recordId() == recordId)
                .sorted(Comparator.comparingLong(Debt::id)).toList();
    }

    @Override
    public List<Debt> findByStatus(DebtStatus status, long afterId, int limit) {
        InvalidInputException.requireNonNull("status", status);
        return byId.values().stream().filter(d -> d.status() == status && d.id() > afterId)
                .sorted(Comparator.comparingLong(Debt::id)).limit(Math.max(0, limit)).toList();
    }

    @Override
    public List<DebtEvent> history(long debtId) {
        synchronized (lock) {
            List<DebtEvent> events = history.get(debtId);
            return events == null ? List.of() : List.copyOf(events);
        }
    }

    @Override
    public long openAmountOwedBy(Address debtor, String asset) {
        InvalidInputException.requireNonNull("debtor", debtor);
        String a = Debt.normalizeAsset(asset);
        long sum = 0;
        for (Debt d : byId.values()) {
            if (d.status().isOutstanding() && d.debtor().equals(debtor) && d.asset().equals(a)) {
                sum = Math.addExact(sum, d.amount());
            }
        }
        return sum;
    }

    @Override
    public Map<DebtStatus, Long> countByStatus() {
        Map<DebtStatus, Long> counts = new EnumMap<>(DebtStatus.class);
        for (DebtStatus s : DebtStatus.values()) {
            counts.put(s, 0L);
        }
        for (Debt d : byId.values()) {
            counts.merge(d.status(), 1L, Long::sum);
        }
        return counts;
    }

    /** Every debt, by ascending id; for tests and the examples' summaries. */
    public List<Debt> all() {
        return byId.values().stream().sorted(Comparator.comparingLong(Debt::id)).toList();
    }
}
