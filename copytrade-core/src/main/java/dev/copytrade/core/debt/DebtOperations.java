package dev.copytrade.core.debt;

import dev.copytrade.core.internal.DebtListeners;
import dev.copytrade.core.model.InvalidInputException;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator does with debts: list the open and escalated ones, read a debt's history, ask for a
 * repayment attempt now, write a debt off with a reason. Every change is a compare-and-set recorded in
 * the debt's history with the operator's name; a change that races a recovery loop either wins (the
 * loop's next write loses) or is re-decided on the debt as it now is. A debt being repaid (REPAYING)
 * can be neither retried nor written off: its repayment may have paid, and only reconciliation decides.
 * Thread-safe.
 */
public final class DebtOperations {
    private static final Logger log = LoggerFactory.getLogger(DebtOperations.class);
    // a claim moves the version on; a few re-reads absorb racing claims, more means something is wrong
    private static final int MAX_RACES = 10;

    private final DebtLedger ledger;
    private final Clock clock;
    private final DebtListener listeners;

    /** @param listeners told of every retry and write-off made here */
    public DebtOperations(DebtLedger ledger, Clock clock, List<DebtListener> listeners) {
        this.ledger = InvalidInputException.requireNonNull("ledger", ledger);
        this.clock = InvalidInputException.requireNonNull("clock", clock);
        this.listeners = new DebtListeners(List.copyOf(InvalidInputException.requireNonNull("listeners", listeners)));
    }

    /** Up to {@code limit} OPEN debts with an id above {@code afterId}, ascending (paging). */
    public List<Debt> open(long afterId, int limit) {
        return ledger.findByStatus(DebtStatus.OPEN, afterId, limit);
    }

    /** Up to {@code limit} ESCALATED debts with an id above {@code afterId}, ascending: the ones waiting for a human. */
    public List<Debt> escalated(long afterId, int limit) {
        return ledger.findByStatus(DebtStatus.ESCALATED, afterId, limit);
    }

    public List<DebtEvent> history(long debtId) {
        return ledger.history(debtId);
    }

    /**
     * Makes an OPEN or ESCALATED debt due now (its attempts are kept, so an escalated debt that fails
     * again is escalated again).
     *
     * @param actor who asks (recorded), 1..200 characters
     * @return the debt as it now is
     * @throws InvalidInputException if there is no such debt or {@code actor} is missing
     * @throws IllegalDebtTransitionException if the debt is REPAYING, REPAID or WRITTEN_OFF
     */
    public Debt retryNow(long debtId, String actor, String note) {
        InvalidInputException.requireNonNull("actor", actor);
        Debt d = change(debtId, current -> DebtTransition.retryRequested(current, clock.instant(), actor, note));
        log.info("debt {}: retry requested by {}", debtId, actor);
        listeners.onRetryRequested(d);
        return d;
    }

    /**
     * Writes an OPEN or ESCALATED debt off: it is no longer owed, and the reason and the operator are in
     * its history.
     *
     * @return the debt as it now is (WRITTEN_OFF)
     * @throws InvalidInputException if there is no such debt, or {@code actor} or {@code reason} is missing
     * @throws IllegalDebtTransitionException if the debt is REPAYING, REPAID or WRITTEN_OFF
     */
    public Debt writeOff(long debtId, String actor, String reason) {
        InvalidInputException.requireNonNull("actor", actor);
        InvalidInputException.requireNonNull("reason", reason);
        Debt d = change(debtId, current -> DebtTransition.writtenOff(current, clock.instant(), actor, reason));
        log.warn("debt {} written off by {}: {} {} owed by {} to {} ({})", debtId, actor, d.amount(), d.asset(),
                d.debtor(), d.creditor(), reason);
        listeners.onWrittenOff(d);
        return d;
    }

    /** Builds the change from the debt as it is and applies it; re-reads and re-decides when a claim raced it. */
    private Debt change(long debtId, Function<Debt, DebtTransition> change) {
        for (int race = 0; race < MAX_RACES; race++) {
            Debt current = ledger.findById(debtId)
                    .orElseThrow(() -> new InvalidInputException("debtId", debtId, "no such debt"));
            DebtTransitionResult r = ledger.transition(change.apply(current));
            if (r.applied()) {
                return r.current();
            }
        }
        throw new IllegalStateException("debt " + debtId + " kept changing under " + MAX_RACES + " attempts; try again");
    }
}
