package dev.copytrade.core.executor;

import static dev.copytrade.core.executor.Fixtures.follower;
import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.chain.ChainAdapter;
import dev.copytrade.core.chain.LookupResult;
import dev.copytrade.core.chain.OrderLookup;
import dev.copytrade.core.chain.PreparedOrder;
import dev.copytrade.core.chain.SettlementLeg;
import dev.copytrade.core.chain.SubmitResult;
import dev.copytrade.core.debt.Debt;
import dev.copytrade.core.debt.DebtRecoveryLoop;
import dev.copytrade.core.debt.DebtStatus;
import dev.copytrade.core.executor.CopyResult.Outcome;
import dev.copytrade.core.guardrail.GuardrailChain;
import dev.copytrade.core.guardrail.OpenDebtLimit;
import dev.copytrade.core.internal.SettlementDebts;
import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.memory.InMemoryDebtLedger;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.sim.SimulatedChainAdapter.Behavior;
import dev.copytrade.core.sim.SimulatedDebtSettler;
import dev.copytrade.core.sweep.StaleSweeper;
import dev.copytrade.core.sweep.SweepReport;
import dev.copytrade.core.testkit.Debts;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Settlement legs through the executor and the sweeper: a failed leg is a debt written with the final state. */
class ExecutorDebtTest {
    private final SettableClock clock = new SettableClock(Fixtures.T0);
    private final InMemoryDebtLedger ledger = new InMemoryDebtLedger();
    private final InMemoryCopyTradeStore store = new InMemoryCopyTradeStore(ledger);
    private final SimulatedChainAdapter venue = new SimulatedChainAdapter(clock, Duration.ZERO);
    private final RecordingListener listener = new RecordingListener();
    // followers whose proxy's reimbursement reverts
    private final Set<String> brokeProxies = ConcurrentHashMap.newKeySet();
    private final List<CopyTradeExecutor> executors = new ArrayList<>();

    ExecutorDebtTest() {
        venue.floatAndReimburse(Debts.BOT, r -> brokeProxies.contains(r.wallet().value()));
    }

    @AfterEach
    void tearDown() {
        executors.forEach(CopyTradeExecutor::close);
    }

    private CopyTradeExecutor executor(UnaryOperator<CopyTradeExecutor.Builder> config) {
        CopyTradeExecutor e = config.apply(CopyTradeExecutor.builder().store(store).chainAdapter(venue).clock(clock)
                .inFlightTtl(Duration.ofMinutes(10)).lockTimeout(Duration.ofSeconds(1)).instanceId("debt-test")
                .listener(listener)).build();
        executors.add(e);
        return e;
    }

    private Follower broke(int n) {
        Follower f = follower(n);
        brokeProxies.add(f.wallet().value());
        return f;
    }

