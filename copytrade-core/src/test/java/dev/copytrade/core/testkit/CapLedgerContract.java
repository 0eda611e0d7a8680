package dev.copytrade.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copytrade.core.cap.Budget;
import dev.copytrade.core.cap.BudgetWindow;
import dev.copytrade.core.cap.CapLedger;
import dev.copytrade.core.cap.CommitRequest;
import dev.copytrade.core.cap.ReserveRequest;
import dev.copytrade.core.cap.ReserveResult;
import dev.copytrade.core.cap.ReserveResult.Exhausted;
import dev.copytrade.core.cap.ReserveResult.Reserved;
import dev.copytrade.core.model.InvalidInputException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link CapLedger} must have. Subclass it and return the ledger under test.
 *
 * <p>Tolerates a ledger shared by all its tests (a database that is not wiped between them): every test
 * charges budgets with fresh keys under fresh reservation ids. Only the expiry test releases expired
 * reservations, and every other reservation here expires in ten years, so that test may count exactly;
 * it must not run concurrently with another sweep of the same ledger at those instants.
 */
public abstract class CapLedgerContract {
    /** A Monday morning, far from midnight UTC. */
    protected static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final Instant NEVER = T0.plus(Duration.ofDays(3650));
    private static final long USDC = 1_000_000L;
    private static final int THREADS = 16;

    /** The ledger under test; called once or more per test, may return the same instance every time. */
    protected abstract CapLedger ledger();

    /**
     * A second ledger over the same budgets, as another process would have: a database ledger on its own
     * connection pool. The concurrency tests race it against {@link #ledger()}. Default: the same ledger.
     */
    protected CapLedger otherLedger() {
        return ledger();
    }

    /** A key or id no other test (or earlier run against a shared database) has used. */
    protected static String fresh(String name) {
        return "contract:" + name + ":" + UUID.randomUUID();
    }

    private static Budget daily(String name, long limit) {
        return new Budget(fresh(name), limit, BudgetWindow.utcDay());
    }

    private static Budget rolling(String name, Duration length, long limit) {
        return new Budget(fresh(name), limit, BudgetWindow.rolling(length));
    }

    private ReserveResult reserve(String id, long units, Instant at, Budget... budgets) {
        return ledger().reserve(id, List.of(budgets), units, at, NEVER);
    }

    /** Reserves under a fresh id, asserts it was taken, returns the id. */
    private String reserved(long units, Instant at, Budget... budgets) {
        String id = fresh("reservation");
        assertThat(reserve(id, units, at, budgets)).isEqualTo(Reserved.created(id));
        return id;
    }

    private void assertUsed(Instant now, long expected, Budget... budgets) {
        for (Budget b : budgets) {
            assertThat(ledger().used(b, now)).as("used of %s at %s", b.key(), now).isEqualTo(expected);
        }
    }

    // ---- limits -----------------------------------------------------------------------------------

    @Test
    @DisplayName("Scenario: Reservation exactly at the limit passes")
    void reservationExactlyAtTheLimitPasses() {
        Budget day = daily("exact-day", 1_000 * USDC);
        Budget window = rolling("exact-rolling", Duration.ofHours(24), 1_000 * USDC);
        reserved(600 * USDC, T0, day, window);

        reserved(400 * USDC, T0, day, window);

        assertUsed(T0, 1_000 * USDC, day, window);
        Budget whole = rolling("exact-whole", Duration.ofMinutes(5), 7);
        reserved(7, T0, whole);
        assertUsed(T0, 7, whole);
    }

    @Test
    @DisplayName("Scenario: One unit over the limit is exhausted")
    void oneUnitOverTheLimitIsExhausted() {
        Budget day = daily("over-day", 1_000 * USDC);
        Budget window = rolling("over-rolling", Duration.ofHours(24), 1_000 * USDC);
        reserved(600 * USDC, T0, day, window);
        long oneOver = 400 * USDC + 1;

        assertThat(reserve(fresh("over"), oneOver, T0, day, window))
                .isEqualTo(new Exhausted(day, oneOver, 400 * USDC));
        assertThat(reserve(fresh("over"), oneOver, T0, window, day))
                .isEqualTo(new Exhausted(window, oneOver, 400 * USDC));
        assertUsed(T0, 600 * USDC, day, window);

        reserved(400 * USDC, T0, day, window);
        assertThat(reserve(fresh("over"), 1, T0, day)).isEqualTo(new Exhausted(day, 1, 0));
        assertUsed(T0, 1_000 * USDC, day, window);
    }

