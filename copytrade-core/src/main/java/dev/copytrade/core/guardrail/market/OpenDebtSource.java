package dev.copytrade.core.guardrail.market;

import dev.copytrade.core.model.Address;

/**
 * How much a wallet still owes, for {@link dev.copytrade.core.guardrail.OpenDebtLimit}. A
 * {@code DebtLedger} is one ({@code ledger::openAmountOwedBy}); a host may put a short cache in front
 * of it. Must be thread-safe.
 */
@FunctionalInterface
public interface OpenDebtSource {

    /**
     * Base units of {@code asset} that {@code debtor} owes in open (OPEN, REPAYING or ESCALATED) debts;
     * zero when none.
     *
     * @throws RuntimeException when it cannot be read; the chain then skips the order with
     *     {@code GUARDRAIL_ERROR} (fail closed)
     */
    long openAmountOwedBy(Address debtor, String asset);
}
