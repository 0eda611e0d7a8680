package dev.copytrade.core.store;

import dev.copytrade.core.model.IdempotencyKey;
import dev.copytrade.core.internal.StoreChecks;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.RecordDraft;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.record.Transition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Durable storage of copy-trade records: the guarantees of the library live here.
 *
 * <p>Every implementation passes {@code CopyTradeStoreContract} from core's test-jar. Methods throw
 * {@link StoreException} when the backing store cannot do the work; they never report success for a
 * write that is not durable. Implementations are thread-safe.
 */
public interface CopyTradeStore {

    /**
     * Inserts the draft unless a record with its idempotency key exists.
     *
     * <p>Atomic and idempotent per key: of any number of concurrent calls with the same key (in any
     * number of processes sharing the store) exactly one returns {@code inserted = true}; all others
     * return the same record with {@code inserted = false}. When this returns, the record is durable.
     *
     * @throws StoreException if the record cannot be written; then nothing may be sent for it
     */
    PrewriteResult prewrite(RecordDraft draft);

    /**
     * {@link #prewrite} for many drafts in as few round trips as the store allows, with the same
     * per-record semantics; results are in input order. Two drafts with one key in the same batch: the
     * first inserts, the second gets {@code inserted = false}.
     *
     * <p>On {@link StoreException} some drafts may have been written; none was reported inserted, so
     * none was reported sent, and the sweeper resolves what is left PENDING by asking the venue. The
     * default loops over {@code prewrite}.
     */
    default List<PrewriteResult> prewriteAll(List<RecordDraft> drafts) {
        List<PrewriteResult> out = new ArrayList<>(drafts.size());
        for (RecordDraft d : drafts) {
            out.add(prewrite(d));
        }
        return out;
    }

    /**
     * Compare-and-set: applies {@code t} only if the record {@code t.id()} is in {@code t.from()}.
     * Atomic; of two racing transitions from the same state exactly one is applied. Applying sets the
     * status, {@code updatedAt = t.at()}, increments the version, merges detail, overwrites the
     * non-null fields of {@code t}, and clears the lease when the new state is not in flight.
     *
     * <p>Debts: when {@code t.debts()} is not empty, the store records them in its debt ledger in the
     * same atomic step, so an executed trade and the debt it left are never separated by a crash: if the
     * compare-and-set is applied every debt is recorded (as {@code DebtLedger.accrue} would, OPEN with an
     * ACCRUED history entry), if it is not applied none is, and a debt whose (record id, leg id) is
     * already recorded is not recorded again. A store that has no debt ledger must refuse such a
     * transition with {@link StoreException} (nothing applied) rather than drop the debts.
     *
     * @return whether it was applied, and the record as it now is
     * @throws StoreException if the store cannot answer; the transition (and its debts) may or may not have
     *     been applied, together
     */
    TransitionResult transition(Transition t);

    /**
     * {@link #transition(Transition)} for a caller that holds the record as it last saw it: same
     * semantics and result. A store may use {@code current} to skip reading the row back when it can
     * prove the row is what {@code current.apply(t)} says (the version moved by exactly one); otherwise
     * it must read it. The default ignores {@code current}.
     */
    default TransitionResult transition(CopyTradeRecord current, Transition t) {
        return transition(t);
    }

    /**
     * {@link #transition} for many records in as few round trips as the store allows, with the same
     * per-record semantics (each transition and its debts atomic together, debts recorded only for
     * applied transitions); results in input order. Transitions of one record apply in input order, as
     * one at a time would. On {@link StoreException} some may have been applied, as with {@code transition}.
     * The default loops over {@code transition}.
     */
    default List<TransitionResult> transitionAll(List<Transition> transitions) {
        List<TransitionResult> out = new ArrayList<>(transitions.size());
        for (Transition t : transitions) {
            out.add(transition(t));
        }
        return out;
    }

    /**
     * {@link #transitionAll(List)} for a caller that holds each record as it last saw it:
     * {@code current.get(i)} is the copy of {@code transitions.get(i)}'s record (or null). Same semantics
     * and results; a store may use the copies as {@link #transition(CopyTradeRecord, Transition)} does, to
     * skip reading rows back. The group commit of the executor's finalizes calls this. The default
     * ignores the copies (but for a single transition, which goes to {@code transition(current, t)}).
     *
     * @throws dev.copytrade.core.model.InvalidInputException if the two lists differ in size
     */
    default List<TransitionResult> transitionAll(List<CopyTradeRecord> current, List<Transition> transitions) {
        StoreChecks.requireSameSize(current, transitions);
        if (transitions.size() == 1) {
            return List.of(transition(current.get(0), transitions.get(0)));
        }
        return transitionAll(transitions);
    }

    /**
     * Extends the lease of an in-flight record to {@code until}, only if it is still in {@code expected}
     * and still leased by {@code owner}. Atomic.
     *
     * @return false if the record moved on or another owner holds it (the caller must then stop)
     */
    boolean renewLease(long id, RecordStatus expected, String owner, Instant until);

    /**
     * Claims up to {@code limit} in-flight records (PENDING, SUBMITTED) whose lease ended at or before
     * {@code now}, oldest lease first, leasing each to {@code owner} until {@code leaseUntil}. Atomic per
     * record: concurrent callers never receive the same record while the new lease holds. Records with
     * a live lease are never returned. Cost grows with the number of stale records, not the table.
     */
    List<CopyTradeRecord> claimStale(Instant now, int limit, String owner, Instant leaseUntil);

    Optional<CopyTradeRecord> findById(long id);

    Optional<CopyTradeRecord> findByKey(IdempotencyKey key);

    /** Up to {@code limit} records in {@code status}, by ascending id. */
    default List<CopyTradeRecord> findByStatus(RecordStatus status, int limit) {
        return findByStatus(status, 0, limit);
    }

    /** Up to {@code limit} records in {@code status} with an id greater than {@code afterId}, by ascending id (paging). */
    List<CopyTradeRecord> findByStatus(RecordStatus status, long afterId, int limit);

    /** How many records are in each state (every state present, zero included). */
    Map<RecordStatus, Long> countByStatus();
}