    @Test
    @DisplayName("Scenario: A reimbursement leg that fails leaves an EXECUTED record and one OPEN debt")
    void failedReimbursementLeavesExecutedRecordAndOneDebt() {
        CopyTradeExecutor ex = executor(b -> b);
        Follower f = broke(1);
        LeaderTrade trade = Fixtures.trade();

        CopyResult result = ex.execute(trade, f);

        assertThat(result.outcome()).isEqualTo(Outcome.EXECUTED);
        CopyTradeRecord executed = result.record();
        assertThat(executed.status()).isEqualTo(RecordStatus.EXECUTED);
        assertThat(executed.detail()).containsEntry(SettlementDebts.DETAIL_KEY, SimulatedChainAdapter.REIMBURSE_LEG);
        Debt debt = ledger.findByRecord(executed.id()).get(0);
        assertThat(ledger.findByRecord(executed.id())).hasSize(1);
        assertThat(debt.status()).isEqualTo(DebtStatus.OPEN);
        assertThat(debt.legId()).isEqualTo(SimulatedChainAdapter.REIMBURSE_LEG);
        assertThat(debt.debtor()).isEqualTo(f.wallet());
        assertThat(debt.creditor()).isEqualTo(Debts.BOT);
        assertThat(debt.asset()).isEqualTo("USDC");
        assertThat(debt.amount()).as("the fronted notional").isEqualTo(executed.fill().notional().micros());
        assertThat(debt.reason()).contains("reimburse").contains("reverted");
        assertThat(debt.nextAttemptAt()).isEqualTo(clock.instant());
        assertThat(listener.events).containsExactly("submitted:" + f.id(), "executed:" + f.id(), "debts1:" + f.id());

        CopyResult again = ex.execute(trade, f);

        assertThat(again.outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(ledger.all()).as("delivered twice: still one debt").containsExactly(debt);
        assertThat(venue.receivedCount()).isEqualTo(1);
    }

    @Test
    @DisplayName("a fan-out whose final writes are group-committed records each failed leg's debt and tells of it once")
    void fanOutWithGroupCommitRecordsEveryDebt() {
        CopyTradeExecutor ex = executor(b -> b.parallelism(4));
        List<Follower> followers = new ArrayList<>();
        for (int n = 1; n <= 12; n++) {
            // distinct signers, so the fan-out runs on the worker pool and its finals are queued
            followers.add(n % 3 == 0 ? follower(n) : broke(n));
        }

        List<CopyResult> results = ex.executeAll(Fixtures.trade(), followers);

        assertThat(results).extracting(CopyResult::outcome).containsOnly(Outcome.EXECUTED);
        for (int i = 0; i < followers.size(); i++) {
            boolean owes = brokeProxies.contains(followers.get(i).wallet().value());
            assertThat(ledger.findByRecord(results.get(i).record().id())).as("follower %d", i + 1)
                    .hasSize(owes ? 1 : 0);
        }
        assertThat(ledger.all()).hasSize(8);
        assertThat(listener.events.stream().filter(e -> e.startsWith("debts1:"))).hasSize(8);
    }

    @Test
    @DisplayName("a settled reimbursement leaves no debt, and a SELL runs no reimbursement")
    void settledLegLeavesNoDebt() {
        CopyTradeExecutor ex = executor(b -> b);
        Follower solvent = follower(2);

        CopyResult bought = ex.execute(Fixtures.trade(), solvent);
        CopyResult sold = ex.execute(Fixtures.trade("SELL", "0.50", "100"), broke(3));

        assertThat(bought.outcome()).isEqualTo(Outcome.EXECUTED);
        assertThat(sold.outcome()).isEqualTo(Outcome.EXECUTED);
        assertThat(venue.receivedOrders().get(0).legs()).singleElement()
                .satisfies(leg -> assertThat(leg.settled()).isTrue());
        assertThat(ledger.all()).isEmpty();
        assertThat(bought.record().detail()).doesNotContainKey(SettlementDebts.DETAIL_KEY);
    }

    @Test
    @DisplayName("Scenario: A rejected order whose pulled funds were not refunded leaves a FAILED record and a debt")
    void rejectedOrderWithFailedRefundLeavesFailedRecordAndDebt() {
        Follower f = follower(4);
        ChainAdapter pullFirst = new ChainAdapter() {
            @Override
            public String venue() {
                return "pull-first";
            }

            @Override
            public boolean movesRealMoney() {
                return false;
            }

            @Override
            public SubmitResult submit(PreparedOrder order) {
                // the bot pulled 5 USDC from the proxy, the order was rejected, and the refund failed
                return new SubmitResult.Rejected("market closed", List.of(
                        SettlementLeg.settled("pull", order.request().wallet(), Debts.BOT, "USDC", 5_000_000),
                        SettlementLeg.failed("refund", Debts.BOT, order.request().wallet(), "USDC", 5_000_000,
                                "operator out of gas")));
            }

            @Override
            public LookupResult lookup(OrderLookup lookup) {
                return new LookupResult.Unknown("not needed");
            }
        };
        CopyTradeExecutor ex = executor(b -> b.chainAdapter(pullFirst));

        CopyResult result = ex.execute(Fixtures.trade(), f);

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.record().reason()).isEqualTo(ReasonCode.VENUE_REJECTED);
        assertThat(ledger.findByRecord(result.record().id())).singleElement().satisfies(d -> {
            assertThat(d.legId()).isEqualTo("refund");
            assertThat(d.debtor()).as("the bot owes the proxy its money back").isEqualTo(Debts.BOT);
            assertThat(d.creditor()).isEqualTo(f.wallet());
            assertThat(d.amount()).isEqualTo(5_000_000);
        });
        assertThat(listener.events).contains("failed:" + f.id(), "debts1:" + f.id());
    }

