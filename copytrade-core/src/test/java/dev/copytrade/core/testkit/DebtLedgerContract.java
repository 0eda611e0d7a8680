package dev.copytrade.core.testkit;

import static dev.copytrade.core.debt.DebtStatus.ESCALATED;
import static dev.copytrade.core.debt.DebtStatus.OPEN;
import static dev.copytrade.core.debt.DebtStatus.REPAID;
import static dev.copytrade.core.debt.DebtStatus.REPAYING;
import static dev.copytrade.core.debt.DebtStatus.WRITTEN_OFF;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copytrade.core.chain.SettlementLeg;
import dev.copytrade.core.debt.AccrueResult;
import dev.copytrade.core.debt.Debt;
import dev.copytrade.core.debt.DebtAction;
import dev.copytrade.core.debt.DebtDraft;
import dev.copytrade.core.debt.DebtEvent;
import dev.copytrade.core.debt.DebtLedger;
import dev.copytrade.core.debt.DebtStatus;
import dev.copytrade.core.debt.DebtTransition;
import dev.copytrade.core.debt.DebtTransitionResult;
import dev.copytrade.core.debt.IllegalDebtTransitionException;
import dev.copytrade.core.debt.Repayment;
import dev.copytrade.core.model.Address;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link DebtLedger} must have. Subclass it and return the ledger under test.
 *
 * <p>The suite only uses the SPI and tolerates a ledger shared by all its tests (a database that is not
 * wiped between them): every test accrues debts for fresh record ids and fresh debtors and checks
 * {@code countByStatus} as a delta. The claim tests first lease away whatever is already due at their
 * clock (to a far-future lease), so they must not run concurrently with another recovery loop on the
 * same ledger.
 */
public abstract class DebtLedgerContract {
    protected static final Instant T0 = Records.T0;
    private static final Instant FAR_FUTURE = T0.plus(Duration.ofDays(36_500));
    private static final long UNKNOWN_ID = Long.MAX_VALUE - 42;
    private static final String LOOP = "contract-loop";

    /** The ledger under test; called once or more per test, may return the same instance every time. */
    protected abstract DebtLedger ledger();

    /**
     * A record id for a new debt that no other test used. Override when the ledger needs the record to
     * exist (a foreign key): create one and return its id.
     */
    protected long newRecordId() {
        return Debts.freshRecordId();
    }

    protected static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    // ---- accrue ---------------------------------------------------------------------------------

    @Test
    @DisplayName("accrue records an OPEN debt due at once, then returns it with inserted=false whatever the draft says")
    void accrueInsertsOnceThenReturnsTheExistingDebt() {
        long recordId = newRecordId();
        Address proxy = Debts.freshWallet();
        DebtDraft draft = Debts.draft(recordId, "reimburse", proxy, Debts.AMOUNT, at(10));

        AccrueResult first = ledger().accrue(draft);

        assertThat(first.inserted()).isTrue();
        Debt debt = first.debt();
        assertThat(debt.id()).isPositive();
        assertThat(debt).isEqualTo(draft.toDebt(debt.id()));
        assertThat(debt.status()).isEqualTo(OPEN);
        assertThat(debt.attempts()).isZero();
        assertThat(debt.nextAttemptAt()).isEqualTo(at(10));
        assertThat(debt.version()).isZero();
        assertThat(debt.leaseOwner()).isNull();
        assertThat(ledger().findById(debt.id())).contains(debt);
        assertThat(ledger().findByLeg(recordId, "reimburse")).contains(debt);
        assertThat(ledger().findByRecord(recordId)).containsExactly(debt);
        assertThat(ledger().history(debt.id())).containsExactly(DebtEvent.accrued(debt));

        DebtDraft different = new DebtDraft(recordId, "reimburse", Debts.freshWallet(), Debts.BOT, "WETH", 1,
                "another delivery", at(20));
        assertThat(ledger().accrue(different)).isEqualTo(new AccrueResult(debt, false));
        assertThat(ledger().accrue(draft)).isEqualTo(new AccrueResult(debt, false));
        assertThat(ledger().history(debt.id())).hasSize(1);

        DebtDraft otherLeg = Debts.draft(recordId, "refund", proxy, 7, at(10));
        Debt second = ledger().accrue(otherLeg).debt();
        assertThat(second.id()).isNotEqualTo(debt.id());
        assertThat(ledger().findByRecord(recordId)).containsExactly(debt, second);
        assertThat(ledger().findByLeg(recordId, "nope")).isEmpty();
        assertThat(ledger().findByRecord(newRecordId())).isEmpty();
    }

