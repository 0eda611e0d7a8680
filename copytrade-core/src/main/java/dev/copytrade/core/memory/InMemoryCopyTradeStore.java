package dev.copytrade.core.memory;

import dev.copytrade.core.model.IdempotencyKey;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.RecordDraft;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.record.Transition;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.store.PrewriteResult;
import dev.copytrade.core.store.StoreException;
import dev.copytrade.core.store.TransitionResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A thread-safe {@link CopyTradeStore} in memory: exact compare-and-set semantics within one JVM,
 * nothing durable across restarts. For tests, examples and single-process bots that accept losing
 * their history on restart (they would then re-copy replayed trades: use the JDBI store in production).
 *
 * <p>Built with an {@link InMemoryDebtLedger}, it records the debts a transition carries in the same step
 * as the transition (both or neither); built without one, it refuses a transition that carries debts.
 */
public final class InMemoryCopyTradeStore implements CopyTradeStore {
    private final InMemoryDebtLedger debts;
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentHashMap<Long, CopyTradeRecord> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<IdempotencyKey, Long> byKey = new ConcurrentHashMap<>();
    // only the in-flight ids, so a sweep costs what is in flight, not the whole history
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();

    /** A store without a debt ledger: a transition carrying debts is refused ({@link StoreException}). */
    public InMemoryCopyTradeStore() {
        this.debts = null;
    }

    /** A store that records the debts a transition carries in {@code debts}, atomically with the transition. */
    public InMemoryCopyTradeStore(InMemoryDebtLedger debts) {
        this.debts = InvalidInputException.requireNonNull("debtLedger", debts);
    }

    @Override
    public PrewriteResult prewrite(RecordDraft draft) {
        CopyTradeRecord[] created = new CopyTradeRecord[1];
        Long id = byKey.computeIfAbsent(draft.key(), k -> {
            // boxed once and shared by both maps and the in-flight set: one Long per record, not three
            Long newId = ids.incrementAndGet();
            CopyTradeRecord r = draft.toRecord(newId);
            byId.put(newId, r);
            if (r.status().isInFlight()) {
                inFlight.add(newId);
            }
            created[0] = r;
            return newId;
        });
        if (created[0] != null) {
            return new PrewriteResult(created[0], true);
        }
        return new PrewriteResult(byId.get(id), false);
    }

    @Override
    public TransitionResult transition(Transition t) {
        boolean[] applied = {false};
        Long key = t.id(); // boxed once for the map and the in-flight set
        CopyTradeRecord current = byId.computeIfPresent(key, (id, r) -> {
            if (r.status() != t.from()) {
                return r;
            }
            CopyTradeRecord next = r.apply(t);
            if (!t.debts().isEmpty()) {
                // inside the record's compute: a racing transition of this record waits, and if the
                // ledger refused, the record is left as it was
                if (debts == null) {
                    throw new StoreException("record " + t.id() + ": the transition carries " + t.debts().size()
                            + " debts and this store has no debt ledger; nothing was applied");
                }
                debts.accrueAll(t.debts());
            }
            applied[0] = true;
            return next;
        });
        if (applied[0] && !current.status().isInFlight()) {
            inFlight.remove(key);
        }
        return new TransitionResult(t, applied[0], current);
    }

    @Override
    public boolean renewLease(long id, RecordStatus expected, String owner, Instant until) {
        boolean[] renewed = {false};
        byId.computeIfPresent(id, (k, r) -> {
            if (r.status() != expected || !r.status().isInFlight() || !owner.equals(r.leaseOwner())) {
                return r;
            }
            renewed[0] = true;
            return r.withLease(owner, until);
        });
        return renewed[0];
    }

    @Override
    public List<CopyTradeRecord> claimStale(Instant now, int limit, String owner, Instant leaseUntil) {
        if (limit <= 0) {
            return List.of();
        }
        List<CopyTradeRecord> candidates = new ArrayList<>();
        for (Long id : inFlight) {
            CopyTradeRecord r = byId.get(id);
            if (r != null && r.isStale(now)) {
                candidates.add(r);
            }
        }
        candidates.sort(Comparator.comparing(CopyTradeRecord::leaseUntil).thenComparingLong(CopyTradeRecord::id));
        List<CopyTradeRecord> claimed = new ArrayList<>(Math.min(limit, candidates.size()));
        for (CopyTradeRecord c : candidates) {
            if (claimed.size() == limit) {
                break;
            }
            CopyTradeRecord[] won = new CopyTradeRecord[1];
            byId.computeIfPresent(c.id(), (k, r) -> {
                if (!r.isStale(now)) {
                    return r;
                }
                won[0] = r.withLease(owner, leaseUntil);
                return won[0];
            });
            if (won[0] != null) {
                claimed.add(won[0]);
            }
        }
        return claimed;
    }

    @Override
    public Optional<CopyTradeRecord> findById(long id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public Optional<CopyTradeRecord> findByKey(IdempotencyKey key) {
        Long id = byKey.get(key);
        return id == null ? Optional.empty() : Optional.ofNullable(byId.get(id));
    }

    @Override
    public List<CopyTradeRecord> findByStatus(RecordStatus status, long afterId, int limit) {
        return byId.values().stream()
                .filter(r -> r.status() == status && r.id() > afterId)
                .sorted(Comparator.comparingLong(CopyTradeRecord::id))
                .limit(Math.max(0, limit))
                .toList();
    }

    @Override
    public Map<RecordStatus, Long> countByStatus() {
        Map<RecordStatus, Long> counts = new EnumMap<>(RecordStatus.class);
        for (RecordStatus s : RecordStatus.values()) {
            counts.put(s, 0L);
        }
        for (CopyTradeRecord r : byId.values()) {
            counts.merge(r.status(), 1L, Long::sum);
        }
        return counts;
    }

    /** Every record, by ascending id; for tests and the examples' summaries. */
    public List<CopyTradeRecord> all() {
        return byId.values().stream().sorted(Comparator.comparingLong(CopyTradeRecord::id)).toList();
    }
}