    @Test
    @DisplayName("Scenario: Reservations are all or nothing across budgets")
    void reservationsAreAllOrNothingAcrossBudgets() {
        Budget roomy = daily("roomy", 1_000 * USDC);
        Budget tight = rolling("tight", Duration.ofHours(24), 10 * USDC);
        Budget other = daily("other", 10 * USDC);
        reserved(8 * USDC, T0, tight, other);

        assertThat(reserve(fresh("aon"), 5 * USDC, T0, roomy, tight, other))
                .isEqualTo(new Exhausted(tight, 5 * USDC, 2 * USDC));
        assertThat(reserve(fresh("aon"), 5 * USDC, T0, roomy, other, tight))
                .as("several short: the first in the order given is named")
                .isEqualTo(new Exhausted(other, 5 * USDC, 2 * USDC));
        assertUsed(T0, 0, roomy);
        assertUsed(T0, 8 * USDC, tight, other);

        reserved(2 * USDC, T0, roomy, tight, other);
        assertUsed(T0, 2 * USDC, roomy);
        assertUsed(T0, 10 * USDC, tight, other);
    }

    @Test
    @DisplayName("a lowered limit holds back new reservations; the same key over another window is another budget")
    void budgetsAreIdentifiedByKeyAndWindow() {
        Budget day = daily("identity", 100 * USDC);
        Budget sameKeyRolling = new Budget(day.key(), 100 * USDC, BudgetWindow.rolling24h());
        Budget lowered = new Budget(day.key(), 50 * USDC, BudgetWindow.utcDay());
        assertUsed(T0, 0, day, sameKeyRolling);
        reserved(80 * USDC, T0, day);

        assertUsed(T0, 80 * USDC, day, lowered);
        assertUsed(T0, 0, sameKeyRolling);
        assertThat(reserve(fresh("lowered"), 1, T0, lowered)).isEqualTo(new Exhausted(lowered, 1, 0));
        reserved(100 * USDC, T0, sameKeyRolling);
        reserved(20 * USDC, T0, day);
        assertUsed(T0, 100 * USDC, day, sameKeyRolling);
    }

    // ---- idempotency and settling ----------------------------------------------------------------

    @Test
    @DisplayName("Scenario: Reserving a held id again charges nothing and says it did not create it")
    void reserveIsIdempotent() {
        Budget a = daily("idem-a", 100 * USDC);
        Budget b = daily("idem-b", 100 * USDC);
        String id = reserved(30 * USDC, T0, a);

        assertThat(reserve(id, 30 * USDC, T0, a)).isEqualTo(Reserved.alreadyHeld(id));
        assertThat(reserve(id, 90 * USDC, T0.plusSeconds(5), a, b)).isEqualTo(Reserved.alreadyHeld(id));
        assertUsed(T0, 30 * USDC, a);
        assertUsed(T0, 0, b);

        assertThat(ledger().commit(id, 30 * USDC, T0)).isTrue();
        assertThat(reserve(id, 30 * USDC, T0, a)).as("a committed id is held too").isEqualTo(Reserved.alreadyHeld(id));
        assertUsed(T0, 30 * USDC, a);
    }

    @Test
    @DisplayName("Scenario: The same id reserved from many threads at once is created by exactly one of them")
    void sameIdFromManyThreadsIsChargedOnce() {
        for (int round = 0; round < 10; round++) {
            Budget day = daily("idem-race", 1_000 * USDC);
            String id = fresh("idem-race");
            List<ReserveResult> results = Concurrently.run(THREADS, i -> reserve(id, 7 * USDC, T0, day));

            assertThat(results).as("round %d", round).containsOnly(Reserved.created(id), Reserved.alreadyHeld(id))
                    .filteredOn(r -> ((Reserved) r).created()).hasSize(1);
            assertUsed(T0, 7 * USDC, day);
        }
    }

