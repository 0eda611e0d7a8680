package dev.copytrade.core.testkit;

import static dev.copytrade.core.record.RecordStatus.EXECUTED;
import static dev.copytrade.core.record.RecordStatus.EXPIRED;
import static dev.copytrade.core.record.RecordStatus.FAILED;
import static dev.copytrade.core.record.RecordStatus.PENDING;
import static dev.copytrade.core.record.RecordStatus.SKIPPED;
import static dev.copytrade.core.record.RecordStatus.SUBMITTED;
import static dev.copytrade.core.record.RecordStatus.UNKNOWN;
import static dev.copytrade.core.testkit.Records.OWNER;
import static dev.copytrade.core.testkit.Records.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copytrade.core.debt.Debt;
import dev.copytrade.core.debt.DebtDraft;
import dev.copytrade.core.debt.DebtEvent;
import dev.copytrade.core.debt.DebtLedger;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.FollowerId;
import dev.copytrade.core.model.IdempotencyKey;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.Fill;
import dev.copytrade.core.record.IllegalTransitionException;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordDraft;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.record.Transition;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.store.PrewriteResult;
import dev.copytrade.core.store.TransitionResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link CopyTradeStore} must have. Subclass it and return the store under test.
 *
 * <p>The suite only uses the SPI and tolerates a store shared by all its tests (a database that is not
 * wiped between them): every test makes records with fresh keys, looks only at its own records, and
 * checks {@code countByStatus} as a delta. The {@code claimStale} tests first lease away whatever is
 * already stale at their clock (to a far-future lease), so they must not run concurrently with another
 * sweeper on the same store.
 */
public abstract class CopyTradeStoreContract {
    /** No store under test hands out this id: they count up from small numbers. */
    private static final long UNKNOWN_ID = Long.MAX_VALUE - 42;
    private static final Instant FAR_FUTURE = T0.plus(Duration.ofDays(36_500));
    private static final int RACING_RECORDS = 100;

    /** The store under test; called once or more per test, may return the same instance every time. */
    protected abstract CopyTradeStore store();

    /**
     * The debt ledger the store records a transition's debts in, to read them back; {@code null} (the
     * default) skips the debt cases, for a store built without debts.
     */
    protected DebtLedger debtLedger() {
        return null;
    }

    /**
     * A second store over the same records, as another process would have: a database store on its own
     * connection pool. The batch races use it for the other side. Default: the same store.
     */
    protected CopyTradeStore otherStore() {
        return store();
    }

    /** The test clock: {@link Records#T0} plus {@code seconds}. */
    protected static Instant now(long seconds) {
        return T0.plusSeconds(seconds);
    }

    // ---- prewrite -------------------------------------------------------------------------------

    @Test
    @DisplayName("prewrite inserts once, then returns the record as it now is with inserted=false")
    void prewriteInsertsThenReturnsTheExistingRecord() {
        LeaderTrade trade = Records.trade();
        Follower follower = Records.follower();
        RecordDraft draft = Records.pending(trade, follower, Map.of("sizing", "fixed"), OWNER, now(300));

        PrewriteResult first = store().prewrite(draft);

        assertThat(first.inserted()).isTrue();
        CopyTradeRecord record = first.record();
        assertThat(record.id()).isPositive();
        assertThat(record).isEqualTo(draft.toRecord(record.id()));
        assertThat(record.version()).isZero();
        assertThat(store().findById(record.id())).contains(record);
        assertThat(store().findByKey(draft.key())).contains(record);

        PrewriteResult again = store().prewrite(Records.redelivery(draft));
        assertThat(again).isEqualTo(new PrewriteResult(record, false));

        CopyTradeRecord submitted = move(record, SUBMITTED, now(1));
        assertThat(store().prewrite(draft)).isEqualTo(new PrewriteResult(submitted, false));
        assertThat(store().findByKey(draft.key())).contains(submitted);
    }

    @Test
    @DisplayName("SKIPPED drafts are stored terminal, with their reason and without a lease")
    void skippedDraftsAreStored() {
        RecordDraft sizingSkip = Records.skipped();
        CopyTradeRecord skipped = prewriteNew(sizingSkip);
        assertThat(skipped).isEqualTo(sizingSkip.toRecord(skipped.id()));
        assertThat(skipped.status()).isEqualTo(SKIPPED);
        assertThat(skipped.reason()).isEqualTo(ReasonCode.BELOW_MIN_PER_TRADE);
        assertThat(skipped.order()).isNull();
        assertThat(skipped.leaseOwner()).isNull();
        assertThat(skipped.leaseUntil()).isNull();
        assertThat(store().prewrite(Records.redelivery(sizingSkip))).isEqualTo(new PrewriteResult(skipped, false));

        LeaderTrade trade = Records.trade();
        Follower follower = Records.follower();
        RecordDraft dryRun = RecordDraft.skipped(trade, follower.id(), follower.wallet(), follower.signer(),
                Records.order(trade), ReasonCode.DRY_RUN, Map.of("mode", "dry-run"), true, T0);
        CopyTradeRecord dry = prewriteNew(dryRun);
        assertThat(dry).isEqualTo(dryRun.toRecord(dry.id()));
        assertThat(dry.dryRun()).isTrue();
        assertThat(dry.order()).isEqualTo(Records.order(trade));
    }

