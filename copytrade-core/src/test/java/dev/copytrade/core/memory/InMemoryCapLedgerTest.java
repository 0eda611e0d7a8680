package dev.copytrade.core.memory;

import dev.copytrade.core.cap.CapLedger;
import dev.copytrade.core.testkit.CapLedgerContract;

class InMemoryCapLedgerTest extends CapLedgerContract {
    // one ledger for every test, as a database would be, so the contract's tolerance of leftovers is exercised here too
    private static final InMemoryCapLedger LEDGER = new InMemoryCapLedger();

    @Override
    protected CapLedger ledger() {
        return LEDGER;
    }
}
