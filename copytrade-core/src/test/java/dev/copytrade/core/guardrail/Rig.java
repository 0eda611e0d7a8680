package dev.copytrade.core.guardrail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.executor.CopyTradeListener;
import dev.copytrade.core.executor.Fixtures;
import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.policy.VenueRules;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.time.SettableClock;
import java.util.List;

/**
 * An executor over an in-memory store and the simulated venue, on a settable clock: how the guardrail
 * tests run trades end to end. Plus the few context and decision helpers they share.
 */
final class Rig implements AutoCloseable {
    final SettableClock clock;
    final InMemoryCopyTradeStore store = new InMemoryCopyTradeStore();
    final SimulatedChainAdapter venue = new SimulatedChainAdapter();
    final CopyTradeExecutor executor;

    Rig(SettableClock clock, List<? extends Guardrail> guardrails, CopyTradeListener... listeners) {
        this.clock = clock;
        CopyTradeExecutor.Builder b = CopyTradeExecutor.builder().store(store).chainAdapter(venue).clock(clock)
                .guardrails(GuardrailChain.of(guardrails)).instanceId("guardrail-test").parallelism(1);
        for (CopyTradeListener l : listeners) {
            b.listener(l);
        }
        this.executor = b.build();
    }

    CopyResult copy(LeaderTrade trade, Follower follower) {
        return executor.execute(trade, follower);
    }

    @Override
    public void close() {
        executor.close();
    }

    static GuardrailContext context(SettableClock clock, LeaderTrade trade, Follower follower,
            GuardrailContext.Phase phase) {
        return new GuardrailContext(clock.instant(), trade, follower, phase, false, false,
                VenueRules.polymarketMarketOrders());
    }

    static GuardrailContext preTrade(LeaderTrade trade) {
        return new GuardrailContext(Fixtures.T0, trade, Fixtures.follower(1), GuardrailContext.Phase.PRE_TRADE, false,
                false, VenueRules.polymarketMarketOrders());
    }

    static Decision.Skip skip(Decision d) {
        assertThat(d).isInstanceOf(Decision.Skip.class);
        return (Decision.Skip) d;
    }
}
