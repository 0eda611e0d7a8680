package dev.copytrade.core.debt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copytrade.core.chain.SettlementLeg;
import dev.copytrade.core.chain.SubmitResult;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.record.Transition;
import dev.copytrade.core.testkit.Debts;
import dev.copytrade.core.testkit.Records;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Bad input is refused at the door, naming the field; the status table is exactly the documented one. */
class DebtValuesTest {
    private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
    private static final Address PROXY = Address.of("0x" + "12".repeat(20));

    private static void rejects(String field, ThrowingCallable build) {
        assertThatThrownBy(build).as(field)
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field));
    }

    private static DebtDraft draft(long recordId, String legId, Address creditor, String asset, long amount,
            String reason) {
        return new DebtDraft(recordId, legId, PROXY, creditor, asset, amount, reason, T);
    }

    @Test
    @DisplayName("a debt draft names the bad field: record id, leg id, parties, asset, amount, reason")
    void draftValidation() {
        rejects("debt.recordId", () -> draft(0, "reimburse", Debts.BOT, "USDC", 1, "r"));
        rejects("debt.legId", () -> draft(1, "has space", Debts.BOT, "USDC", 1, "r"));
        rejects("debt.legId", () -> draft(1, "x".repeat(101), Debts.BOT, "USDC", 1, "r"));
        rejects("debt.legId", () -> draft(1, null, Debts.BOT, "USDC", 1, "r"));
        rejects("debt.creditor", () -> draft(1, "reimburse", PROXY, "USDC", 1, "r"));
        rejects("debt.creditor", () -> draft(1, "reimburse", null, "USDC", 1, "r"));
        rejects("debt.asset", () -> draft(1, "reimburse", Debts.BOT, "US DC", 1, "r"));
        rejects("debt.amount", () -> draft(1, "reimburse", Debts.BOT, "USDC", 0, "r"));
        rejects("debt.amount", () -> draft(1, "reimburse", Debts.BOT, "USDC", -5, "r"));
        rejects("debt.reason", () -> draft(1, "reimburse", Debts.BOT, "USDC", 1, " "));
        rejects("debt.createdAt", () -> new DebtDraft(1, "l", PROXY, Debts.BOT, "USDC", 1, "r", null));

        DebtDraft d = draft(1, "reimburse", Debts.BOT, " usdc ", 1, "x".repeat(5_000));
        assertThat(d.asset()).isEqualTo("USDC");
        assertThat(d.reason()).as("audit text is cut, never a reason to lose a debt").hasSize(2_000);
        assertThat(Debt.normalizeAsset("erc1155:123")).isEqualTo("ERC1155:123");
    }

    @Test
    @DisplayName("a debt needs its key while REPAYING, its reference once REPAID, and a whole lease")
    void debtInvariants() {
        Debt open = draft(1, "reimburse", Debts.BOT, "USDC", 1, "r").toDebt(9);
        rejects("debt.repaymentKey", () -> new Debt(9, 1, "reimburse", PROXY, Debts.BOT, "USDC", 1, "r",
                DebtStatus.REPAYING, 1, T, null, null, null, null, null, T, T, 1));
        rejects("debt.repaymentRef", () -> new Debt(9, 1, "reimburse", PROXY, Debts.BOT, "USDC", 1, "r",
                DebtStatus.REPAID, 1, T, null, "debt:9:1", null, null, null, T, T, 2));
        rejects("debt.leaseUntil", () -> new Debt(9, 1, "reimburse", PROXY, Debts.BOT, "USDC", 1, "r",
                DebtStatus.OPEN, 0, T, null, null, null, "loop", null, T, T, 1));
        rejects("debt.attempts", () -> new Debt(9, 1, "reimburse", PROXY, Debts.BOT, "USDC", 1, "r",
                DebtStatus.OPEN, -1, T, null, null, null, null, null, T, T, 1));
        rejects("debt.id", () -> draft(1, "reimburse", Debts.BOT, "USDC", 1, "r").toDebt(0));
        assertThatThrownBy(() -> open.apply(DebtTransition.deferred(open.claimed("loop", T), T, "w", T, "loop")))
                .as("a transition made from another version").isInstanceOf(IllegalStateException.class);
        assertThat(open.isDue(T)).isTrue();
        assertThat(open.isDue(T.minusMillis(1))).isFalse();
        assertThat(open.claimed("loop", T.plusSeconds(1)).isDue(T)).as("a live lease").isFalse();
        assertThat(open.claimed("loop", T).isDue(T)).as("a lease that ends now has ended").isTrue();
    }

    @Test
    @DisplayName("the debt status table is exactly the documented one")
    void statusTable() {
        Map<DebtStatus, Set<DebtStatus>> expected = Map.of(
                DebtStatus.OPEN, EnumSet.of(DebtStatus.OPEN, DebtStatus.REPAYING, DebtStatus.ESCALATED,
                        DebtStatus.WRITTEN_OFF),
                DebtStatus.REPAYING, EnumSet.of(DebtStatus.REPAYING, DebtStatus.REPAID, DebtStatus.OPEN,
                        DebtStatus.ESCALATED),
                DebtStatus.ESCALATED, EnumSet.of(DebtStatus.OPEN, DebtStatus.WRITTEN_OFF),
                DebtStatus.REPAID, Set.of(),
                DebtStatus.WRITTEN_OFF, Set.of());
        for (DebtStatus from : DebtStatus.values()) {
            assertThat(from.allowedNext()).as("%s", from).isEqualTo(expected.get(from));
            assertThat(from.isTerminal()).isEqualTo(expected.get(from).isEmpty());
            for (DebtStatus to : DebtStatus.values()) {
                assertThat(from.canTransitionTo(to)).as("%s -> %s", from, to).isEqualTo(expected.get(from).contains(to));
            }
        }
        assertThat(EnumSet.allOf(DebtStatus.class).stream().filter(DebtStatus::isOutstanding))
                .containsExactlyInAnyOrder(DebtStatus.OPEN, DebtStatus.REPAYING, DebtStatus.ESCALATED);
        assertThatThrownBy(() -> DebtStatus.requireTransition(null, DebtStatus.OPEN))
                .isInstanceOf(IllegalDebtTransitionException.class);
    }

    @Test
    @DisplayName("a transition must fit its action; a write-off needs an actor and a reason")
    void transitionFitsItsAction() {
        Debt open = draft(1, "reimburse", Debts.BOT, "USDC", 1, "r").toDebt(9);
        assertThatThrownBy(() -> DebtTransition.attemptFailed(open, T, "x", T, "loop"))
                .isInstanceOfSatisfying(IllegalDebtTransitionException.class, e -> {
                    assertThat(e.action()).isEqualTo(DebtAction.ATTEMPT_FAILED);
                    assertThat(e.from()).isEqualTo(DebtStatus.OPEN);
                });
        rejects("debtTransition.note", () -> DebtTransition.writtenOff(open, T, "ops", null));
        rejects("debtTransition.actor", () -> DebtTransition.writtenOff(open, T, null, "why"));
        rejects("debtTransition.actor", () -> DebtTransition.retryRequested(open, T, null, "why"));
        rejects("leaseUntil", () -> DebtTransition.attemptStarted(open, T, "debt:9:1", "loop", null));
        rejects("debtTransition.repaymentKey", () -> DebtTransition.attemptStarted(open, T, null, "loop", T));
        rejects("debtTransition.leaseOwner", () -> new DebtTransition(9, 0, DebtStatus.OPEN, DebtStatus.OPEN,
                DebtAction.DEFERRED, T, "loop", "w", 0, T, null, null, null, "loop", T));
        assertThatThrownBy(() -> new DebtTransition(9, 0, DebtStatus.OPEN, DebtStatus.OPEN, DebtAction.ACCRUED, T,
                null, null, 0, T, null, null, null, null, null)).isInstanceOf(IllegalDebtTransitionException.class);
    }

    @Test
    @DisplayName("settlement legs and repayments name the bad field")
    void legsAndRepayments() {
        rejects("leg.error", () -> new SettlementLeg("reimburse", PROXY, Debts.BOT, "USDC", 1, true, "but failed"));
        rejects("leg.error", () -> new SettlementLeg("reimburse", PROXY, Debts.BOT, "USDC", 1, false, " "));
        rejects("leg.amount", () -> SettlementLeg.settled("reimburse", PROXY, Debts.BOT, "USDC", 0));
        rejects("leg.creditor", () -> SettlementLeg.settled("reimburse", PROXY, PROXY, "USDC", 1));
        rejects("leg.legId", () -> SettlementLeg.settled("", PROXY, Debts.BOT, "USDC", 1));
        SettlementLeg leg = SettlementLeg.settled("reimburse", PROXY, Debts.BOT, "usdc", 1);
        rejects("legs[1].legId", () -> SubmitResult.confirmed(Records.fill(), List.of(leg, leg)));
        rejects("legs[0]", () -> new SubmitResult.Rejected("no", java.util.Arrays.asList((SettlementLeg) null)));
        assertThat(leg.asset()).isEqualTo("USDC");
        assertThat(new SubmitResult.Confirmed(Records.fill()).legs()).isEmpty();
        rejects("leg.settled", () -> DebtDraft.fromFailedLeg(1, leg, T));

        rejects("repayment.amount", () -> new Repayment("debt:1:1", PROXY, Debts.BOT, "USDC", 0, List.of(1L)));
        rejects("repayment.debtIds", () -> new Repayment("debt:1:1", PROXY, Debts.BOT, "USDC", 1, List.of()));
        rejects("repayment.idempotencyKey", () -> new Repayment(null, PROXY, Debts.BOT, "USDC", 1, List.of(1L)));
        assertThat(Repayment.keyOf(42, 3)).isEqualTo("debt:42:3");
        assertThat(Repayment.batchKeyOf(42, 3)).isEqualTo("debts:42:3");
    }

    @Test
    @DisplayName("only a transition to EXECUTED or FAILED carries debts, all of its own record, one per leg")
    void transitionDebts() {
        DebtDraft mine = Debts.draft(7, "reimburse", PROXY, 1, T);
        Transition executed = Transition.executed(7, RecordStatus.SUBMITTED, T, Records.fill(), Map.of());
        assertThat(executed.withDebts(List.of(mine)).debts()).containsExactly(mine);
        assertThat(executed.debts()).isEmpty();
        assertThat(Transition.failed(7, RecordStatus.PENDING, T, ReasonCode.VENUE_REJECTED, "no")
                .withDebts(List.of(mine)).debts()).hasSize(1);
        rejects("transition.debts", () -> Transition.unknown(7, RecordStatus.SUBMITTED, T, "?")
                .withDebts(List.of(mine)));
        rejects("transition.debts[0].recordId", () -> executed.withDebts(List.of(Debts.draft(8, "reimburse", PROXY,
                1, T))));
        rejects("transition.debts[1].legId", () -> executed.withDebts(List.of(mine, Debts.draft(7, "reimburse",
                PROXY, 2, T))));
    }
}
