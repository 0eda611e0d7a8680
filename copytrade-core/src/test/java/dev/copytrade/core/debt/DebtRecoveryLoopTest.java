package dev.copytrade.core.debt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copytrade.core.memory.InMemoryDebtLedger;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.sim.SimulatedDebtSettler;
import dev.copytrade.core.sim.SimulatedDebtSettler.Outcome;
import dev.copytrade.core.testkit.Debts;
import dev.copytrade.core.testkit.Seeds;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DebtRecoveryLoopTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(2);

    private final InMemoryDebtLedger ledger = new InMemoryDebtLedger();
    private final SimulatedDebtSettler settler = new SimulatedDebtSettler();
    private final SettableClock clock = new SettableClock(T0);
    private final RecordingDebtListener listener = new RecordingDebtListener();

    private DebtRecoveryLoop loop(UnaryOperator<DebtRecoveryLoop.Builder> config) {
        return config.apply(DebtRecoveryLoop.builder(ledger, settler).clock(clock).claimLease(LEASE)
                .instanceId("loop-a").listener(listener)).build();
    }

    private DebtRecoveryLoop loop() {
        return loop(b -> b);
    }

    private Debt accrue(Address debtor, long amount) {
        return ledger.accrue(Debts.draft(Debts.freshRecordId(), "reimburse", debtor, amount, clock.instant())).debt();
    }

    private Debt accrue() {
        return accrue(Debts.freshWallet(), Debts.AMOUNT);
    }

    private Debt current(Debt d) {
        return ledger.findById(d.id()).orElseThrow();
    }

    private List<DebtAction> actions(Debt d) {
        return ledger.history(d.id()).stream().map(DebtEvent::action).toList();
    }

    // ---- repayment -------------------------------------------------------------------------------

    @Test
    @DisplayName("Scenario: A due debt is repaid once with its debt id in the idempotency key")
    void dueDebtIsRepaidOnce() {
        Debt debt = accrue();
        DebtRecoveryLoop loop = loop();

        DebtRecoveryReport report = loop.runOnce();

        assertThat(report.claimed()).isEqualTo(1);
        assertThat(report.repayments()).isEqualTo(1);
        assertThat(report.repaid()).isEqualTo(1);
        Debt repaid = current(debt);
        assertThat(repaid.status()).isEqualTo(DebtStatus.REPAID);
        assertThat(repaid.attempts()).isEqualTo(1);
        assertThat(repaid.repaymentKey()).isEqualTo("debt:" + debt.id() + ":1");
        assertThat(settler.payments()).singleElement().satisfies(p -> {
            assertThat(p.repayment().idempotencyKey()).isEqualTo(repaid.repaymentKey());
            assertThat(p.repayment().debtIds()).containsExactly(debt.id());
            assertThat(p.repayment().debtor()).isEqualTo(debt.debtor());
            assertThat(p.repayment().creditor()).isEqualTo(Debts.BOT);
            assertThat(p.repayment().amount()).isEqualTo(Debts.AMOUNT);
            assertThat(repaid.repaymentRef()).isEqualTo(p.reference());
        });
        assertThat(actions(debt)).containsExactly(DebtAction.ACCRUED, DebtAction.ATTEMPT_STARTED, DebtAction.REPAID);
        assertThat(ledger.history(debt.id()).get(1).actor()).isEqualTo("loop-a");
        assertThat(listener.events).containsExactly("repaid:" + debt.id());
        assertThat(ledger.openAmountOwedBy(debt.debtor(), "USDC")).isZero();

        clock.advance(Duration.ofDays(1));
        assertThat(loop.runOnce().claimed()).isZero();
        assertThat(settler.repayCalls()).isEqualTo(1);
    }

    @Test
    @DisplayName("Scenario: Failed attempts back off exponentially with jitter, then escalate")
    void failedAttemptsBackOffThenEscalate() {
        long seed = Seeds.seed();
        settler.setDefault(Outcome.FAIL);
        Debt debt = accrue();
        DebtRecoveryLoop loop = loop(b -> b.backoff(Duration.ofSeconds(10), Duration.ofSeconds(30), 20)
                .random(new Random(seed)).maxAttempts(4));
        long[] fullWaits = {10_000, 20_000, 30_000};

        for (int attempt = 1; attempt <= 3; attempt++) {
            Instant attemptedAt = clock.instant();
            DebtRecoveryReport report = loop.runOnce();
            assertThat(report.failed()).as("seed %d attempt %d", seed, attempt).isEqualTo(1);
            Debt open = current(debt);
            assertThat(open.status()).isEqualTo(DebtStatus.OPEN);
            assertThat(open.attempts()).isEqualTo(attempt);
            assertThat(open.lastError()).contains("simulated refusal");
            long waitMs = Duration.between(attemptedAt, open.nextAttemptAt()).toMillis();
            long full = fullWaits[attempt - 1];
            assertThat(waitMs).as("seed %d attempt %d: within the jitter below the full wait", seed, attempt)
                    .isBetween(full * 80 / 100, full);

            clock.set(open.nextAttemptAt().minusMillis(1));
            assertThat(loop.runOnce().claimed()).as("seed %d: not due a millisecond early", seed).isZero();
            clock.set(open.nextAttemptAt());
        }
        DebtRecoveryReport last = loop.runOnce();

        assertThat(last.escalated()).isEqualTo(1);
        Debt escalated = current(debt);
        assertThat(escalated.status()).isEqualTo(DebtStatus.ESCALATED);
        assertThat(escalated.attempts()).isEqualTo(4);
        assertThat(escalated.lastError()).contains("escalated after 4 attempts");
        assertThat(listener.events).containsExactly("failed:" + debt.id(), "failed:" + debt.id(),
                "failed:" + debt.id(), "escalated:" + debt.id());
        assertThat(settler.payments()).extracting(p -> p.repayment().idempotencyKey())
                .containsExactly("debt:" + debt.id() + ":1", "debt:" + debt.id() + ":2", "debt:" + debt.id() + ":3",
                        "debt:" + debt.id() + ":4");
        assertThat(ledger.openAmountOwedBy(debt.debtor(), "USDC")).as("an escalated debt is still owed")
                .isEqualTo(Debts.AMOUNT);

        clock.advance(Duration.ofDays(30));
        assertThat(loop.runOnce().claimed()).as("an escalated debt waits for a human").isZero();
        assertThat(settler.repayCalls()).isEqualTo(4);
    }

    @Test
    @DisplayName("backoff stays within [full × (1 − jitter), full], never above the maximum, and varies")
    void backoffBounds() {
        long seed = Seeds.seed();
        DebtRecoveryLoop loop = loop(b -> b.backoff(Duration.ofSeconds(30), Duration.ofHours(1), 25)
                .random(new Random(seed)));
        Set<Duration> seen = new HashSet<>();
        for (int attempts = 1; attempts <= 100; attempts++) {
            long full = Math.min(3_600_000L, attempts > 20 ? Long.MAX_VALUE : 30_000L << (attempts - 1));
            for (int sample = 0; sample < 20; sample++) {
                Duration wait = loop.backoff(attempts);
                assertThat(wait.toMillis()).as("seed %d attempts %d", seed, attempts)
                        .isBetween(full * 75 / 100, full);
                seen.add(wait);
            }
        }
        assertThat(seen).as("seed %d: jitter spreads the waits", seed).hasSizeGreaterThan(100);
        DebtRecoveryLoop noJitter = loop(b -> b.backoff(Duration.ofSeconds(30), Duration.ofHours(1), 0));
        assertThat(noJitter.backoff(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(noJitter.backoff(3)).isEqualTo(Duration.ofMinutes(2));
        assertThat(noJitter.backoff(Integer.MAX_VALUE)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    @DisplayName("Scenario: A debtor that cannot cover its debt waits without counting a failure")
    void debtorThatCannotPayWaits() {
        Address proxy = Debts.freshWallet();
        settler.setBalance(proxy, "USDC", 1_000_000);
        Debt debt = accrue(proxy, 4_500_000);
        DebtRecoveryLoop loop = loop(b -> b.balanceSource(settler).fundsRecheck(Duration.ofMinutes(5))
                .maxAttempts(1));

        for (int i = 0; i < 3; i++) {
            DebtRecoveryReport report = loop.runOnce();
            assertThat(report.deferred()).isEqualTo(1);
            Debt waiting = current(debt);
            assertThat(waiting.status()).isEqualTo(DebtStatus.OPEN);
            assertThat(waiting.attempts()).as("waiting is not a failed attempt").isZero();
            assertThat(waiting.nextAttemptAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
            assertThat(waiting.lastError()).contains("insufficient balance").contains("can pay 1000000");
            clock.advance(Duration.ofMinutes(5));
        }
        assertThat(settler.repayCalls()).isZero();
        assertThat(listener.events).containsOnly("waiting:" + debt.id()).hasSize(3);

        settler.setBalance(proxy, "USDC", 5_000_000);
        assertThat(loop.runOnce().repaid()).isEqualTo(1);
        assertThat(current(debt).status()).isEqualTo(DebtStatus.REPAID);
        assertThat(current(debt).attempts()).isEqualTo(1);
        assertThat(settler.available(proxy, "USDC")).isEqualTo(500_000);
    }

    @Test
    @DisplayName("a debtor's balance is shared by its debts within a run; an unreadable balance waits too")
    void balanceIsSharedWithinARun() {
        Address proxy = Debts.freshWallet();
        settler.setBalance(proxy, "USDC", 5_000_000);
        Debt three = accrue(proxy, 3_000_000);
        Debt four = accrue(proxy, 4_000_000);
        Debt two = accrue(proxy, 2_000_000);
        DebtRecoveryLoop loop = loop(b -> b.balanceSource(settler));

        DebtRecoveryReport report = loop.runOnce();

        assertThat(report.repaid()).isEqualTo(2);
        assertThat(report.deferred()).isEqualTo(1);
        assertThat(current(three).status()).isEqualTo(DebtStatus.REPAID);
        assertThat(current(four).status()).isEqualTo(DebtStatus.OPEN);
        assertThat(current(four).attempts()).isZero();
        assertThat(current(two).status()).isEqualTo(DebtStatus.REPAID);

        Debt other = accrue();
        DebtRecoveryLoop blind = loop(b -> b.balanceSource((debtor, asset) -> {
            throw new IllegalStateException("rpc down");
        }));
        clock.advance(Duration.ofMinutes(10));
        DebtRecoveryReport unreadable = blind.runOnce();
        assertThat(unreadable.deferred()).isEqualTo(2);
        assertThat(current(other).lastError()).contains("balance unavailable").contains("rpc down");
        assertThat(current(other).attempts()).isZero();
    }

    // ---- unknown outcomes and crashes ----------------------------------------------------------------

    @Test
    @DisplayName("Scenario: An unknown repayment is reconciled before any new attempt")
    void unknownRepaymentIsReconciledFirst() {
        Debt paidButUnanswered = accrue();
        Debt neverArrived = accrue();
        settler.enqueue(Outcome.UNKNOWN_AFTER_APPLY, Outcome.UNKNOWN_BEFORE_APPLY);
        DebtRecoveryLoop loop = loop(b -> b.backoff(Duration.ofSeconds(10), Duration.ofMinutes(1), 0));

        DebtRecoveryReport first = loop.runOnce();

        assertThat(first.unresolved()).isEqualTo(2);
        for (Debt d : List.of(paidButUnanswered, neverArrived)) {
            Debt now = current(d);
            assertThat(now.status()).isEqualTo(DebtStatus.REPAYING);
            assertThat(now.leaseOwner()).isNull();
            assertThat(now.nextAttemptAt()).isEqualTo(T0.plusSeconds(10));
            assertThat(now.lastError()).startsWith("outcome unknown:");
        }
        assertThat(loop.runOnce().claimed()).as("not looked up before its time").isZero();

        clock.advance(Duration.ofSeconds(10));
        settler.setLookupsUnavailable(true);
        DebtRecoveryReport blind = loop.runOnce();
        assertThat(blind.unresolved()).isEqualTo(2);
        assertThat(blind.repayments()).as("never sent again while unknown").isZero();
        assertThat(current(paidButUnanswered).status()).isEqualTo(DebtStatus.REPAYING);
        assertThat(current(paidButUnanswered).lastError()).startsWith("reconcile:");

        clock.advance(Duration.ofSeconds(10));
        settler.setLookupsUnavailable(false);
        DebtRecoveryReport reconciled = loop.runOnce();

        assertThat(reconciled.repaid()).as("the lost answer was a payment").isEqualTo(1);
        assertThat(reconciled.failed()).as("the repayment that never arrived is a failed attempt").isEqualTo(1);
        assertThat(reconciled.repayments()).isZero();
        assertThat(current(paidButUnanswered).status()).isEqualTo(DebtStatus.REPAID);
        assertThat(current(paidButUnanswered).repaymentRef())
                .isEqualTo(settler.payments().get(0).reference());
        Debt retry = current(neverArrived);
        assertThat(retry.status()).isEqualTo(DebtStatus.OPEN);
        assertThat(retry.lastError()).contains("never reached the settler");

        clock.set(retry.nextAttemptAt());
        assertThat(loop.runOnce().repaid()).isEqualTo(1);
        assertThat(current(neverArrived).repaymentKey()).isEqualTo("debt:" + neverArrived.id() + ":2");
        assertThat(settler.repayCalls()).isEqualTo(3);
        assertThat(settler.timesPaid(paidButUnanswered.id())).isEqualTo(1);
        assertThat(settler.timesPaid(neverArrived.id())).isEqualTo(1);
        assertThat(settler.duplicateRepayments()).isZero();
        assertThat(actions(paidButUnanswered)).containsExactly(DebtAction.ACCRUED, DebtAction.ATTEMPT_STARTED,
                DebtAction.RECONCILE_LATER, DebtAction.RECONCILE_LATER, DebtAction.REPAID);
    }

    @Test
    @DisplayName("Scenario: A crash between a successful repayment and the REPAID update is reconciled, not re-paid")
    void crashAfterRepaymentIsReconciledNotRepaid() {
        // 1. a settler that pays and then throws: the process "dies" between paying and recording it
        Debt thrown = accrue();
        settler.enqueue(Outcome.THROW_AFTER_APPLY);
        DebtRecoveryLoop first = loop(b -> b.backoff(Duration.ofSeconds(5), Duration.ofSeconds(5), 0));
        assertThat(first.runOnce().unresolved()).isEqualTo(1);
        assertThat(current(thrown).status()).isEqualTo(DebtStatus.REPAYING);

        // 2. a loop that died after the settler paid: REPAYING under its lease, nothing more written
        Debt orphan = accrue();
        Debt claimed = ledger.claimDue(clock.instant(), 1, "dead-loop", clock.instant().plus(LEASE)).get(0);
        assertThat(claimed.id()).isEqualTo(orphan.id());
        String key = Repayment.keyOf(orphan.id(), 1);
        Debt repaying = ledger.transition(DebtTransition.attemptStarted(claimed, clock.instant(), key, "dead-loop",
                clock.instant().plus(LEASE))).current();
        assertThat(settler.repay(new Repayment(key, orphan.debtor(), orphan.creditor(), orphan.asset(),
                orphan.amount(), List.of(orphan.id())))).isInstanceOf(RepayResult.Repaid.class);

        DebtRecoveryLoop fresh = loop(b -> b.instanceId("loop-b"));
        clock.advance(Duration.ofSeconds(5));
        DebtRecoveryReport whileLeased = fresh.runOnce();
        assertThat(whileLeased.repaid()).as("the thrown one is reconciled").isEqualTo(1);
        assertThat(current(orphan)).as("a live lease is never touched").isEqualTo(repaying);

        clock.set(repaying.leaseUntil());
        DebtRecoveryReport afterLease = fresh.runOnce();

        assertThat(afterLease.claimed()).isEqualTo(1);
        assertThat(afterLease.repaid()).isEqualTo(1);
        assertThat(afterLease.repayments()).isZero();
        for (Debt d : List.of(thrown, orphan)) {
            assertThat(current(d).status()).isEqualTo(DebtStatus.REPAID);
            assertThat(settler.timesPaid(d.id())).as("debt %d paid once", d.id()).isEqualTo(1);
        }
        assertThat(settler.repayCalls()).as("one repay each, none again").isEqualTo(2);
        assertThat(settler.duplicateRepayments()).isZero();
        assertThat(ledger.history(orphan.id())).last().satisfies(e -> {
            assertThat(e.action()).isEqualTo(DebtAction.REPAID);
            assertThat(e.actor()).isEqualTo("loop-b");
        });
    }

    // ---- batching ----------------------------------------------------------------------------------

    @Test
    @DisplayName("Scenario: Debts between the same parties are repaid in one repayment")
    void samePartyDebtsAreBatched() {
        Address proxy = Debts.freshWallet();
        List<Debt> same = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            same.add(accrue(proxy, i * 1_000_000L));
        }
        Debt otherProxy = accrue();
        Debt otherAsset = ledger.accrue(new DebtDraft(Debts.freshRecordId(), "fee", proxy, Debts.BOT, "WETH", 7,
                "fee leg failed", clock.instant())).debt();
        DebtRecoveryLoop loop = loop(b -> b.batchRepayments(true, 50));

        DebtRecoveryReport report = loop.runOnce();

        assertThat(report.repayments()).isEqualTo(3);
        assertThat(report.repaid()).isEqualTo(7);
        SimulatedDebtSettler.Payment batch = settler.payments().stream()
                .filter(p -> p.repayment().debtIds().size() == 5).findFirst().orElseThrow();
        assertThat(batch.repayment().idempotencyKey()).isEqualTo("debts:" + same.get(0).id() + ":1");
        assertThat(batch.repayment().amount()).isEqualTo(15_000_000L);
        assertThat(batch.repayment().debtIds()).containsExactlyElementsOf(same.stream().map(Debt::id).toList());
        for (Debt d : same) {
            Debt repaid = current(d);
            assertThat(repaid.status()).isEqualTo(DebtStatus.REPAID);
            assertThat(repaid.repaymentKey()).isEqualTo(batch.repayment().idempotencyKey());
            assertThat(repaid.repaymentRef()).isEqualTo(batch.reference());
        }
        assertThat(current(otherProxy).repaymentKey()).isEqualTo("debt:" + otherProxy.id() + ":1");
        assertThat(current(otherAsset).status()).isEqualTo(DebtStatus.REPAID);

        List<Debt> more = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            more.add(accrue(proxy, 1_000_000L));
        }
        DebtRecoveryLoop small = loop(b -> b.batchRepayments(true, 2));
        assertThat(small.runOnce().repayments()).as("5 debts, at most 2 a repayment").isEqualTo(3);
        assertThat(more).allSatisfy(d -> assertThat(settler.timesPaid(d.id())).isEqualTo(1));
    }

    @Test
    @DisplayName("a batched repayment whose answer is lost reconciles every debt in it by the shared key")
    void batchedUnknownIsReconciledTogether() {
        Address proxy = Debts.freshWallet();
        List<Debt> debts = List.of(accrue(proxy, 1_000_000), accrue(proxy, 2_000_000), accrue(proxy, 3_000_000));
        settler.enqueue(Outcome.UNKNOWN_AFTER_APPLY);
        DebtRecoveryLoop loop = loop(b -> b.batchRepayments(true, 10).backoff(Duration.ofSeconds(1),
                Duration.ofSeconds(1), 0));

        assertThat(loop.runOnce().unresolved()).isEqualTo(3);
        clock.advance(Duration.ofSeconds(1));
        DebtRecoveryReport reconciled = loop.runOnce();

        assertThat(reconciled.repaid()).isEqualTo(3);
        assertThat(settler.lookupCalls()).as("one lookup for the shared key").isEqualTo(1);
        assertThat(settler.repayCalls()).isEqualTo(1);
        assertThat(debts).allSatisfy(d -> assertThat(settler.timesPaid(d.id())).isEqualTo(1));
    }

    // ---- many loops ------------------------------------------------------------------------------

    @Test
    @DisplayName("Scenario: Two recovery loops and many threads repay 1,000 debts exactly once")
    void twoLoopsRepayEachDebtOnce() throws Exception {
        long seed = Seeds.seed();
        // each repayment's fate follows from its key, so the outcome mix is the same whichever thread sends it
        settler.setRule(r -> {
            int roll = new Random(seed ^ r.idempotencyKey().hashCode()).nextInt(20);
            return switch (roll) {
                case 0, 1 -> Outcome.FAIL;
                case 2 -> Outcome.UNKNOWN_AFTER_APPLY;
                case 3 -> Outcome.THROW_AFTER_APPLY;
                case 4 -> Outcome.UNKNOWN_BEFORE_APPLY;
                case 5 -> Outcome.THROW_BEFORE_APPLY;
                default -> Outcome.PAY;
            };
        });
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            // 100 proxies, so batching has parties to group
            ids.add(accrue(Debts.freshWallet(), 1_000_000L + i).id());
        }
        List<DebtRecoveryLoop> loops = List.of(
                loop(b -> b.instanceId("loop-1").batchSize(17).maxAttempts(1_000).random(new Random(seed))
                        .backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 50)),
                loop(b -> b.instanceId("loop-2").batchSize(23).maxAttempts(1_000).random(new Random(seed + 1))
                        .backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 50)));
        int threads = 8;
        int rounds = 0;
        while (ledger.countByStatus().get(DebtStatus.REPAID) < 1_000) {
            assertThat(rounds++).as("seed %d: every debt repaid within 60 rounds", seed).isLessThan(60);
            dev.copytrade.core.testkit.Concurrently.run(threads, i -> loops.get(i % 2).runOnce());
            clock.advance(Duration.ofMinutes(3));
        }

        for (long id : ids) {
            Debt d = ledger.findById(id).orElseThrow();
            assertThat(d.status()).as("seed %d debt %d", seed, id).isEqualTo(DebtStatus.REPAID);
            assertThat(settler.timesPaid(id)).as("seed %d debt %d paid exactly once", seed, id).isEqualTo(1);
            SimulatedDebtSettler.Payment paid = settler.payments().stream()
                    .filter(p -> p.paid() && p.repayment().debtIds().contains(id)).findFirst().orElseThrow();
            assertThat(d.repaymentRef()).as("seed %d debt %d", seed, id).isEqualTo(paid.reference());
        }
        assertThat(settler.duplicateRepayments()).as("seed %d: no key sent twice", seed).isZero();
        // the mix really happened: refusals, answers lost after paying (reconciled by lookups), retries
        assertThat(settler.payments().stream().filter(p -> !p.paid()).count()).as("seed %d", seed).isPositive();
        assertThat(settler.lookupCalls()).as("seed %d", seed).isPositive();
        assertThat(settler.repayCalls()).as("seed %d", seed).isGreaterThan(1_000);
        assertThat(rounds).as("seed %d: retries took more than one round", seed).isGreaterThan(1);
        assertThat(settler.payments().stream().filter(SimulatedDebtSettler.Payment::paid)
                .mapToLong(p -> p.repayment().amount()).sum())
                .as("seed %d: exactly what was owed was paid", seed)
                .isEqualTo(1_000 * 1_000_000L + 999L * 1_000 / 2);
    }

    // ---- operators ---------------------------------------------------------------------------------

    @Test
    @DisplayName("Scenario: An operator retries an escalated debt and writes off another")
    void operatorRetriesAndWritesOff() {
        settler.setDefault(Outcome.FAIL);
        Debt toRetry = accrue();
        Debt toWriteOff = accrue();
        DebtRecoveryLoop loop = loop(b -> b.maxAttempts(1));
        assertThat(loop.runOnce().escalated()).isEqualTo(2);
        DebtOperations ops = loop.operations();
        assertThat(ops.escalated(0, 10)).extracting(Debt::id).containsExactly(toRetry.id(), toWriteOff.id());
        assertThat(ops.open(0, 10)).isEmpty();

        settler.setDefault(Outcome.PAY);
        Debt retried = ops.retryNow(toRetry.id(), "ops:alice", "proxy topped up");
        assertThat(retried.status()).isEqualTo(DebtStatus.OPEN);
        assertThat(retried.nextAttemptAt()).isEqualTo(clock.instant());
        assertThat(ops.open(0, 10)).extracting(Debt::id).containsExactly(toRetry.id());
        Debt writtenOff = ops.writeOff(toWriteOff.id(), "ops:bob", "proxy closed; settled by hand");

        DebtRecoveryReport report = loop.runOnce();

        assertThat(report.repaid()).isEqualTo(1);
        assertThat(current(toRetry).status()).isEqualTo(DebtStatus.REPAID);
        assertThat(current(toRetry).attempts()).isEqualTo(2);
        assertThat(writtenOff.status()).isEqualTo(DebtStatus.WRITTEN_OFF);
        assertThat(ops.history(toWriteOff.id())).last().satisfies(e -> {
            assertThat(e.action()).isEqualTo(DebtAction.WRITTEN_OFF);
            assertThat(e.actor()).isEqualTo("ops:bob");
            assertThat(e.note()).isEqualTo("proxy closed; settled by hand");
        });
        assertThat(ops.history(toRetry.id())).extracting(DebtEvent::action).contains(DebtAction.RETRY_REQUESTED);
        assertThat(ledger.openAmountOwedBy(toWriteOff.debtor(), "USDC")).isZero();
        assertThat(listener.events).contains("retry:" + toRetry.id(), "writtenOff:" + toWriteOff.id(),
                "repaid:" + toRetry.id());
        assertThat(settler.timesPaid(toWriteOff.id())).isZero();

        assertThatThrownBy(() -> ops.writeOff(toWriteOff.id(), "ops", "again"))
                .isInstanceOf(IllegalDebtTransitionException.class);
        assertThatThrownBy(() -> ops.retryNow(toRetry.id(), "ops", null))
                .isInstanceOf(IllegalDebtTransitionException.class).hasMessageContaining("REPAID");
        assertThatThrownBy(() -> ops.writeOff(Long.MAX_VALUE, "ops", "x"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("debtId"));
        Debt open = accrue();
        assertThatThrownBy(() -> ops.writeOff(open.id(), "ops", " "))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.field()).isEqualTo("debtTransition.note"));
        assertThat(current(open)).isEqualTo(open);
    }

    @Test
    @DisplayName("Scenario: A write-off racing a recovery loop wins, and nothing is paid")
    void writeOffRacingTheLoop() {
        Debt debt = accrue();
        DebtOperations[] ops = new DebtOperations[1];
        // the loop has claimed the debt and reads the balance: the operator writes it off right then
        DebtRecoveryLoop loop = loop(b -> b.balanceSource((debtor, asset) -> {
            ops[0].writeOff(debt.id(), "ops:carol", "forgiven while the loop held it");
            return Long.MAX_VALUE;
        }));
        ops[0] = loop.operations();

        DebtRecoveryReport report = loop.runOnce();

        assertThat(report.claimed()).isEqualTo(1);
        assertThat(report.lost()).isEqualTo(1);
        assertThat(report.repayments()).isZero();
        assertThat(current(debt).status()).isEqualTo(DebtStatus.WRITTEN_OFF);
        assertThat(settler.repayCalls()).isZero();
    }

    @Test
    @DisplayName("a REPAYING debt can be neither written off nor retried")
    void repayingDebtIsUntouchable() {
        Debt debt = accrue();
        settler.enqueue(Outcome.UNKNOWN_AFTER_APPLY);
        DebtRecoveryLoop loop = loop();
        loop.runOnce();

        assertThatThrownBy(() -> loop.operations().writeOff(debt.id(), "ops", "give up"))
                .isInstanceOfSatisfying(IllegalDebtTransitionException.class, e -> {
                    assertThat(e.from()).isEqualTo(DebtStatus.REPAYING);
                    assertThat(e.to()).isEqualTo(DebtStatus.WRITTEN_OFF);
                });
        assertThatThrownBy(() -> loop.operations().retryNow(debt.id(), "ops", "now"))
                .isInstanceOf(IllegalDebtTransitionException.class);
        assertThat(current(debt).status()).isEqualTo(DebtStatus.REPAYING);
    }

    // ---- lifecycle and configuration ---------------------------------------------------------------

    @Test
    @DisplayName("Scenario: The recovery loop runs at start-up and stops on close")
    void runsAtStartUp() throws Exception {
        Debt debt = accrue();
        CountDownLatch repaid = new CountDownLatch(1);
        DebtRecoveryLoop loop = loop(b -> b.interval(Duration.ofHours(1)).listener(new DebtListener() {
            @Override
            public void onRepaid(Debt d) {
                repaid.countDown();
            }
        }));

        try (DebtRecoveryLoop started = loop.start()) {
            assertThat(repaid.await(30, TimeUnit.SECONDS)).as("repaid by the start-up run").isTrue();
            assertThatThrownBy(started::start).isInstanceOf(IllegalStateException.class);
        }
        assertThat(current(debt).status()).isEqualTo(DebtStatus.REPAID);
        loop.close();
    }

    @Test
    @DisplayName("the builder names the first bad setting")
    void builderNamesBadSettings() {
        record Bad(String field, UnaryOperator<DebtRecoveryLoop.Builder> config) {}
        List<Bad> bad = List.of(
                new Bad("interval", b -> b.interval(Duration.ZERO)),
                new Bad("claimLease", b -> b.claimLease(Duration.ofSeconds(-1))),
                new Bad("backoffBase", b -> b.backoff(Duration.ofMinutes(2), Duration.ofMinutes(1), 10)),
                new Bad("backoffMax", b -> b.backoff(Duration.ofSeconds(1), Duration.ofDays(400), 10)),
                new Bad("jitterPercent", b -> b.backoff(Duration.ofSeconds(1), Duration.ofSeconds(2), 101)),
                new Bad("maxAttempts", b -> b.maxAttempts(0)),
                new Bad("batchSize", b -> b.batchSize(0)),
                new Bad("maxDebtsPerRepayment", b -> b.batchRepayments(true, 0)),
                new Bad("fundsRecheck", b -> b.fundsRecheck(null)),
                new Bad("instanceId", b -> b.instanceId(" ")),
                new Bad("clock", b -> b.clock(null)));
        for (Bad b : bad) {
            assertThatThrownBy(() -> loop(b.config()))
                    .as(b.field())
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(b.field()));
        }
        assertThatThrownBy(() -> DebtRecoveryLoop.builder(null, settler).build())
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("ledger"));
        assertThatThrownBy(() -> DebtRecoveryLoop.builder(ledger, null).build())
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("settler"));
    }
}
