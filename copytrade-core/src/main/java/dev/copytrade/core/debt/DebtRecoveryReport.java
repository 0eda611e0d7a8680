package dev.copytrade.core.debt;

import java.time.Duration;

/**
 * What one {@link DebtRecoveryLoop#runOnce()} did.
 *
 * @param claimed debts claimed (due OPEN ones and lapsed REPAYING ones)
 * @param repayments calls made to the settler's {@code repay} (a batch is one)
 * @param repaid debts now REPAID (paid now, or reconciled as paid)
 * @param failed attempts proven failed; those debts are OPEN again, due after a backoff
 * @param escalated debts ESCALATED after their last allowed attempt failed
 * @param deferred debts not attempted because the debtor could not cover them (no attempt counted)
 * @param unresolved debts whose repayment outcome is still unknown (looked up again later)
 * @param lost writes that lost their compare-and-set (an operator or another loop got there first)
 * @param errors ledger or balance failures; those debts are retried when their claim runs out
 * @param took wall time of the run
 */
public record DebtRecoveryReport(int claimed, int repayments, int repaid, int failed, int escalated, int deferred,
        int unresolved, int lost, int errors, Duration took) {}
