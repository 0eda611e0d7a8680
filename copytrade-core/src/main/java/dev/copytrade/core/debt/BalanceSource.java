package dev.copytrade.core.debt;

import dev.copytrade.core.model.Address;

/**
 * How much a debtor can pay now, so the recovery loop attempts a repayment only when it can be covered
 * (an attempt doomed by an empty wallet would count as a failure and escalate a debt that only needs
 * time). Balances must be observed (an on-chain balance, an allowance), never computed. Thread-safe.
 */
@FunctionalInterface
public interface BalanceSource {

    /**
     * Base units of {@code asset} (upper-case) that {@code debtor} can pay now; zero when none.
     *
     * @throws RuntimeException when the balance cannot be read; the loop then waits (no failure counted)
     */
    long available(Address debtor, String asset);
}
