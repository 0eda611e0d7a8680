package dev.copytrade.examples.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.chain.OrderRequest;
import dev.copytrade.core.chain.SettlementLeg;
import dev.copytrade.core.debt.Debt;
import dev.copytrade.core.debt.DebtStatus;
import dev.copytrade.core.debt.Repayment;
import dev.copytrade.core.model.ClientOrderId;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.Fill;
import dev.copytrade.core.record.RecordDraft;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.record.Transition;
import dev.copytrade.core.sim.SimulatedChainAdapter.ReceivedOrder;
import dev.copytrade.core.sim.SimulatedDebtSettler.Payment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The checks can fail: each violation a chaos run could meet is counted on the invariant it breaks. */
class ChaosInvariantsTest {
    private static final Instant T = ChaosScenario.START;
    private final ChaosScenario scenario = new ChaosScenario(1, 2_000, 4, 2);
    private final Follower follower = scenario.followers().get(0);
    private final List<CopyTradeRecord> records = new ArrayList<>();
    private final List<ReceivedOrder> orders = new ArrayList<>();
    private final List<ChaosInvariants.BudgetUse> budgets = new ArrayList<>();
    private Predicate<ClientOrderId> answerable = id -> true;

    private CopyTradeRecord record(int trade, RecordStatus status) {
        LeaderTrade t = scenario.trades().get(trade).toLeaderTrade(T);
        CopyOrder order = CopyOrder.of(t.market(), t.side(), t.price(), t.size());
        CopyTradeRecord r = RecordDraft.pending(t, follower.id(), follower.wallet(), follower.signer(), order, Map.of(),
                false, "owner", T.plusSeconds(4), T).toRecord(records.size() + 1);
        r = switch (status) {
            case PENDING -> r;
            case EXECUTED -> r.apply(Transition.executed(r.id(), RecordStatus.PENDING, T, fill(order), Map.of()));
            case UNKNOWN -> r.apply(Transition.unknown(r.id(), RecordStatus.PENDING, T, "cannot tell"));
            case EXPIRED -> r.apply(Transition.expired(r.id(), RecordStatus.PENDING, T, null, "not found"));
            default -> throw new IllegalArgumentException(status.name());
        };
        records.add(r);
        return r;
    }

    private static Fill fill(CopyOrder order) {
        return new Fill(order.shares(), order.notional(), "sim-1");
    }

    private ReceivedOrder atVenue(CopyTradeRecord r, List<SettlementLeg> legs) {
        ReceivedOrder o = new ReceivedOrder(orders.size() + 1, r.clientOrderId(), new OrderRequest(r.id(), r.key(),
                r.clientOrderId(), r.order(), r.wallet(), r.signer(), 137, 1), T, fill(r.order()), null, legs);
        orders.add(o);
        return o;
    }

    private List<ChaosInvariants.Check> check(List<ChaosInvariants.Check> extra) {
        return ChaosInvariants.check(scenario, records, orders, 0, answerable, budgets, extra);
    }

    private static long violations(List<ChaosInvariants.Check> checks, String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().violations();
    }

    @Test
    @DisplayName("Scenario: An invariant violation is reported with its count and fails the run")
    void everyViolationIsCounted() {
        atVenue(record(0, RecordStatus.EXECUTED), List.of());
        budgets.add(new ChaosInvariants.BudgetUse("usd:market:x", "2026-03-02", 1, 1));
        assertThat(check(List.of())).allMatch(ChaosInvariants.Check::pass);

        // an order at the venue nobody recorded; a record EXPIRED although the venue has its order
        CopyTradeRecord lost = record(1, RecordStatus.EXECUTED);
        atVenue(lost, List.of());
        records.remove(lost);
        atVenue(record(2, RecordStatus.EXPIRED), List.of());
        // left in flight, and UNKNOWN although the venue could answer
        record(3, RecordStatus.PENDING);
        record(4, RecordStatus.UNKNOWN);
        // a budget committed over its limit
        budgets.add(new ChaosInvariants.BudgetUse("usd:market:y", "2026-03-02", scenario.perMarketLimitMicros() + 1,
                scenario.perMarketLimitMicros() + 1));

        List<ChaosInvariants.Check> checks = check(List.of());

        assertThat(violations(checks, "no orphan order")).isEqualTo(1);
        assertThat(violations(checks, "nothing left in flight")).isEqualTo(2);
        assertThat(violations(checks, "every cap within its limit")).isEqualTo(2);
        // the EXPIRED record the venue has, and the UNKNOWN one the venue could have settled
        assertThat(violations(checks, "records agree with the venue")).isEqualTo(2);
        assertThat(checks.stream().filter(c -> !c.pass())).allSatisfy(c -> assertThat(c.line()).startsWith("[FAIL] "));

        answerable = id -> false;
        assertThat(violations(check(List.of()), "nothing left in flight")).as("UNKNOWN where the venue cannot answer")
                .isEqualTo(1);
    }

    @Test
    @DisplayName("Scenario: A debt paid twice or a failed leg without its debt is a violation")
    void debtViolations() {
        CopyTradeRecord r = record(0, RecordStatus.EXECUTED);
        SettlementLeg leg = SettlementLeg.failed("reimburse", r.wallet(), ChaosScenario.FLOAT_WALLET, "USDC", 5_000_000,
                "reverted");
        atVenue(r, List.of(leg));
        Debt debt = new Debt(7, r.id(), "reimburse", r.wallet(), ChaosScenario.FLOAT_WALLET, "USDC", 5_000_000,
                "reverted", DebtStatus.REPAID, 1, T, null, "debt:7:1", "repay-1", null, null, T, T, 2);
        Repayment repayment = new Repayment("debt:7:1", r.wallet(), ChaosScenario.FLOAT_WALLET, "USDC", 5_000_000,
                List.of(7L));
        Payment once = new Payment(1, repayment, true, "repay-1", null);

        assertThat(ChaosInvariants.debts(List.of(debt), List.of(once), 0, records, orders))
                .allMatch(ChaosInvariants.Check::pass);

        Repayment again = new Repayment("debt:7:2", r.wallet(), ChaosScenario.FLOAT_WALLET, "USDC", 5_000_000,
                List.of(7L));
        List<ChaosInvariants.Check> paidTwice = ChaosInvariants.debts(List.of(debt),
                List.of(once, new Payment(2, again, true, "repay-2", null)), 0, records, orders);
        assertThat(paidTwice.get(0).violations()).isEqualTo(2);  // paid twice, and REPAID disagrees with two payments

        List<ChaosInvariants.Check> forgotten = ChaosInvariants.debts(List.of(), List.of(), 0, records, orders);
        assertThat(forgotten.get(1).violations()).isEqualTo(1);
    }
}