    @Test
    @DisplayName("Scenario: Batches racing from two processes over the same ids create each reservation once")
    void racingBatchesCreateEachIdOnce() {
        int ids = 6;
        for (int round = 0; round < 5; round++) {
            Budget day = daily("created-race", 1_000 * USDC);
            List<String> names = new ArrayList<>();
            for (int k = 0; k < ids; k++) {
                names.add(fresh("created-race-" + k));
            }
            // every thread names every id, each starting at another one; half go through the other process
            List<List<ReserveResult>> results = Concurrently.run(THREADS, t -> {
                List<ReserveRequest> batch = new ArrayList<>();
                for (int k = 0; k < ids; k++) {
                    batch.add(request(names.get((t + k) % ids), 7 * USDC, T0, day));
                }
                return (t % 2 == 0 ? ledger() : otherLedger()).reserveAll(batch);
            });

            List<String> created = new ArrayList<>();
            for (List<ReserveResult> batch : results) {
                assertThat(batch).hasSize(ids).allMatch(r -> r instanceof Reserved, "reserved");
                batch.stream().map(r -> (Reserved) r).filter(Reserved::created).map(Reserved::reservationId)
                        .forEach(created::add);
            }
            assertThat(created).as("round %d: each id created by exactly one call", round)
                    .containsExactlyInAnyOrderElementsOf(names);
            assertUsed(T0, ids * 7 * USDC, day);
        }
    }

    @Test
    @DisplayName("commit keeps the actual units, returns the rest to every budget, and settles once")
    void commitReleasesTheDifference() {
        Budget day = daily("commit-day", 100 * USDC);
        Budget window = rolling("commit-rolling", Duration.ofHours(1), 100 * USDC);
        String id = reserved(100 * USDC, T0, day, window);

        assertThat(ledger().commit(id, 60 * USDC, T0.plusSeconds(1))).isTrue();

        assertUsed(T0.plusSeconds(1), 60 * USDC, day, window);
        assertThat(ledger().commit(id, 60 * USDC, T0.plusSeconds(2))).isFalse();
        assertThat(ledger().commit(id, 10 * USDC, T0.plusSeconds(2))).isFalse();
        assertThat(ledger().release(id, T0.plusSeconds(3))).isFalse();
        assertUsed(T0.plusSeconds(3), 60 * USDC, day, window);
        reserved(40 * USDC, T0.plusSeconds(3), day, window);

        String nothingSpent = reserved(5, T0, daily("commit-zero", 5));
        assertThat(ledger().commit(nothingSpent, 0, T0)).isTrue();
        assertThat(ledger().commit(fresh("unknown"), 1, T0)).isFalse();
        assertThat(ledger().release(fresh("unknown"), T0)).isFalse();
    }