    @Test
    @DisplayName("accrueAll mixes new, existing and repeated legs, results in input order")
    void accrueAllMixesNewExistingAndRepeated() {
        DebtDraft existing = Debts.draft(at(0));
        Debt before = ledger().accrue(existing).debt();
        DebtDraft a = Debts.draft(at(0));
        DebtDraft b = Debts.draft(at(1));

        List<AccrueResult> results = ledger().accrueAll(List.of(a, existing, b, a));

        assertThat(results).extracting(AccrueResult::inserted).containsExactly(true, false, true, false);
        assertThat(results.get(0).debt()).isEqualTo(a.toDebt(results.get(0).debt().id()));
        assertThat(results.get(1).debt()).isEqualTo(before);
        assertThat(results.get(2).debt()).isEqualTo(b.toDebt(results.get(2).debt().id()));
        assertThat(results.get(3).debt()).isEqualTo(results.get(0).debt());
        assertThat(ledger().accrueAll(List.of())).isEmpty();
    }

    @Test
    @DisplayName("Scenario: The same leg accrued from many threads is recorded once")
    void sameLegFromManyThreadsIsRecordedOnce() {
        for (int round = 0; round < 20; round++) {
            long recordId = newRecordId();
            Address proxy = Debts.freshWallet();
            List<AccrueResult> results = Concurrently.run(16,
                    i -> ledger().accrue(Debts.draft(recordId, "reimburse", proxy, Debts.AMOUNT + i, at(i))));

            List<AccrueResult> inserted = results.stream().filter(AccrueResult::inserted).toList();
            assertThat(inserted).as("round %d", round).hasSize(1);
            Debt winner = inserted.get(0).debt();
            assertThat(results).as("round %d", round).extracting(AccrueResult::debt).containsOnly(winner);
            assertThat(ledger().findByRecord(recordId)).containsExactly(winner);
            assertThat(ledger().history(winner.id())).hasSize(1);
            assertThat(ledger().openAmountOwedBy(proxy, SettlementLeg.USDC)).isEqualTo(winner.amount());
        }
    }

    // ---- claim ----------------------------------------------------------------------------------

    @Test
    @DisplayName("claimDue leases due OPEN and lapsed REPAYING debts, earliest first, and nothing else")
    void claimDueTakesOnlyDueDebts() {
        Instant t = at(3_600);
        leaseAwayEverythingDueAt(t);
        Debt late = accrue(t.minusSeconds(5));
        Debt early = accrue(t.minusSeconds(50));
        Debt exactlyNow = accrue(t);
        Debt future = accrue(t.plusSeconds(1));
        // REPAYING with a lease that ended: due for reconciliation
        Debt lapsed = startAttempt(accrue(t.minusSeconds(100)), t.minusSeconds(99), t.minusSeconds(30));
        // REPAYING with a live lease: never claimed
        Debt live = startAttempt(accrue(t.minusSeconds(100)), t.minusSeconds(99), t.plusSeconds(30));
        Debt escalated = applied(DebtTransition.escalated(accrue(t.minusSeconds(200)), t.minusSeconds(10), "x", LOOP));

        assertThat(ledger().claimDue(t, 0, "loop-a", t.plusSeconds(60))).isEmpty();
        List<Debt> first = ledger().claimDue(t, 2, "loop-a", t.plusSeconds(60));
        List<Debt> rest = ledger().claimDue(t, 100, "loop-b", t.plusSeconds(90));

        // a lapsed attempt is due from its lease's end (t - 30), after the debt due since t - 50
        assertThat(ids(first)).containsExactly(early.id(), lapsed.id());
        assertThat(ids(rest)).containsExactly(late.id(), exactlyNow.id());
        for (Debt d : first) {
            Debt before = d.id() == lapsed.id() ? lapsed : early;
            assertThat(d).isEqualTo(before.claimed("loop-a", t.plusSeconds(60)));
            assertThat(ledger().findById(d.id())).contains(d);
            assertThat(ledger().history(d.id())).as("a claim is no history entry").last()
                    .extracting(DebtEvent::version).isEqualTo(before.version());
        }
        assertThat(rest).allSatisfy(d -> {
            assertThat(d.leaseOwner()).isEqualTo("loop-b");
            assertThat(d.leaseUntil()).isEqualTo(t.plusSeconds(90));
        });
        assertThat(ledger().claimDue(t, 100, "loop-c", t.plusSeconds(60))).isEmpty();
        DebtTransitionResult builtBeforeTheClaim = ledger().transition(
                DebtTransition.writtenOff(early, t, "ops", "stale view"));
        assertThat(builtBeforeTheClaim.applied()).as("a claim moves the version on").isFalse();
        assertThat(builtBeforeTheClaim.current()).isEqualTo(first.get(0));
        for (Debt untouched : List.of(future, live, escalated)) {
            assertThat(ledger().findById(untouched.id())).contains(untouched);
        }
        assertThat(ids(ledger().claimDue(t.plusSeconds(60), 100, "loop-c", FAR_FUTURE)))
                .containsExactly(early.id(), lapsed.id(), future.id(), live.id());
    }

