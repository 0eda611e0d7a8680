package dev.copytrade.core.memory;

import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.testkit.CopyTradeStoreContract;

class InMemoryCopyTradeStoreTest extends CopyTradeStoreContract {
    // one store for every test, as a database would be, so the contract's tolerance of leftovers is exercised here too
    private static final InMemoryCopyTradeStore STORE = new InMemoryCopyTradeStore();

    @Override
    protected CopyTradeStore store() {
        return STORE;
    }
}
