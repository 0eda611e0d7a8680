package dev.copytrade.core.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copytrade.core.debt.DebtLedger;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.record.Transition;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.store.StoreException;
import dev.copytrade.core.testkit.CopyTradeStoreContract;
import dev.copytrade.core.testkit.Debts;
import dev.copytrade.core.testkit.Records;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class InMemoryCopyTradeStoreTest extends CopyTradeStoreContract {
    // one store for every test, as a database would be, so the contract's tolerance of leftovers is exercised here too
    private static final InMemoryDebtLedger LEDGER = new InMemoryDebtLedger();
    private static final InMemoryCopyTradeStore STORE = new InMemoryCopyTradeStore(LEDGER);

    @Override
    protected CopyTradeStore store() {
        return STORE;
    }

    @Override
    protected DebtLedger debtLedger() {
        return LEDGER;
    }

    @Test
    @DisplayName("a store without a debt ledger refuses a transition carrying debts and applies nothing")
    void storeWithoutLedgerRefusesDebts() {
        InMemoryCopyTradeStore plain = new InMemoryCopyTradeStore();
        CopyTradeRecord pending = plain.prewrite(Records.pending(Records.T0.plusSeconds(300))).record();
        Transition t = Transition.executed(pending.id(), RecordStatus.PENDING, Records.T0.plusSeconds(1),
                Records.fill(), Map.of()).withDebts(List.of(Debts.draft(pending.id(), "reimburse",
                        Debts.freshWallet(), Debts.AMOUNT, Records.T0)));

        assertThatThrownBy(() -> plain.transition(t)).isInstanceOf(StoreException.class)
                .hasMessageContaining("no debt ledger");

        assertThat(plain.findById(pending.id())).contains(pending);
        assertThat(plain.transition(Transition.executed(pending.id(), RecordStatus.PENDING, Records.T0.plusSeconds(2),
                Records.fill(), Map.of())).applied()).isTrue();
    }
}