    @Test
    @DisplayName("Scenario: Prewrite of the same key from many threads inserts once")
    void prewriteOfTheSameKeyFromManyThreadsInsertsOnce() {
        for (int round = 0; round < 20; round++) {
            LeaderTrade trade = Records.trade();
            Follower follower = Records.follower();
            List<PrewriteResult> results = Concurrently.run(16, i -> store().prewrite(
                    Records.pending(trade, follower, Map.of("thread", String.valueOf(i)), "executor-" + i, now(300))));

            List<PrewriteResult> inserted = results.stream().filter(PrewriteResult::inserted).toList();
            assertThat(inserted).as("round %d", round).hasSize(1);
            CopyTradeRecord winner = inserted.get(0).record();
            assertThat(results).as("round %d", round).extracting(PrewriteResult::record).containsOnly(winner);
            assertThat(store().findByKey(winner.key())).contains(winner);
        }
    }

    @Test
    @DisplayName("Scenario: Batch prewrite mixes new, existing and repeated keys")
    void batchPrewriteMixesNewExistingAndRepeatedKeys() {
        RecordDraft existingDraft = Records.pending(now(300));
        CopyTradeRecord existing = prewriteNew(existingDraft);
        RecordDraft a = Records.pending(now(300));
        RecordDraft b = Records.skipped();
        RecordDraft c = Records.pending(now(300));

        List<PrewriteResult> results = store().prewriteAll(
                List.of(a, Records.redelivery(existingDraft), b, Records.redelivery(a), c));

        assertThat(results).extracting(PrewriteResult::inserted).containsExactly(true, false, true, false, true);
        CopyTradeRecord newA = results.get(0).record();
        assertThat(newA).isEqualTo(a.toRecord(newA.id()));
        assertThat(results.get(1).record()).isEqualTo(existing);
        assertThat(results.get(2).record()).isEqualTo(b.toRecord(results.get(2).record().id()));
        assertThat(results.get(3).record()).isEqualTo(newA);
        assertThat(results.get(4).record()).isEqualTo(c.toRecord(results.get(4).record().id()));
        assertThat(results.stream().map(r -> r.record().id()).distinct()).as("a, existing, b and c are four records")
                .hasSize(4);
        for (PrewriteResult r : results) {
            assertThat(store().findByKey(r.record().key())).contains(r.record());
        }
        assertThat(store().prewriteAll(List.of())).isEmpty();
    }

    @Test
    @DisplayName("Scenario: A batch prewrite racing another pool on its keys inserts each key once")
    void batchPrewriteRacingAnotherPoolInsertsEachKeyOnce() {
        for (int round = 0; round < 5; round++) {
            // more than one PostgreSQL statement's worth: 700 existing, 1,000 new, 600 raced from the other pool
            List<RecordDraft> existingDrafts = drafts(700);
            Map<String, CopyTradeRecord> existing = new HashMap<>();
            for (PrewriteResult r : store().prewriteAll(existingDrafts)) {
                existing.put(r.record().key().value(), r.record());
            }
            List<RecordDraft> fresh = drafts(1_000);
            List<RecordDraft> raced = drafts(600);
            List<RecordDraft> batch = new ArrayList<>();
            for (int i = 0; i < 2_300; i++) {
                batch.add(i % 23 < 7 ? existingDrafts.get(i / 23 * 7 + i % 23)
                        : i % 23 < 17 ? fresh.get(i / 23 * 10 + i % 23 - 7) : raced.get(i / 23 * 6 + i % 23 - 17));
            }
            List<RecordDraft> racedReversed = new ArrayList<>(raced.subList(300, 600));
            java.util.Collections.reverse(racedReversed);

            List<List<PrewriteResult>> sides = Concurrently.run(3, side -> switch (side) {
                case 0 -> store().prewriteAll(batch);
                // the other pool: the first half one by one, the second half as a batch in reverse order
                case 1 -> raced.subList(0, 300).stream().map(d -> otherStore().prewrite(Records.redelivery(d))).toList();
                default -> otherStore().prewriteAll(racedReversed.stream().map(Records::redelivery).toList());
            });

            String context = "round " + round;
            List<PrewriteResult> mine = sides.get(0);
            assertThat(mine).as(context).hasSize(batch.size());
            Map<String, PrewriteResult> others = new HashMap<>();
            sides.get(1).forEach(r -> others.put(r.record().key().value(), r));
            sides.get(2).forEach(r -> others.put(r.record().key().value(), r));
            for (int i = 0; i < batch.size(); i++) {
                RecordDraft d = batch.get(i);
                PrewriteResult r = mine.get(i);
                String k = d.key().value();
                assertThat(store().findByKey(d.key())).as(context).contains(r.record());
                if (existing.containsKey(k)) {
                    assertThat(r).as(context + " existing").isEqualTo(new PrewriteResult(existing.get(k), false));
                } else if (!others.containsKey(k)) {
                    assertThat(r.inserted()).as(context + " new").isTrue();
                    assertThat(r.record()).as(context).isEqualTo(d.toRecord(r.record().id()));
                } else {
                    PrewriteResult theirs = others.get(k);
                    assertThat(r.inserted() ^ theirs.inserted()).as(context + " raced: exactly one side inserts " + k)
                            .isTrue();
                    assertThat(r.record()).as(context).isEqualTo(theirs.record());
                    assertThat(r.record().detail()).as(context + " the winner's draft is what is stored")
                            .isEqualTo(r.inserted() ? d.detail() : Map.of("delivery", "again"));
                }
            }
        }
    }

