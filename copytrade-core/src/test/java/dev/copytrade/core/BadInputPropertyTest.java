package dev.copytrade.core;

import dev.copytrade.core.cap.CapLedger;
import dev.copytrade.core.memory.InMemoryCapLedger;
import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.testkit.BadInputContract;

/** Bad input at the door, on the in-memory store and ledger (the PostgreSQL and H2 runs are in copytrade-jdbi). */
class BadInputPropertyTest extends BadInputContract {
    private final CopyTradeStore store = new InMemoryCopyTradeStore();
    private final CapLedger ledger = new InMemoryCapLedger();

    @Override
    protected CopyTradeStore store() {
        return store;
    }

    @Override
    protected CapLedger capLedger() {
        return ledger;
    }
}