    @Test
    @DisplayName("Scenario: Due debts claimed from many threads are each claimed once")
    void dueDebtsClaimedFromManyThreadsAreClaimedOnce() {
        Instant t = at(7_200);
        leaseAwayEverythingDueAt(t);
        Set<Long> due = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            due.add(accrue(t.minusMillis(i)).id());
        }

        List<Set<Long>> claimed = Concurrently.run(8, i -> {
            Set<Long> mine = new HashSet<>();
            List<Debt> batch;
            while (!(batch = ledger().claimDue(t, 7, "loop-" + i, t.plusSeconds(60))).isEmpty()) {
                assertThat(batch).hasSizeLessThanOrEqualTo(7)
                        .allSatisfy(d -> assertThat(d.leaseOwner()).isEqualTo("loop-" + i));
                mine.addAll(ids(batch));
            }
            return mine;
        });

        Set<Long> union = new HashSet<>();
        int total = 0;
        for (Set<Long> mine : claimed) {
            union.addAll(mine);
            total += mine.size();
        }
        assertThat(total).as("no debt claimed by two loops").isEqualTo(union.size());
        assertThat(union).containsExactlyInAnyOrderElementsOf(due);
        for (int i = 0; i < claimed.size(); i++) {
            for (long id : claimed.get(i)) {
                assertThat(ledger().findById(id).orElseThrow().leaseOwner()).isEqualTo("loop-" + i);
            }
        }
    }

    // ---- transition -----------------------------------------------------------------------------

    @Test
    @DisplayName("transition applies from the version seen and appends its history entry in the same step")
    void transitionAppliesFromTheVersionSeen() {
        Debt open = accrue(at(0));
        Debt claimed = open;
        DebtTransition t = DebtTransition.attemptStarted(claimed, at(2), Repayment.keyOf(open.id(), 1), LOOP, at(62));

        DebtTransitionResult result = ledger().transition(t);

        assertThat(result.applied()).isTrue();
        assertThat(result.transition()).isEqualTo(t);
        Debt repaying = result.current();
        assertThat(repaying).isEqualTo(claimed.apply(t));
        assertThat(repaying.status()).isEqualTo(REPAYING);
        assertThat(repaying.attempts()).isEqualTo(1);
        assertThat(repaying.repaymentKey()).isEqualTo("debt:" + open.id() + ":1");
        assertThat(repaying.leaseOwner()).isEqualTo(LOOP);
        assertThat(repaying.leaseUntil()).isEqualTo(at(62));
        assertThat(repaying.nextAttemptAt()).isEqualTo(at(62));
        assertThat(repaying.updatedAt()).isEqualTo(at(2));
        assertThat(repaying.version()).isEqualTo(claimed.version() + 1);
        assertThat(ledger().findById(open.id())).contains(repaying);
        assertThat(ledger().history(open.id())).containsExactly(DebtEvent.accrued(open), DebtEvent.of(t, repaying));
    }

    @Test
    @DisplayName("transition from a stale version loses, changes nothing and writes no history")
    void transitionFromAStaleVersionLoses() {
        Debt open = accrue(at(0));
        Debt deferred = applied(DebtTransition.deferred(open, at(3), "no funds", at(300), LOOP));

        DebtTransitionResult twice = ledger().transition(DebtTransition.deferred(open, at(4), "again", at(400), LOOP));
        assertThat(twice.applied()).isFalse();
        assertThat(twice.current()).isEqualTo(deferred);
        assertThat(ledger().history(open.id())).extracting(DebtEvent::action)
                .containsExactly(DebtAction.ACCRUED, DebtAction.DEFERRED);

        DebtTransitionResult unknown = ledger().transition(new DebtTransition(UNKNOWN_ID, 0, OPEN, WRITTEN_OFF,
                DebtAction.WRITTEN_OFF, at(5), "ops", "nobody", 0, at(5), null, null, null, null, null));
        assertThat(unknown.applied()).isFalse();
        assertThat(unknown.current()).isNull();
        assertThat(ledger().findById(UNKNOWN_ID)).isEmpty();
        assertThat(ledger().history(UNKNOWN_ID)).isEmpty();
    }

    @Test
    @DisplayName("Scenario: Racing changes of one debt have one winner")
    void racingChangesHaveOneWinner() {
        for (int n = 0; n < 50; n++) {
            Debt claimed = accrue(at(0));
            List<DebtTransitionResult> results = Concurrently.run(4, i -> ledger().transition(i % 2 == 0
                    ? DebtTransition.attemptStarted(claimed, at(2), Repayment.keyOf(claimed.id(), 1), "loop-" + i,
                            at(60))
                    : DebtTransition.writtenOff(claimed, at(2), "operator-" + i, "uncollectable")));

            List<DebtTransitionResult> winners = results.stream().filter(DebtTransitionResult::applied).toList();
            assertThat(winners).as("debt %d", claimed.id()).hasSize(1);
            Debt stored = ledger().findById(claimed.id()).orElseThrow();
            assertThat(stored).isEqualTo(claimed.apply(winners.get(0).transition()));
            assertThat(results).extracting(DebtTransitionResult::current).containsOnly(stored);
            assertThat(ledger().history(claimed.id())).hasSize(2);
        }
    }

    @Test
    @DisplayName("Scenario: Illegal debt transition is rejected")
    void illegalDebtTransitionIsRejected() {
        Debt repaying = startAttempt(accrue(at(0)), at(2), at(62));
        Debt repaid = applied(DebtTransition.repaid(repaying, at(3), "tx-1", LOOP));
        Debt open = accrue(at(0));

        assertIllegal(() -> DebtTransition.writtenOff(startAttempt(accrue(at(0)), at(2), at(62)),
                at(3), "ops", "while repaying"), REPAYING, WRITTEN_OFF);
        assertIllegal(() -> DebtTransition.retryRequested(repaid, at(4), "ops", "again"), REPAID, OPEN);
        assertIllegal(() -> DebtTransition.repaid(open, at(4), "tx-2", LOOP), OPEN, REPAID);
        assertIllegal(() -> DebtTransition.attemptFailed(open, at(4), "x", at(5), LOOP), OPEN, OPEN);
        assertIllegal(() -> DebtTransition.reconcileLater(open, at(4), "x", at(5), LOOP), OPEN, REPAYING);

        assertThat(ledger().findById(repaid.id())).contains(repaid);
        assertThat(ledger().findById(open.id())).contains(open);
        assertThat(repaid.status().isTerminal()).isTrue();
    }

    @Test
    @DisplayName("a debt's whole life is in its history: attempt, unknown, failure, wait, retry, repaid")
    void historyRecordsEveryChange() {
        Debt d0 = accrue(at(0));
        Debt d1 = startAttempt(d0, at(1), at(61));
        Debt d2 = applied(DebtTransition.reconcileLater(d1, at(2), "settler timed out", at(120), LOOP));
        Debt d3 = applied(DebtTransition.attemptFailed(d2, at(121), "reverted", at(200), LOOP));
        Debt d4 = applied(DebtTransition.deferred(d3, at(201), "insufficient balance", at(300), LOOP));
        Debt d5 = applied(DebtTransition.retryRequested(d4, at(202), "ops:alice", "funds arrived"));
        Debt d6 = startAttempt(d5, at(203), at(263));
        Debt d7 = applied(DebtTransition.repaid(d6, at(204), "0xrepaid", LOOP));

        assertThat(d7.status()).isEqualTo(REPAID);
        assertThat(d7.attempts()).isEqualTo(2);
        assertThat(d7.repaymentKey()).isEqualTo(Repayment.keyOf(d0.id(), 2));
        assertThat(d7.repaymentRef()).isEqualTo("0xrepaid");
        assertThat(d7.lastError()).isEqualTo("insufficient balance");
        assertThat(d7.leaseOwner()).isNull();
        assertThat(d7.createdAt()).isEqualTo(at(0));
        assertThat(d7.updatedAt()).isEqualTo(at(204));
        List<DebtEvent> history = ledger().history(d0.id());
        assertThat(history).extracting(DebtEvent::action).containsExactly(DebtAction.ACCRUED,
                DebtAction.ATTEMPT_STARTED, DebtAction.RECONCILE_LATER, DebtAction.ATTEMPT_FAILED,
                DebtAction.DEFERRED, DebtAction.RETRY_REQUESTED, DebtAction.ATTEMPT_STARTED, DebtAction.REPAID);
        assertThat(history).extracting(DebtEvent::version)
                .containsExactly(d0.version(), d1.version(), d2.version(), d3.version(), d4.version(), d5.version(),
                        d6.version(), d7.version());
        assertThat(history.get(5).actor()).isEqualTo("ops:alice");
        assertThat(history.get(5).note()).isEqualTo("funds arrived");
        assertThat(history.get(7).repaymentRef()).isEqualTo("0xrepaid");
        assertThat(history.get(7).from()).isEqualTo(REPAYING);
        assertThat(history.get(7).to()).isEqualTo(REPAID);
    }

    @Test
    @DisplayName("write-off and escalation record who and why; a written-off debt is never due again")
    void writeOffAndEscalationAreRecorded() {
        Debt escalated = applied(DebtTransition.escalated(
                applied(DebtTransition.attemptFailed(startAttempt(accrue(at(0)), at(1), at(61)),
                        at(2), "reverted", at(3), LOOP)), at(4), "gave up after 1 attempt", LOOP));
        Debt writtenOff = applied(DebtTransition.writtenOff(escalated, at(5), "ops:bob", "proxy drained, settled off-chain"));

        assertThat(writtenOff.status()).isEqualTo(WRITTEN_OFF);
        DebtEvent last = ledger().history(writtenOff.id()).get(ledger().history(writtenOff.id()).size() - 1);
        assertThat(last.action()).isEqualTo(DebtAction.WRITTEN_OFF);
        assertThat(last.from()).isEqualTo(ESCALATED);
        assertThat(last.actor()).isEqualTo("ops:bob");
        assertThat(last.note()).isEqualTo("proxy drained, settled off-chain");
        assertThat(ledger().claimDue(at(10_000), 10_000, "loop", FAR_FUTURE)).extracting(Debt::id)
                .doesNotContain(writtenOff.id());
    }

    // ---- queries --------------------------------------------------------------------------------

    @Test
    @DisplayName("openAmountOwedBy sums a debtor's OPEN, REPAYING and ESCALATED debts in one asset")
    void openAmountOwedBySumsOutstandingDebts() {
        Address proxy = Debts.freshWallet();
        assertThat(ledger().openAmountOwedBy(proxy, "USDC")).isZero();
        Debt open = ledger().accrue(Debts.draft(newRecordId(), "reimburse", proxy, 1_000_000, at(0))).debt();
        Debt toRepay = ledger().accrue(Debts.draft(newRecordId(), "reimburse", proxy, 2_000_000, at(0))).debt();
        Debt toEscalate = ledger().accrue(Debts.draft(newRecordId(), "reimburse", proxy, 4_000_000, at(0))).debt();
        Debt toRepayFully = ledger().accrue(Debts.draft(newRecordId(), "reimburse", proxy, 8_000_000, at(0))).debt();
        Debt toWriteOff = ledger().accrue(Debts.draft(newRecordId(), "reimburse", proxy, 16_000_000, at(0))).debt();
        ledger().accrue(new DebtDraft(newRecordId(), "fee", proxy, Debts.BOT, "WETH", 32_000_000, "other asset", at(0)));
        ledger().accrue(Debts.draft(newRecordId(), "reimburse", Debts.freshWallet(), 64_000_000, at(0)));
        assertThat(ledger().openAmountOwedBy(proxy, "USDC")).isEqualTo(31_000_000);

        startAttempt(toRepay, at(2), at(62));
        applied(DebtTransition.escalated(toEscalate, at(2), "manual", "ops"));
        applied(DebtTransition.repaid(startAttempt(toRepayFully, at(2), at(62)), at(3), "tx", LOOP));
        applied(DebtTransition.writtenOff(toWriteOff, at(3), "ops", "forgiven"));

        assertThat(ledger().openAmountOwedBy(proxy, "USDC")).isEqualTo(open.amount() + 2_000_000 + 4_000_000);
        assertThat(ledger().openAmountOwedBy(proxy, " usdc ")).as("the asset is one identity whatever its case")
                .isEqualTo(7_000_000);
        assertThat(ledger().openAmountOwedBy(proxy, "WETH")).isEqualTo(32_000_000);
        assertThat(ledger().openAmountOwedBy(Debts.BOT, "USDC")).as("the creditor owes nothing").isZero();
    }

    @Test
    @DisplayName("findByStatus pages by ascending id; countByStatus counts every state")
    void findByStatusAndCountByStatus() {
        Map<DebtStatus, Long> before = ledger().countByStatus();
        assertThat(before).containsOnlyKeys(DebtStatus.values());
        List<Debt> mine = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            mine.add(applied(DebtTransition.writtenOff(accrue(at(0)), at(1), "ops", "test " + i)));
        }
        accrue(at(0));
        startAttempt(accrue(at(0)), at(1), at(61));

        List<Debt> all = ledger().findByStatus(WRITTEN_OFF, 0, Integer.MAX_VALUE);
        assertThat(all).allSatisfy(d -> assertThat(d.status()).isEqualTo(WRITTEN_OFF));
        assertThat(ids(all)).doesNotHaveDuplicates().isSorted().containsAll(ids(mine));
        assertThat(ledger().findByStatus(WRITTEN_OFF, 0, 2)).containsExactlyElementsOf(all.subList(0, 2));
        assertThat(ledger().findByStatus(WRITTEN_OFF, all.get(1).id(), 1)).containsExactly(all.get(2));
        assertThat(ledger().findByStatus(WRITTEN_OFF, 0, 0)).isEmpty();

        Map<DebtStatus, Long> after = ledger().countByStatus();
        Map<DebtStatus, Long> delta = new EnumMap<>(DebtStatus.class);
        for (DebtStatus s : DebtStatus.values()) {
            delta.put(s, after.get(s) - before.get(s));
        }
        assertThat(delta).containsExactlyInAnyOrderEntriesOf(
                Map.of(OPEN, 1L, REPAYING, 1L, REPAID, 0L, ESCALATED, 0L, WRITTEN_OFF, 3L));
    }

    // ---- property -------------------------------------------------------------------------------

    @Test
    @DisplayName("Scenario: Random operation sequences keep every debt on the status table")
    void randomOperationSequencesKeepTheTable() {
        long seed = Seeds.seed();
        Random random = new Random(seed);
        Instant t = at(50_000);
        List<Long> ids = new ArrayList<>();
        Map<Long, Debt> seen = new HashMap<>();
        for (int i = 0; i < 12; i++) {
            Debt d = accrue(t);
            ids.add(d.id());
            seen.put(d.id(), d);
        }
        List<Long> live = new ArrayList<>(ids);
        int applied = 0;
        for (int step = 0; step < 1_500; step++) {
            int slot = random.nextInt(live.size());
            long id = live.get(slot);
            Debt current = ledger().findById(id).orElseThrow();
            // sometimes act on an older view of the debt: a stale version must never be applied
            Debt view = random.nextInt(5) == 0 ? seen.get(id) : current;
            Instant now = t.plusSeconds(step);
            if (random.nextInt(6) == 0) {
                ledger().claimDue(now, 1 + random.nextInt(3), "fuzz-" + random.nextInt(2), now.plusSeconds(30));
            } else {
                DebtTransition tr;
                try {
                    tr = randomTransition(random, view, now);
                } catch (IllegalDebtTransitionException e) {
                    assertThat(e.action() != null || !view.status().canTransitionTo(e.to()))
                            .as("seed %d step %d: refused only off the table or off the action", seed, step).isTrue();
                    continue;
                }
                DebtTransitionResult r = ledger().transition(tr);
                boolean fresh = view.version() == current.version();
                assertThat(r.applied()).as("seed %d step %d: applied iff the view is current", seed, step)
                        .isEqualTo(fresh);
                if (r.applied()) {
                    applied++;
                    assertThat(r.current()).as("seed %d step %d", seed, step).isEqualTo(current.apply(tr));
                } else {
                    assertThat(ledger().findById(id)).as("seed %d step %d", seed, step).contains(current);
                }
            }
            seen.put(id, current);
            Debt after = ledger().findById(id).orElseThrow();
            if (after.status().isTerminal()) {
                // a settled debt never changes again (checked below); keep the fuzz busy with a new one
                Debt fresh = accrue(t);
                ids.add(fresh.id());
                seen.put(fresh.id(), fresh);
                live.set(slot, fresh.id());
            }
        }
        assertThat(applied).as("seed %d: the fuzz must actually change debts", seed).isGreaterThan(150);
        for (long id : ids) {
            Debt d = ledger().findById(id).orElseThrow();
            List<DebtEvent> history = ledger().history(id);
            assertThat(history.get(0).action()).as("seed %d", seed).isEqualTo(DebtAction.ACCRUED);
            for (int i = 1; i < history.size(); i++) {
                DebtEvent prev = history.get(i - 1);
                DebtEvent e = history.get(i);
                assertThat(e.from()).as("seed %d debt %d entry %d chains", seed, id, i).isEqualTo(prev.to());
                assertThat(e.from().canTransitionTo(e.to())).as("seed %d debt %d entry %d", seed, id, i).isTrue();
                assertThat(e.version()).as("seed %d debt %d entry %d", seed, id, i).isGreaterThan(prev.version());
                assertThat(prev.to().isTerminal()).as("seed %d: nothing follows a terminal state", seed).isFalse();
            }
            assertThat(history.get(history.size() - 1).to()).as("seed %d debt %d", seed, id).isEqualTo(d.status());
        }
    }

    private static DebtTransition randomTransition(Random random, Debt d, Instant now) {
        return switch (random.nextInt(8)) {
            case 0 -> DebtTransition.attemptStarted(d, now, Repayment.keyOf(d.id(), d.attempts() + 1), "fuzz",
                    now.plusSeconds(30));
            case 1 -> DebtTransition.repaid(d, now, "ref-" + d.id(), "fuzz");
            case 2 -> DebtTransition.attemptFailed(d, now, "failed", now.plusSeconds(random.nextInt(60)), "fuzz");
            case 3 -> DebtTransition.reconcileLater(d, now, "unknown", now.plusSeconds(random.nextInt(60)), "fuzz");
            case 4 -> DebtTransition.deferred(d, now, "no funds", now.plusSeconds(random.nextInt(60)), "fuzz");
            case 5 -> DebtTransition.escalated(d, now, "too many", "fuzz");
            case 6 -> DebtTransition.retryRequested(d, now, "ops", "retry");
            default -> DebtTransition.writtenOff(d, now, "ops", "forgiven");
        };
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** A fresh OPEN debt due at {@code at}, for a fresh record and debtor. */
    protected final Debt accrue(Instant at) {
        AccrueResult r = ledger().accrue(Debts.draft(newRecordId(), "reimburse", Debts.freshWallet(), Debts.AMOUNT, at));
        assertThat(r.inserted()).as("a fresh leg is inserted").isTrue();
        return r.debt();
    }

    private Debt startAttempt(Debt claimed, Instant at, Instant leaseUntil) {
        return applied(DebtTransition.attemptStarted(claimed, at, Repayment.keyOf(claimed.id(), claimed.attempts() + 1),
                LOOP, leaseUntil));
    }

    /** Applies {@code t}, which must win, and checks the ledger now holds what it returned. */
    protected final Debt applied(DebtTransition t) {
        DebtTransitionResult r = ledger().transition(t);
        assertThat(r.applied()).as("%s applied", t).isTrue();
        assertThat(r.current().status()).isEqualTo(t.to());
        assertThat(ledger().findById(t.id())).contains(r.current());
        return r.current();
    }

    private void leaseAwayEverythingDueAt(Instant at) {
        while (!ledger().claimDue(at, 1_000, "contract-drain", FAR_FUTURE).isEmpty()) {
            // keep going: each round leases away up to 1,000 more
        }
    }

    private static void assertIllegal(org.assertj.core.api.ThrowableAssert.ThrowingCallable build, DebtStatus from,
            DebtStatus to) {
        assertThatThrownBy(build).isInstanceOfSatisfying(IllegalDebtTransitionException.class, e -> {
            assertThat(e.from()).isEqualTo(from);
            assertThat(e.to()).isEqualTo(to);
        });
    }

    private static List<Long> ids(List<Debt> debts) {
        return debts.stream().map(Debt::id).collect(Collectors.toList());
    }
}
