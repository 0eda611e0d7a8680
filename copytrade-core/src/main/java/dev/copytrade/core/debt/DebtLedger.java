package dev.copytrade.core.debt;

import dev.copytrade.core.model.Address;
import dev.copytrade.core.store.StoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Durable storage of debts and their history: money owed is never forgotten, and never repaid twice.
 *
 * <p>Every implementation passes {@code DebtLedgerContract} from core's test-jar. Methods throw
 * {@link StoreException} when the backing store cannot do the work (then a write may or may not have
 * been applied, and the caller must read before acting again); they never report success for a write
 * that is not durable. Every change of state appends a {@link DebtEvent} to the debt's history in the
 * same atomic step. Implementations are thread-safe and safe to share between processes when their
 * backing store is.
 *
 * <p>A {@code CopyTradeStore} that records debts together with a record's final state (see
 * {@code Transition.debts()}) writes them with the semantics of {@link #accrue}, in the same atomic step
 * as the record's compare-and-set.
 */
public interface DebtLedger {

    /**
     * Records the draft as an OPEN debt, due at {@code draft.createdAt()}, with an {@code ACCRUED} history
     * entry, unless a debt with its (record id, leg id) exists.
     *
     * <p>Atomic and idempotent per (record id, leg id): of any number of concurrent calls with the same
     * pair (in any number of processes sharing the ledger) exactly one returns {@code inserted = true};
     * all others return the debt as it now is with {@code inserted = false} and change nothing, even if
     * their other fields differ.
     */
    AccrueResult accrue(DebtDraft draft);

    /**
     * {@link #accrue} for many drafts, results in input order; two drafts for one (record id, leg id):
     * the first inserts. Implementations should write them in one atomic step (the default loops, so a
     * failure part-way leaves the earlier ones recorded: safe, since accrual is idempotent).
     */
    default List<AccrueResult> accrueAll(List<DebtDraft> drafts) {
        List<AccrueResult> out = new ArrayList<>(drafts.size());
        for (DebtDraft d : drafts) {
            out.add(accrue(d));
        }
        return out;
    }

    /**
     * Claims up to {@code limit} debts that are due at {@code now}: OPEN or REPAYING, with
     * {@code nextAttemptAt <= now} and no lease or a lease that ended at or before {@code now}; earliest
     * {@code nextAttemptAt} first, then lowest id. Each is leased to {@code owner} until
     * {@code leaseUntil} and its version incremented (no history entry: a claim changes no state).
     *
     * <p>Atomic per debt: concurrent callers (threads or processes) never receive the same debt while
     * the new lease holds; a debt with a live lease is never returned. On PostgreSQL this is a
     * {@code FOR UPDATE SKIP LOCKED} claim. Cost follows the number of due debts, not the table.
     *
     * @return the claimed debts as they now are (leased to {@code owner})
     */
    List<Debt> claimDue(Instant now, int limit, String owner, Instant leaseUntil);

    /**
     * Compare-and-set: applies {@code t} only if the debt {@code t.id()} is still at
     * {@code t.fromVersion()}, and appends its history entry in the same atomic step. Of two racing
     * transitions from the same version exactly one is applied; a claim in between (which increments the
     * version) makes a transition built before it lose. Applying replaces the debt's mutable state with
     * the transition's, sets {@code updatedAt = t.at()} and increments the version.
     *
     * @return whether it was applied, and the debt as it now is
     */
    DebtTransitionResult transition(DebtTransition t);

    Optional<Debt> findById(long id);

    /** The debt recorded for a record's leg, if any. */
    Optional<Debt> findByLeg(long recordId, String legId);

    /** Every debt a record left, by ascending id. */
    List<Debt> findByRecord(long recordId);

    /** Up to {@code limit} debts in {@code status} with an id greater than {@code afterId}, by ascending id (paging). */
    List<Debt> findByStatus(DebtStatus status, long afterId, int limit);

    /** The debt's history, oldest first (ascending version); empty for an unknown id. */
    List<DebtEvent> history(long debtId);

    /**
     * Base units of {@code asset} that {@code debtor} still owes: the sum over its OPEN, REPAYING and
     * ESCALATED debts in that asset (spelled as {@link Debt#normalizeAsset} does; a REPAYING debt counts until it is proven repaid). Zero when none.
     * Read by guardrails before the bot fronts new funds for that debtor.
     *
     * @throws ArithmeticException if the sum overflows a long (never for real balances)
     */
    long openAmountOwedBy(Address debtor, String asset);

    /** How many debts are in each state (every state present, zero included). */
    Map<DebtStatus, Long> countByStatus();
}