    @Test
    @DisplayName("commit of more than was reserved names actualUnits and changes nothing")
    void commitOfMoreThanReservedIsRejected() {
        Budget day = daily("commit-over", 100 * USDC);
        String id = reserved(10 * USDC, T0, day);

        for (long bad : new long[] {10 * USDC + 1, -1}) {
            assertThatThrownBy(() -> ledger().commit(id, bad, T0))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                        assertThat(e.field()).isEqualTo("actualUnits");
                        assertThat(e.value()).isEqualTo(String.valueOf(bad));
                    });
        }
        assertUsed(T0, 10 * USDC, day);
        assertThat(ledger().commit(id, 10 * USDC, T0)).isTrue();
        assertUsed(T0, 10 * USDC, day);
    }

    @Test
    @DisplayName("release returns every unit to every budget, once; a released id may be reserved afresh")
    void releaseReturnsEverything() {
        Budget day = daily("release-day", 100 * USDC);
        Budget window = rolling("release-rolling", Duration.ofHours(1), 100 * USDC);
        String id = reserved(100 * USDC, T0, day, window);

        assertThat(ledger().release(id, T0.plusSeconds(1))).isTrue();

        assertUsed(T0.plusSeconds(1), 0, day, window);
        assertThat(ledger().release(id, T0.plusSeconds(2))).isFalse();
        assertThat(ledger().commit(id, 100 * USDC, T0.plusSeconds(2))).isFalse();
        assertUsed(T0.plusSeconds(2), 0, day, window);

        assertThat(reserve(id, 70 * USDC, T0.plusSeconds(3), day, window)).as("a released id is reserved afresh")
                .isEqualTo(Reserved.created(id));
        assertUsed(T0.plusSeconds(3), 70 * USDC, day, window);
        assertThat(ledger().commit(id, 70 * USDC, T0.plusSeconds(4))).isTrue();
        assertUsed(T0.plusSeconds(4), 70 * USDC, day, window);
    }

    @Test
    @DisplayName("Scenario: Expired reservations are released")
    void expiredReservationsAreReleased() {
        Budget day = daily("expiry", 1_000 * USDC);
        String first = fresh("expiry-60s");
        String second = fresh("expiry-120s");
        String committed = fresh("expiry-committed");
        ledger().reserve(first, List.of(day), 10 * USDC, T0, T0.plusSeconds(60));
        ledger().reserve(second, List.of(day), 20 * USDC, T0, T0.plusSeconds(120));
        ledger().reserve(committed, List.of(day), 40 * USDC, T0, T0.plusSeconds(30));
        assertThat(ledger().commit(committed, 40 * USDC, T0.plusSeconds(1))).isTrue();

        assertThat(ledger().releaseExpired(T0.plusSeconds(59), 100)).isZero();
        assertUsed(T0.plusSeconds(59), 70 * USDC, day);

        assertThat(ledger().releaseExpired(T0.plusSeconds(60), 100)).isEqualTo(1);
        assertUsed(T0.plusSeconds(60), 60 * USDC, day);
        assertThat(ledger().commit(first, 10 * USDC, T0.plusSeconds(61))).as("too late: already released").isFalse();
        assertThat(ledger().releaseExpired(T0.plusSeconds(119), 100)).isZero();
        assertThat(ledger().releaseExpired(T0.plusSeconds(120), 100)).isEqualTo(1);
        assertUsed(T0.plusSeconds(120), 40 * USDC, day);

        for (int i = 0; i < 3; i++) {
            ledger().reserve(fresh("expiry-batch"), List.of(day), USDC, T0, T0.plusSeconds(200));
        }
        assertThat(ledger().releaseExpired(T0.plusSeconds(300), 2)).isEqualTo(2);
        assertThat(ledger().releaseExpired(T0.plusSeconds(300), 2)).isEqualTo(1);
        assertThat(ledger().releaseExpired(T0.plusSeconds(300), 2)).isZero();
        assertUsed(T0.plusSeconds(300), 40 * USDC, day);
    }

    // ---- windows ----------------------------------------------------------------------------------

    @Test
    @DisplayName("Scenario: UTC day budget is whole again at midnight")
    void utcDayBudgetIsWholeAgainAtMidnight() {
        Instant midnight = Instant.parse("2026-03-03T00:00:00Z");
        Instant lastSecond = midnight.minusSeconds(1);
        Budget day = daily("midnight", 100 * USDC);
        String late = reserved(60 * USDC, lastSecond, day);
        reserved(40 * USDC, midnight.minus(Duration.ofDays(1)), day);
        assertThat(reserve(fresh("midnight"), 1, lastSecond, day)).isEqualTo(new Exhausted(day, 1, 0));

        assertUsed(midnight, 0, day);
        reserved(100 * USDC, midnight, day);

        assertUsed(midnight, 100 * USDC, day);
        assertUsed(lastSecond, 100 * USDC, day);
        assertThat(ledger().commit(late, 50 * USDC, midnight.plusSeconds(1))).as("settled after midnight").isTrue();
        assertUsed(lastSecond, 90 * USDC, day);
        assertUsed(midnight.plusSeconds(1), 100 * USDC, day);
        assertThat(reserve(fresh("midnight"), 1, midnight.plusSeconds(1), day)).isEqualTo(new Exhausted(day, 1, 0));
    }

    @Test
    @DisplayName("Scenario: Rolling window forgets old spend")
    void rollingWindowForgetsOldSpend() {
        Duration hour = Duration.ofHours(1);
        Budget window = rolling("rolling", hour, 100 * USDC);
        reserved(60 * USDC, T0, window);
        reserved(40 * USDC, T0.plus(Duration.ofMinutes(30)), window);

        Instant oneHourOn = T0.plus(hour);
        assertUsed(oneHourOn, 100 * USDC, window);
        assertThat(reserve(fresh("rolling"), 1, oneHourOn, window))
                .as("spend exactly one window old still counts")
                .isEqualTo(new Exhausted(window, 1, 0));

        Instant justAfter = oneHourOn.plusSeconds(1);
        assertUsed(justAfter, 40 * USDC, window);
        reserved(60 * USDC, justAfter, window);
        assertThat(reserve(fresh("rolling"), 1, justAfter, window)).isEqualTo(new Exhausted(window, 1, 0));
        assertUsed(justAfter.plus(Duration.ofMinutes(30)), 60 * USDC, window);
        assertUsed(justAfter.plus(hour).plusSeconds(1), 0, window);
    }

    @Test
    @DisplayName("a late-dated rolling reservation must fit beside spend up to one window after it")
    void rollingBudgetStaysUnderTheLimitOutOfOrder() {
        Budget window = rolling("out-of-order", Duration.ofHours(1), 100 * USDC);
        reserved(100 * USDC, T0.plus(Duration.ofMinutes(90)), window);

        assertThat(reserve(fresh("out-of-order"), 1, T0.plus(Duration.ofMinutes(45)), window))
                .isEqualTo(new Exhausted(window, 1, 0));
        reserved(100 * USDC, T0.plus(Duration.ofMinutes(29)), window);
        assertUsed(T0.plus(Duration.ofMinutes(45)), 100 * USDC, window);
        assertUsed(T0.plus(Duration.ofMinutes(90)), 100 * USDC, window);
    }

    // ---- batches ----------------------------------------------------------------------------------

    private static ReserveRequest request(String id, long units, Instant at, Budget... budgets) {
        return new ReserveRequest(id, List.of(budgets), units, at, NEVER);
    }

    @Test
    @DisplayName("Scenario: A batch reservation decides each item as one reserve after another would")
    void reserveAllDecidesEachItemInInputOrder() {
        Budget day = daily("batch-day", 100 * USDC);
        Budget window = rolling("batch-rolling", Duration.ofHours(1), 100 * USDC);
        Budget tight = daily("batch-tight", 10 * USDC);
        String before = reserved(20 * USDC, T0, day);
        String released = reserved(5 * USDC, T0, tight);
        assertThat(ledger().release(released, T0)).isTrue();
        String a = fresh("batch-a");
        String b = fresh("batch-b");
        String c = fresh("batch-c");
        String d = fresh("batch-d");
        String e = fresh("batch-e");

        List<ReserveResult> results = ledger().reserveAll(List.of(
                request(a, 50 * USDC, T0, day, window),
                request(b, 40 * USDC, T0, window, day, tight),
                request(before, 20 * USDC, T0, day),
                request(a, 50 * USDC, T0, day, window),
                request(c, 30 * USDC, T0, day, window),
                request(released, 10 * USDC, T0, tight),
                request(d, 1, T0, tight),
                request(b, 10 * USDC, T0, window, day),
                request(e, 1, T0)));

        assertThat(results).containsExactly(
                Reserved.created(a),
                new Exhausted(day, 40 * USDC, 30 * USDC),
                Reserved.alreadyHeld(before),
                Reserved.alreadyHeld(a),
                Reserved.created(c),
                Reserved.created(released),
                new Exhausted(tight, 1, 0),
                new Exhausted(day, 10 * USDC, 0),
                Reserved.created(e));
        assertUsed(T0, 100 * USDC, day);
        assertUsed(T0, 80 * USDC, window);
        assertUsed(T0, 10 * USDC, tight);
        assertThat(ledger().commit(a, 50 * USDC, T0)).as("a was reserved once, for 50").isTrue();
        assertThat(ledger().release(c, T0)).isTrue();
        assertUsed(T0, 70 * USDC, day);
        assertUsed(T0, 50 * USDC, window);
        assertThat(ledger().reserve(b, List.of(window, day), 10 * USDC, T0, NEVER))
                .as("b was refused twice: it holds nothing and may reserve now").isEqualTo(Reserved.created(b));
        assertThat(ledger().reserveAll(List.of())).isEmpty();
    }

    @Test
    @DisplayName("a repeated id refused in a batch is decided again by its next item; rolling spend in the batch counts")
    void reserveAllCountsWhatTheBatchItselfCharged() {
        Budget window = rolling("batch-window", Duration.ofMinutes(10), 10);
        Budget day = daily("batch-days", 10);
        String x = fresh("batch-x");
        Instant tomorrow = T0.plus(Duration.ofDays(1));

        List<ReserveResult> results = ledger().reserveAll(List.of(
                request(fresh("batch"), 6, T0, window, day),
                request(x, 6, T0.plus(Duration.ofMinutes(5)), window),
                request(x, 4, T0.plus(Duration.ofMinutes(5)), window),
                request(fresh("batch"), 10, T0.plus(Duration.ofMinutes(21)), window),
                request(fresh("batch"), 10, tomorrow, day),
                request(fresh("batch"), 5, T0, day)));

        assertThat(results).extracting(r -> r instanceof Reserved).containsExactly(true, false, true, true, true, false);
        assertThat(results.get(1)).isEqualTo(new Exhausted(window, 6, 4));
        assertThat(results.get(5)).isEqualTo(new Exhausted(day, 5, 4));
        assertUsed(T0.plus(Duration.ofMinutes(5)), 10, window);
        assertUsed(T0.plus(Duration.ofMinutes(21)), 10, window);
        assertUsed(T0, 6, day);
        assertUsed(tomorrow, 10, day);
        assertThat(ledger().commit(x, 4, T0)).as("x holds the 4 its second item reserved").isTrue();
    }

    @Test
    @DisplayName("commitAll and releaseAll settle each item as commit and release would")
    void batchSettlementSettlesEachItemOnce() {
        Budget day = daily("settle-day", 100 * USDC);
        Budget window = rolling("settle-rolling", Duration.ofHours(1), 100 * USDC);
        String a = reserved(30 * USDC, T0, day, window);
        String b = reserved(20 * USDC, T0, day, window);
        String c = reserved(10 * USDC, T0, day, window);
        String committed = reserved(5 * USDC, T0, day);
        assertThat(ledger().commit(committed, 5 * USDC, T0)).isTrue();
        String released = reserved(5 * USDC, T0, day);
        assertThat(ledger().release(released, T0)).isTrue();

        List<Boolean> commits = ledger().commitAll(List.of(new CommitRequest(a, 12 * USDC),
                new CommitRequest(committed, USDC), new CommitRequest(fresh("unknown"), 1),
                new CommitRequest(released, 0), new CommitRequest(a, 30 * USDC), new CommitRequest(b, 20 * USDC)),
                T0.plusSeconds(1));

        assertThat(commits).containsExactly(true, false, false, false, false, true);
        assertUsed(T0.plusSeconds(1), 47 * USDC, day);
        assertUsed(T0.plusSeconds(1), 42 * USDC, window);
        assertThat(ledger().releaseAll(List.of(c, a, c, fresh("unknown")), T0.plusSeconds(2)))
                .containsExactly(true, false, false, false);
        assertUsed(T0.plusSeconds(2), 37 * USDC, day);
        assertUsed(T0.plusSeconds(2), 32 * USDC, window);
        assertThat(ledger().commit(c, 0, T0.plusSeconds(3))).as("released by the batch").isFalse();
        assertThat(ledger().release(a, T0.plusSeconds(3))).as("committed by the batch").isFalse();
        assertThat(ledger().commitAll(List.of(), T0)).isEmpty();
        assertThat(ledger().releaseAll(List.of(), T0)).isEmpty();
    }

    @Test
    @DisplayName("commitAll refuses an item over what its reservation holds, naming it, and leaves it reserved")
    void commitAllRefusesAnItemOverItsReservation() {
        Budget day = daily("settle-over", 100 * USDC);
        String ok = reserved(10 * USDC, T0, day);
        String over = reserved(10 * USDC, T0, day);

        assertThatThrownBy(() -> ledger().commitAll(List.of(new CommitRequest(ok, 5 * USDC),
                new CommitRequest(over, 10 * USDC + 1)), T0)).isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.field()).endsWith("actualUnits"));

        assertThat(ledger().commit(over, 10 * USDC, T0)).as("the refused item is still reserved").isTrue();
        assertRefused("commits", () -> ledger().commitAll(null, T0));
        assertRefused("reservationIds[0]", () -> ledger().releaseAll(Arrays.asList((String) null), T0));
        assertRefused("actualUnits", () -> new CommitRequest(ok, -1));
    }

    @Test
    @DisplayName("bad batches are refused naming the field, before anything is charged")
    void badBatchesNameTheField() {
        Budget day = daily("batch-input", 100 * USDC);
        assertRefused("requests", () -> ledger().reserveAll(null));
        assertRefused("requests[1]", () -> ledger().reserveAll(Arrays.asList(request(fresh("ok"), 1, T0, day), null)));
        assertRefused("units", () -> request(fresh("input"), 0, T0, day));
        assertRefused("budgets", () -> request(fresh("input"), 1, T0, day, day));
        assertRefused("expiresAt", () -> new ReserveRequest(fresh("input"), List.of(day), 1, T0, T0.minusSeconds(1)));
        assertUsed(T0, 0, day);
    }

    // ---- input ------------------------------------------------------------------------------------

    @Test
    @DisplayName("bad arguments are refused naming the field, before anything is charged")
    void badArgumentsNameTheField() {
        Budget day = daily("input", 100 * USDC);
        assertRefused("reservationId", () -> reserve(" ", 1, T0, day));
        assertRefused("reservationId", () -> reserve(null, 1, T0, day));
        assertRefused("units", () -> reserve(fresh("input"), 0, T0, day));
        assertRefused("at", () -> reserve(fresh("input"), 1, null, day));
        assertRefused("expiresAt", () -> ledger().reserve(fresh("input"), List.of(day), 1, T0, T0.minusSeconds(1)));
        assertRefused("budgets", () -> reserve(fresh("input"), 1, T0, day,
                new Budget(day.key(), 5, BudgetWindow.utcDay())));
        assertRefused("budgets", () -> ledger().reserve(fresh("input"), null, 1, T0, NEVER));
        assertRefused("at", () -> ledger().commit(fresh("input"), 1, null));
        assertRefused("now", () -> ledger().used(day, null));
        assertUsed(T0, 0, day);
    }

    private static void assertRefused(String field, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.field()).isEqualTo(field));
    }

    // ---- concurrency ------------------------------------------------------------------------------

    @Test
    @DisplayName("Scenario: Concurrent reservations never overshoot the cap")
    void concurrentReservationsNeverOvershootTheCap() {
        spendFromManyThreadsUntilRefused(t -> 1);
    }

    @Test
    @DisplayName("Scenario: Batch reservations racing single ones never overshoot the cap")
    void batchReservationsRacingSingleOnesNeverOvershootTheCap() {
        // half the threads reserve one order at a time, the other half ten at once, through the other ledger
        spendFromManyThreadsUntilRefused(t -> t % 2 == 0 ? 1 : 10);
    }

    /**
     * {@link #THREADS} threads spend one budget (once per kind of window) until it refuses them, each in
     * batches of {@code batchOf.apply(thread)} orders (1: {@code reserve}; more: {@code reserveAll} on
     * {@link #otherLedger()}), then commit what they got (one at a time, or with {@code commitAll}): the
     * committed total is the limit, give or take
     * less than one order, and the ledger says so.
     */
    private void spendFromManyThreadsUntilRefused(IntFunction<Integer> batchOf) {
        long limit = 1_000 * USDC;
        long order = 7 * USDC;
        // one window at a time: charged together, the first budget locked would hide a race on the other
        for (Budget cap : List.of(daily("race-day", limit), rolling("race-rolling", Duration.ofHours(24), limit))) {
            List<Integer> committedPerThread = Concurrently.run(THREADS, t -> {
                int batch = batchOf.apply(t);
                CapLedger mine = batch == 1 ? ledger() : otherLedger();
                List<String> held = new ArrayList<>();
                boolean refused = false;
                while (!refused) {
                    List<ReserveRequest> requests = new ArrayList<>(batch);
                    for (int i = 0; i < batch; i++) {
                        requests.add(new ReserveRequest(fresh("race"), List.of(cap), order, T0, NEVER));
                    }
                    List<ReserveResult> results = batch == 1
                            ? List.of(mine.reserve(requests.get(0).reservationId(), List.of(cap), order, T0, NEVER))
                            : mine.reserveAll(requests);
                    for (int i = 0; i < batch; i++) {
                        if (results.get(i) instanceof Exhausted) {
                            refused = true;
                        } else {
                            held.add(requests.get(i).reservationId());
                        }
                    }
                }
                if (batch == 1) {
                    for (String id : held) {
                        assertThat(mine.commit(id, order, T0)).isTrue();
                    }
                } else {
                    assertThat(mine.commitAll(held.stream().map(id -> new CommitRequest(id, order)).toList(), T0))
                            .hasSize(held.size()).doesNotContain(false);
                }
                return held.size();
            });

            long committed = committedPerThread.stream().mapToLong(n -> n * order).sum();
            assertThat(committed).as(cap.window().toString()).isLessThanOrEqualTo(limit);
            assertThat(limit - committed).as(cap.window().toString()).isLessThan(order);
            assertUsed(T0, committed, cap);
            assertThat(otherLedger().used(cap, T0)).isEqualTo(committed);
        }
    }
}