    private static List<RecordDraft> drafts(int n) {
        List<RecordDraft> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(Records.pending(now(300)));
        }
        return out;
    }

    // ---- transition -----------------------------------------------------------------------------

    @Test
    @DisplayName("transition applies when the record is in the expected state")
    void transitionAppliesFromTheExpectedState() {
        CopyTradeRecord pending = pending();
        Transition t = Transition.submitted(pending.id(), now(5), "order-1", 7L, "executor-2", now(600));

        TransitionResult result = store().transition(t);

        assertThat(result.applied()).isTrue();
        assertThat(result.transition()).isEqualTo(t);
        CopyTradeRecord submitted = result.current();
        assertThat(submitted.status()).isEqualTo(SUBMITTED);
        assertThat(submitted.venueRef()).isEqualTo("order-1");
        assertThat(submitted.nonce()).isEqualTo(7L);
        assertThat(submitted.leaseOwner()).isEqualTo("executor-2");
        assertThat(submitted.leaseUntil()).isEqualTo(now(600));
        assertThat(submitted.updatedAt()).isEqualTo(now(5));
        assertThat(submitted.createdAt()).isEqualTo(pending.createdAt());
        assertThat(submitted.version()).isEqualTo(1);
        assertThat(submitted).isEqualTo(pending.apply(t));
        assertThat(store().findById(pending.id())).contains(submitted);
    }

    @Test
    @DisplayName("transition from the wrong state loses and changes nothing")
    void transitionFromTheWrongStateLoses() {
        CopyTradeRecord pending = pending();

        TransitionResult result = store().transition(Records.transition(pending.id(), SUBMITTED, FAILED, now(5)));

        assertThat(result.applied()).isFalse();
        assertThat(result.current()).isEqualTo(pending);
        assertThat(store().findById(pending.id())).contains(pending);
    }

    @Test
    @DisplayName("transition of an unknown id is not applied and has no current record")
    void transitionOfAnUnknownId() {
        TransitionResult result = store().transition(Records.transition(UNKNOWN_ID, PENDING, SUBMITTED, now(5)));

        assertThat(result.applied()).isFalse();
        assertThat(result.current()).isNull();
        assertThat(store().findById(UNKNOWN_ID)).isEmpty();
    }

    @Test
    @DisplayName("Scenario: Two racing transitions have one winner")
    void twoRacingTransitionsHaveOneWinner() {
        for (int n = 0; n < RACING_RECORDS; n++) {
            CopyTradeRecord submitted = recordIn(SUBMITTED);
            List<TransitionResult> results = Concurrently.run(4, i -> store().transition(
                    Records.transition(submitted.id(), SUBMITTED, i % 2 == 0 ? EXECUTED : FAILED, now(10 + i))));

            List<TransitionResult> winners = results.stream().filter(TransitionResult::applied).toList();
            assertThat(winners).as("record %d", submitted.id()).hasSize(1);
            Transition won = winners.get(0).transition();
            CopyTradeRecord stored = store().findById(submitted.id()).orElseThrow();
            assertThat(stored.status()).isEqualTo(won.to());
            assertThat(stored.updatedAt()).isEqualTo(won.at());
            assertThat(stored.version()).isEqualTo(submitted.version() + 1);
            assertThat(results).as("every racer sees the winner's record")
                    .extracting(TransitionResult::current).containsOnly(stored);
        }
    }

    @Test
    @DisplayName("Scenario: Illegal transition is rejected")
    void illegalTransitionIsRejected() {
        CopyTradeRecord pending = recordIn(PENDING);
        CopyTradeRecord executed = recordIn(EXECUTED);
        Fill fill = Records.fill();

        assertIllegal(() -> Transition.executed(executed.id(), EXECUTED, now(9), fill, Map.of()), EXECUTED, EXECUTED);
        assertIllegal(() -> Transition.failed(executed.id(), EXECUTED, now(9), ReasonCode.VENUE_REJECTED, "late"),
                EXECUTED, FAILED);
        assertIllegal(() -> new Transition(pending.id(), PENDING, PENDING, now(9), null, null, null, null, null, "?",
                null, null), PENDING, PENDING);
        assertIllegal(() -> new Transition(executed.id(), UNKNOWN, SUBMITTED, now(9), null, null, null, null, null, "?",
                null, null), UNKNOWN, SUBMITTED);
        assertIllegal(() -> Records.transition(executed.id(), EXECUTED, SUBMITTED, now(9)), EXECUTED, SUBMITTED);
        assertIllegal(() -> Records.transition(pending.id(), PENDING, PENDING, now(9)), PENDING, PENDING);

        assertThat(store().findById(pending.id())).contains(pending);
        assertThat(store().findById(executed.id())).contains(executed);
    }

    @Test
    @DisplayName("the lease is kept in flight and cleared when the record leaves flight")
    void leaseIsClearedWhenLeavingFlight() {
        CopyTradeRecord pending = pending();
        CopyTradeRecord submitted = store().transition(
                Transition.submitted(pending.id(), now(1), null, null, null, null)).current();
        assertThat(submitted.leaseOwner()).isEqualTo(OWNER);
        assertThat(submitted.leaseUntil()).isEqualTo(pending.leaseUntil());

        for (CopyTradeRecord left : List.of(move(submitted, EXECUTED, now(2)), move(recordIn(SUBMITTED), UNKNOWN, now(2)),
                move(pending(), FAILED, now(2)), move(pending(), EXPIRED, now(2)), move(pending(), SKIPPED, now(2)))) {
            assertThat(left.leaseOwner()).as("%s", left.status()).isNull();
            assertThat(left.leaseUntil()).as("%s", left.status()).isNull();
        }
    }

    @Test
    @DisplayName("transition merges detail, keeps fields it leaves null and counts versions")
    void transitionMergesDetailAndCountsVersions() {
        RecordDraft draft = Records.pending(Records.trade(), Records.follower(), Map.of("a", "1", "b", "2"), OWNER,
                now(300));
        CopyTradeRecord v0 = prewriteNew(draft);
        CopyTradeRecord v1 = applied(new Transition(v0.id(), PENDING, SUBMITTED, now(1), null,
                Map.of("b", "3", "c", "4"), "ref-1", 7L, null, null, null, null));
        assertThat(v1.detail()).isEqualTo(Map.of("a", "1", "b", "3", "c", "4"));

        CopyTradeRecord v2 = applied(Transition.amend(v0.id(), now(2), null, null, "timed out"));
        assertThat(v2.detail()).isEqualTo(v1.detail());
        assertThat(v2.venueRef()).isEqualTo("ref-1");
        assertThat(v2.nonce()).isEqualTo(7L);
        assertThat(v2.lastError()).isEqualTo("timed out");

        CopyTradeRecord v3 = applied(Transition.amend(v0.id(), now(3), "ref-2", 8L, null));
        assertThat(v3.venueRef()).isEqualTo("ref-2");
        assertThat(v3.nonce()).isEqualTo(8L);
        assertThat(v3.lastError()).isEqualTo("timed out");

        assertThat(store().transition(Records.transition(v0.id(), PENDING, FAILED, now(4))).applied()).isFalse();

        Fill fill = Records.fill();
        CopyTradeRecord v4 = applied(Transition.executed(v0.id(), SUBMITTED, now(5), fill, Map.of("filled", "all")));
        assertThat(v4.fill()).isEqualTo(fill);
        assertThat(v4.venueRef()).isEqualTo(fill.venueRef());
        assertThat(v4.detail()).containsEntry("a", "1").containsEntry("filled", "all");
        assertThat(List.of(v0, v1, v2, v3, v4)).extracting(CopyTradeRecord::version).containsExactly(0, 1, 2, 3, 4);
        assertThat(v4.createdAt()).isEqualTo(v0.createdAt());
        assertThat(v4.updatedAt()).isEqualTo(now(5));
    }

    @Test
    @DisplayName("transitionAll applies each transition as if alone, in input order")
    void transitionAllWinsAndLosesPerRecord() {
        CopyTradeRecord p1 = pending();
        CopyTradeRecord p2 = pending();
        CopyTradeRecord p3 = pending();
        CopyTradeRecord s4 = recordIn(SUBMITTED);
        List<Transition> batch = List.of(
                Records.transition(p1.id(), PENDING, SUBMITTED, now(7)),
                Records.transition(p2.id(), SUBMITTED, FAILED, now(7)),
                Records.transition(UNKNOWN_ID, PENDING, SUBMITTED, now(7)),
                Records.transition(s4.id(), SUBMITTED, EXECUTED, now(7)),
                Records.transition(p3.id(), PENDING, EXPIRED, now(7)),
                // the same record again: the transition before it already moved p3 on
                Records.transition(p3.id(), PENDING, FAILED, now(8)));

        List<TransitionResult> results = store().transitionAll(batch);

        assertThat(results).extracting(TransitionResult::transition).containsExactlyElementsOf(batch);
        assertThat(results).extracting(TransitionResult::applied).containsExactly(true, false, false, true, true, false);
        assertThat(results.get(1).current()).isEqualTo(p2);
        assertThat(results.get(2).current()).isNull();
        assertThat(results.get(5).current()).isEqualTo(results.get(4).current());
        assertThat(List.of(p1, p2, s4, p3)).extracting(r -> store().findById(r.id()).orElseThrow().status())
                .containsExactly(SUBMITTED, PENDING, EXECUTED, EXPIRED);
        for (TransitionResult r : List.of(results.get(0), results.get(3), results.get(4))) {
            assertThat(store().findById(r.transition().id())).contains(r.current());
        }
        assertThat(store().transitionAll(List.of())).isEmpty();
    }

    @Test
    @DisplayName("transitionAll with the caller's copies returns what transitionAll returns, stale copies included")
    void transitionAllWithCopiesMatchesTheRows() {
        CopyTradeRecord fresh = pending();
        CopyTradeRecord moved = pending();
        CopyTradeRecord renewed = pending();
        CopyTradeRecord renewedKept = pending();
        CopyTradeRecord lost = pending();
        CopyTradeRecord unknownCopy = pending();
        // behind the caller's back: another actor moves one, a lease is renewed (no version change) on two
        CopyTradeRecord movedNow = move(moved, SUBMITTED, now(1));
        assertThat(store().renewLease(renewed.id(), PENDING, OWNER, now(900))).isTrue();
        assertThat(store().renewLease(renewedKept.id(), PENDING, OWNER, now(900))).isTrue();
        move(lost, EXPIRED, now(1));
        List<CopyTradeRecord> copies = java.util.Arrays.asList(fresh, moved, renewed, renewedKept, lost, null);
        List<Transition> batch = List.of(
                Records.transition(fresh.id(), PENDING, EXECUTED, now(7)),
                Records.transition(moved.id(), SUBMITTED, FAILED, now(7)),
                Records.transition(renewed.id(), PENDING, FAILED, now(7)),
                Transition.submitted(renewedKept.id(), now(7), "ref-7", 7L, null, null),
                Records.transition(lost.id(), PENDING, EXECUTED, now(7)),
                Records.transition(unknownCopy.id(), PENDING, SKIPPED, now(7)));

        List<TransitionResult> results = store().transitionAll(copies, batch);

        assertThat(results).extracting(TransitionResult::transition).containsExactlyElementsOf(batch);
        assertThat(results).extracting(TransitionResult::applied).containsExactly(true, true, true, true, false, true);
        for (TransitionResult r : results) {
            assertThat(store().findById(r.transition().id())).as("%s", r.transition()).contains(r.current());
        }
        assertThat(results.get(0).current()).isEqualTo(fresh.apply(batch.get(0)));
        assertThat(results.get(1).current().version()).isEqualTo(movedNow.version() + 1);
        assertThat(results.get(3).current().leaseUntil()).as("the renewed lease is kept").isEqualTo(now(900));
        assertThat(results.get(4).current().status()).isEqualTo(EXPIRED);
        assertThat(store().transitionAll(List.of(), List.of())).isEmpty();
        assertThatThrownBy(() -> store().transitionAll(List.of(fresh), List.of()))
                .isInstanceOfSatisfying(dev.copytrade.core.model.InvalidInputException.class,
                        e -> assertThat(e.field()).isEqualTo("current"));
    }

    // ---- leases ---------------------------------------------------------------------------------

    @Test
    @DisplayName("renewLease extends only the same owner's lease in the expected state")
    void renewLeaseOnlyForSameOwnerAndStatus() {
        CopyTradeRecord pending = pending();

        assertThat(store().renewLease(pending.id(), PENDING, OWNER, now(900))).isTrue();
        CopyTradeRecord renewed = store().findById(pending.id()).orElseThrow();
        assertThat(renewed.leaseOwner()).isEqualTo(OWNER);
        assertThat(renewed.leaseUntil()).isEqualTo(now(900));
        assertThat(renewed.status()).isEqualTo(PENDING);

        assertThat(store().renewLease(pending.id(), PENDING, "someone-else", now(1200))).isFalse();
        assertThat(store().renewLease(pending.id(), SUBMITTED, OWNER, now(1200))).isFalse();
        assertThat(store().renewLease(UNKNOWN_ID, PENDING, OWNER, now(1200))).isFalse();
        assertThat(store().findById(pending.id()).orElseThrow().leaseUntil()).isEqualTo(now(900));

        CopyTradeRecord handedOver = applied(
                Transition.submitted(pending.id(), now(2), null, null, "executor-2", now(600)));
        assertThat(store().renewLease(pending.id(), SUBMITTED, OWNER, now(1200))).isFalse();
        assertThat(store().renewLease(pending.id(), SUBMITTED, "executor-2", now(1200))).isTrue();

        CopyTradeRecord failed = move(handedOver, FAILED, now(3));
        assertThat(store().renewLease(pending.id(), FAILED, "executor-2", now(1500))).isFalse();
        assertThat(store().renewLease(pending.id(), SUBMITTED, "executor-2", now(1500))).isFalse();
        assertThat(store().findById(pending.id())).contains(failed);
    }

    @Test
    @DisplayName("Scenario: Stale in-flight records are claimed once")
    void staleInFlightRecordsAreClaimedOnce() {
        Instant t = now(3600);
        Instant newLease = t.plusSeconds(60);
        leaseAwayEverythingStaleAt(t);
        Set<Long> stale = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            // i == 0: a lease that ends exactly now has ended
            CopyTradeRecord r = prewriteNew(Records.pending(t.minusSeconds(i)));
            stale.add((i % 2 == 0 ? r : move(r, SUBMITTED, now(1))).id());
        }
        Map<Long, CopyTradeRecord> live = new HashMap<>();
        for (int i = 1; i <= 10; i++) {
            CopyTradeRecord r = prewriteNew(Records.pending(t.plusMillis(i)));
            live.put(r.id(), r);
        }

        List<Set<Long>> claimed = Concurrently.run(2, i -> claimAll(t, "sweeper-" + i, newLease));

        // one sweeper may legitimately get everything; what may never happen is a record claimed by both
        Set<Long> byBoth = new HashSet<>(claimed.get(0));
        byBoth.retainAll(claimed.get(1));
        assertThat(byBoth).as("claimed by both sweepers").isEmpty();
        Set<Long> union = new HashSet<>(claimed.get(0));
        union.addAll(claimed.get(1));
        assertThat(union).containsExactlyInAnyOrderElementsOf(stale);
        for (int i = 0; i < 2; i++) {
            for (long id : claimed.get(i)) {
                CopyTradeRecord r = store().findById(id).orElseThrow();
                assertThat(r.leaseOwner()).isEqualTo("sweeper-" + i);
                assertThat(r.leaseUntil()).isEqualTo(newLease);
                assertThat(store().renewLease(id, r.status(), OWNER, FAR_FUTURE)).as("the old owner lost it").isFalse();
            }
        }
        for (CopyTradeRecord r : live.values()) {
            assertThat(store().findById(r.id())).contains(r);
        }

        assertThat(ids(store().claimStale(t.plusSeconds(30), 10_000, "early", FAR_FUTURE)))
                .doesNotContainAnyElementsOf(stale);
        assertThat(ids(store().claimStale(newLease, 10_000, "late", FAR_FUTURE))).containsAll(stale);
    }

    @Test
    @DisplayName("claimStale respects the limit and takes the oldest lease first")
    void claimStaleRespectsLimitOldestLeaseFirst() {
        Instant t = now(7200);
        leaseAwayEverythingStaleAt(t);
        // created out of lease order, so that id order would give a different answer
        long[] secondsBefore = {3, 0, 5, 1, 4, 2};
        Map<Long, Long> idBySecondsBefore = new HashMap<>();
        for (long s : secondsBefore) {
            idBySecondsBefore.put(s, prewriteNew(Records.pending(t.minusSeconds(s))).id());
        }
        CopyTradeRecord live = prewriteNew(Records.pending(t.plusSeconds(1)));

        assertThat(store().claimStale(t, 0, "sweeper", now(9000))).isEmpty();
        List<CopyTradeRecord> first = store().claimStale(t, 4, "sweeper", now(9000));
        List<CopyTradeRecord> rest = store().claimStale(t, 10, "sweeper", now(9000));

        assertThat(ids(first)).containsExactly(idBySecondsBefore.get(5L), idBySecondsBefore.get(4L),
                idBySecondsBefore.get(3L), idBySecondsBefore.get(2L));
        assertThat(ids(rest)).containsExactly(idBySecondsBefore.get(1L), idBySecondsBefore.get(0L));
        assertThat(first).allSatisfy(r -> {
            assertThat(r.leaseOwner()).isEqualTo("sweeper");
            assertThat(r.leaseUntil()).isEqualTo(now(9000));
            assertThat(r.status()).isEqualTo(PENDING);
            assertThat(store().findById(r.id())).contains(r);
        });
        assertThat(store().claimStale(t, 10, "sweeper", now(9000))).isEmpty();
        assertThat(store().findById(live.id())).contains(live);
    }

    // ---- queries --------------------------------------------------------------------------------

    @Test
    @DisplayName("findById and findByKey find nothing for unknown ids and keys")
    void findUnknown() {
        assertThat(store().findById(UNKNOWN_ID)).isEmpty();
        assertThat(store().findByKey(IdempotencyKey.of(Records.uniqueSignal(), FollowerId.of("nobody")))).isEmpty();
    }

    @Test
    @DisplayName("findByStatus returns records of that status by ascending id, up to the limit")
    void findByStatusOrdersByIdWithinLimit() {
        List<CopyTradeRecord> mine = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            mine.add(recordIn(EXPIRED));
        }
        Set<Long> mineIds = Set.copyOf(ids(mine));

        List<CopyTradeRecord> all = store().findByStatus(EXPIRED, Integer.MAX_VALUE);

        assertThat(all).allSatisfy(r -> assertThat(r.status()).isEqualTo(EXPIRED));
        assertThat(ids(all)).doesNotHaveDuplicates().isSorted();
        assertThat(all.stream().filter(r -> mineIds.contains(r.id())).toList())
                .containsExactlyElementsOf(mine.stream().sorted(Comparator.comparingLong(CopyTradeRecord::id)).toList());
        assertThat(store().findByStatus(EXPIRED, 2)).containsExactlyElementsOf(all.subList(0, 2));
        assertThat(store().findByStatus(EXPIRED, 0)).isEmpty();
    }

    @Test
    @DisplayName("countByStatus names every state and counts each new record once")
    void countByStatusCountsEveryState() {
        Map<RecordStatus, Long> before = store().countByStatus();
        assertThat(before).containsOnlyKeys(RecordStatus.values());

        pending();
        recordIn(SUBMITTED);
        recordIn(SKIPPED);
        recordIn(UNKNOWN);

        Map<RecordStatus, Long> after = store().countByStatus();
        Map<RecordStatus, Long> delta = new EnumMap<>(RecordStatus.class);
        for (RecordStatus s : RecordStatus.values()) {
            delta.put(s, after.get(s) - before.get(s));
        }
        assertThat(delta).containsExactlyInAnyOrderEntriesOf(Map.of(SKIPPED, 1L, PENDING, 1L, SUBMITTED, 1L,
                EXECUTED, 0L, FAILED, 0L, EXPIRED, 0L, UNKNOWN, 1L));
    }

    // ---- debts ----------------------------------------------------------------------------------

    @Test
    @DisplayName("Scenario: A record's final state and its debts are written together")
    void finalStateAndDebtsAreWrittenTogether() {
        DebtLedger ledger = requireDebtLedger();
        CopyTradeRecord submitted = recordIn(SUBMITTED);
        Address proxy = Debts.freshWallet();
        DebtDraft reimburse = Debts.draft(submitted.id(), "reimburse", proxy, 4_500_000, now(10));
        DebtDraft fee = new DebtDraft(submitted.id(), "fee", Debts.BOT, proxy, "USDC", 10_000, "fee refund failed",
                now(10));
        Transition t = Transition.executed(submitted.id(), SUBMITTED, now(10), Records.fill(), Map.of())
                .withDebts(List.of(reimburse, fee));

        TransitionResult result = store().transition(t);

        assertThat(result.applied()).isTrue();
        assertThat(result.current().status()).isEqualTo(EXECUTED);
        List<Debt> debts = ledger.findByRecord(submitted.id());
        assertThat(debts).hasSize(2);
        Debt owedByProxy = ledger.findByLeg(submitted.id(), "reimburse").orElseThrow();
        Debt owedByBot = ledger.findByLeg(submitted.id(), "fee").orElseThrow();
        assertThat(owedByProxy).isEqualTo(reimburse.toDebt(owedByProxy.id()));
        assertThat(owedByBot).isEqualTo(fee.toDebt(owedByBot.id()));
        assertThat(ledger.history(owedByProxy.id())).containsExactly(DebtEvent.accrued(owedByProxy));
        assertThat(ledger.openAmountOwedBy(proxy, "USDC")).isEqualTo(4_500_000);

        CopyTradeRecord rejected = recordIn(PENDING);
        Transition failed = Transition.failed(rejected.id(), PENDING, now(11), ReasonCode.VENUE_REJECTED, "rejected")
                .withDebts(List.of(Debts.draft(rejected.id(), "refund", proxy, 1_000_000, now(11))));
        assertThat(store().transitionAll(List.of(failed))).singleElement()
                .satisfies(r -> assertThat(r.applied()).isTrue());
        assertThat(ledger.findByRecord(rejected.id())).extracting(Debt::legId).containsExactly("refund");
    }

    @Test
    @DisplayName("a transition that loses its compare-and-set records none of its debts")
    void losingTransitionRecordsNoDebts() {
        DebtLedger ledger = requireDebtLedger();
        CopyTradeRecord executed = recordIn(EXECUTED);
        CopyTradeRecord pending = recordIn(PENDING);
        Transition late = Transition.failed(executed.id(), SUBMITTED, now(20), ReasonCode.VENUE_REJECTED, "late")
                .withDebts(List.of(Debts.draft(executed.id(), "refund", Debts.freshWallet(), 5, now(20))));
        Transition wrongState = Transition.executed(pending.id(), SUBMITTED, now(20), Records.fill(), Map.of())
                .withDebts(List.of(Debts.draft(pending.id(), "reimburse", Debts.freshWallet(), 5, now(20))));

        assertThat(store().transition(late).applied()).isFalse();
        assertThat(store().transitionAll(List.of(wrongState))).singleElement()
                .satisfies(r -> assertThat(r.applied()).isFalse());

        assertThat(ledger.findByRecord(executed.id())).isEmpty();
        assertThat(ledger.findByRecord(pending.id())).isEmpty();
        assertThat(store().findById(pending.id())).contains(pending);
    }

    @Test
    @DisplayName("a debt already recorded for a leg is not recorded again by a transition carrying it")
    void debtAlreadyRecordedIsNotRecordedAgain() {
        DebtLedger ledger = requireDebtLedger();
        CopyTradeRecord submitted = recordIn(SUBMITTED);
        Address proxy = Debts.freshWallet();
        Debt earlier = ledger.accrue(Debts.draft(submitted.id(), "reimburse", proxy, 4_500_000, now(5))).debt();

        TransitionResult result = store().transition(
                Transition.executed(submitted.id(), SUBMITTED, now(10), Records.fill(), Map.of())
                        .withDebts(List.of(Debts.draft(submitted.id(), "reimburse", proxy, 9_000_000, now(10)))));

        assertThat(result.applied()).isTrue();
        assertThat(ledger.findByRecord(submitted.id())).containsExactly(earlier);
        assertThat(ledger.history(earlier.id())).hasSize(1);
    }

    @Test
    @DisplayName("Scenario: Racing final writes carrying debts leave only the winner's debts")
    void racingFinalWritesLeaveOnlyTheWinnersDebts() {
        DebtLedger ledger = requireDebtLedger();
        for (int n = 0; n < 50; n++) {
            CopyTradeRecord submitted = recordIn(SUBMITTED);
            Address proxy = Debts.freshWallet();
            List<TransitionResult> results = Concurrently.run(4, i -> store().transition(i % 2 == 0
                    ? Transition.executed(submitted.id(), SUBMITTED, now(10 + i), Records.fill(), Map.of())
                            .withDebts(List.of(Debts.draft(submitted.id(), "reimburse-" + i, proxy, 100 + i, now(10))))
                    : Transition.failed(submitted.id(), SUBMITTED, now(10 + i), ReasonCode.VENUE_REJECTED, "no")
                            .withDebts(List.of(Debts.draft(submitted.id(), "refund-" + i, proxy, 100 + i, now(10))))));

            List<TransitionResult> winners = results.stream().filter(TransitionResult::applied).toList();
            assertThat(winners).as("record %d", submitted.id()).hasSize(1);
            Transition won = winners.get(0).transition();
            assertThat(ledger.findByRecord(submitted.id())).as("record %d", submitted.id())
                    .extracting(Debt::legId).containsExactly(won.debts().get(0).legId());
            assertThat(ledger.openAmountOwedBy(proxy, "USDC")).isEqualTo(won.debts().get(0).amount());
        }
    }

    private DebtLedger requireDebtLedger() {
        DebtLedger ledger = debtLedger();
        Assumptions.assumeTrue(ledger != null, "this store is tested without a debt ledger");
        return ledger;
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** A fresh record in {@code status}, reached through legal transitions from a prewrite. */
    protected final CopyTradeRecord recordIn(RecordStatus status) {
        return switch (status) {
            case SKIPPED -> prewriteNew(Records.skipped());
            case PENDING -> pending();
            case SUBMITTED -> move(pending(), SUBMITTED, now(1));
            case EXECUTED, FAILED, EXPIRED, UNKNOWN -> move(recordIn(SUBMITTED), status, now(2));
        };
    }

    private CopyTradeRecord pending() {
        return prewriteNew(Records.pending(now(300)));
    }

    private CopyTradeRecord prewriteNew(RecordDraft draft) {
        PrewriteResult result = store().prewrite(draft);
        assertThat(result.inserted()).as("a fresh key is inserted").isTrue();
        return result.record();
    }

    private CopyTradeRecord move(CopyTradeRecord record, RecordStatus to, Instant at) {
        return applied(Records.transition(record.id(), record.status(), to, at));
    }

    /** Applies {@code t}, which must win, and checks the store now holds what it returned. */
    private CopyTradeRecord applied(Transition t) {
        TransitionResult result = store().transition(t);
        assertThat(result.applied()).as("%s applied", t).isTrue();
        assertThat(result.current().status()).isEqualTo(t.to());
        assertThat(store().findById(t.id())).contains(result.current());
        return result.current();
    }

    private static void assertIllegal(org.assertj.core.api.ThrowableAssert.ThrowingCallable build, RecordStatus from,
            RecordStatus to) {
        assertThatThrownBy(build).isInstanceOfSatisfying(IllegalTransitionException.class, e -> {
            assertThat(e.from()).isEqualTo(from);
            assertThat(e.to()).isEqualTo(to);
        });
    }

    /** Claims in small batches until nothing is left at {@code at}; returns the ids this owner got. */
    private Set<Long> claimAll(Instant at, String owner, Instant leaseUntil) {
        Set<Long> mine = new HashSet<>();
        List<CopyTradeRecord> batch;
        while (!(batch = store().claimStale(at, 3, owner, leaseUntil)).isEmpty()) {
            assertThat(batch).hasSizeLessThanOrEqualTo(3).allSatisfy(r -> {
                assertThat(r.leaseOwner()).isEqualTo(owner);
                assertThat(r.leaseUntil()).isEqualTo(leaseUntil);
                assertThat(r.status().isInFlight()).isTrue();
            });
            mine.addAll(ids(batch));
        }
        return mine;
    }

    /**
     * Leases every record stale at {@code at} to a far-future lease, so a claim test sees only the stale
     * records it makes itself even when earlier tests left some in a shared store.
     */
    private void leaseAwayEverythingStaleAt(Instant at) {
        while (!store().claimStale(at, 1_000, "contract-drain", FAR_FUTURE).isEmpty()) {
            // keep going: each round leases away up to 1,000 more
        }
    }

    private static List<Long> ids(List<CopyTradeRecord> records) {
        return records.stream().map(CopyTradeRecord::id).collect(Collectors.toList());
    }
}