    @Test
    @DisplayName("a store that cannot record the debt leaves the record in flight, never EXECUTED without it")
    void storeWithoutLedgerNeverExecutesWithoutTheDebt() {
        InMemoryCopyTradeStore noLedger = new InMemoryCopyTradeStore();
        CopyTradeExecutor ex = executor(b -> b.store(noLedger));

        CopyResult result = ex.execute(Fixtures.trade(), broke(5));

        assertThat(result.outcome()).isEqualTo(Outcome.IN_FLIGHT);
        assertThat(noLedger.findById(result.record().id()).orElseThrow().status()).isEqualTo(RecordStatus.PENDING);
        assertThat(venue.receivedCount()).isEqualTo(1);
    }

    @Test
    @DisplayName("Scenario: A swept execution records the debt its lookup reports")
    void sweptExecutionRecordsTheDebt() {
        venue.enqueue(Behavior.timeoutAfterReceive());
        CopyTradeExecutor ex = executor(b -> b);
        Follower f = broke(6);
        LeaderTrade trade = Fixtures.trade();
        CopyResult inFlight = ex.execute(trade, f);
        assertThat(inFlight.outcome()).isEqualTo(Outcome.IN_FLIGHT);
        assertThat(ledger.all()).as("nothing is known yet, so nothing is owed yet").isEmpty();

        clock.advance(Duration.ofMinutes(10));
        StaleSweeper sweeper = StaleSweeper.builder(store, venue).clock(clock).listener(listener).build();
        SweepReport report = sweeper.runOnce();

        assertThat(report.executed()).isEqualTo(1);
        CopyTradeRecord executed = store.findById(inFlight.record().id()).orElseThrow();
        assertThat(executed.status()).isEqualTo(RecordStatus.EXECUTED);
        assertThat(ledger.findByRecord(executed.id())).singleElement().satisfies(d -> {
            assertThat(d.debtor()).isEqualTo(f.wallet());
            assertThat(d.amount()).isEqualTo(executed.fill().notional().micros());
        });
        assertThat(listener.events).contains("debts1:" + f.id());
        assertThat(sweeper.runOnce().claimed()).isZero();
        assertThat(ex.execute(trade, f).outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(ledger.all()).hasSize(1);
    }

    @Test
    @DisplayName("Scenario: A follower whose proxy owes more than the limit is not fronted new funds")
    void indebtedFollowerIsNotFronted() {
        CopyTradeExecutor ex = executor(b -> b.guardrails(GuardrailChain.of(List.of(
                new OpenDebtLimit(ledger::openAmountOwedBy, Usdc.of("5"))))));
        Follower f = broke(7);
        Follower other = follower(8);

        CopyResult first = ex.execute(Fixtures.trade(), f);
        CopyResult second = ex.execute(Fixtures.trade(), f);
        assertThat(first.outcome()).isEqualTo(Outcome.EXECUTED);
        assertThat(second.outcome()).as("owes 10 USDC, the limit is 5").isEqualTo(Outcome.SKIPPED);
        assertThat(second.record().reason()).isEqualTo(ReasonCode.DEBT_OUTSTANDING);
        assertThat(second.record().detail()).containsEntry("openDebt", "10000000").containsEntry("maxOpenDebt",
                "5000000");
        assertThat(ex.execute(Fixtures.trade(), other).outcome()).isEqualTo(Outcome.EXECUTED);
        assertThat(ex.execute(Fixtures.trade("SELL", "0.50", "100"), f).outcome())
                .as("a SELL fronts nothing").isEqualTo(Outcome.EXECUTED);

        brokeProxies.remove(f.wallet().value());
        DebtRecoveryLoop loop = DebtRecoveryLoop.builder(ledger, new SimulatedDebtSettler()).clock(clock).build();
        assertThat(loop.runOnce().repaid()).isEqualTo(1);
        assertThat(ex.execute(Fixtures.trade(), f).outcome()).as("repaid: fronted again").isEqualTo(Outcome.EXECUTED);
    }
}
