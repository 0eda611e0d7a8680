package dev.copytrade.core.memory;

import dev.copytrade.core.debt.DebtLedger;
import dev.copytrade.core.testkit.DebtLedgerContract;

class InMemoryDebtLedgerTest extends DebtLedgerContract {
    // one ledger for every test, as a database would be, so the contract's tolerance of leftovers is exercised here too
    private static final InMemoryDebtLedger LEDGER = new InMemoryDebtLedger();

    @Override
    protected DebtLedger ledger() {
        return LEDGER;
    }
}
