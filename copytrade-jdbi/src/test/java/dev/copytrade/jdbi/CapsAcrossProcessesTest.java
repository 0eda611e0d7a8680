package dev.copytrade.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.cap.Budget;
import dev.copytrade.core.cap.BudgetWindow;
import dev.copytrade.core.cap.CapLedger;
import dev.copytrade.core.cap.ReserveResult;
import dev.copytrade.core.testkit.Concurrently;
import dev.copytrade.core.testkit.Seeds;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two ledgers, each with its own connection pool (two bot processes as far as PostgreSQL can tell),
 * spending one budget at once, once for each kind of window (they are charged differently); some orders
 * fail and give their reservation back, then try again.
 */
class CapsAcrossProcessesTest {
    private static final long USDC = 1_000_000L;
    private static final long CAP = 1_000 * USDC;
    private static final long ORDER = 7 * USDC;
    private static final int THREADS_PER_POOL = 16;
    private static final Instant AT = Instant.parse("2026-03-02T10:00:00Z");

    /** What one thread did: orders committed, reservations given back. */
    private record Tally(int committed, int released) {}

    @ParameterizedTest(name = "{0}")
    @EnumSource(BudgetWindow.Kind.class)
    @DisplayName("Scenario: Two pools of 16 threads never overshoot a 1000 USDC cap")
    void twoPoolsNeverOvershootTheCap(BudgetWindow.Kind kind) {
        long seed = Seeds.seed();
        Random random = new Random(seed);
        long[] threadSeeds = random.longs(2 * THREADS_PER_POOL).toArray();
        TableNames tables = SharedPostgres.freshTables();
        // one window per run: charged together, the first budget locked would hide a race on the other
        Budget cap = new Budget("global", CAP,
                kind == BudgetWindow.Kind.UTC_DAY ? BudgetWindow.utcDay() : BudgetWindow.rolling24h());

        try (HikariDataSource poolA = SharedPostgres.newPool(THREADS_PER_POOL);
                HikariDataSource poolB = SharedPostgres.newPool(THREADS_PER_POOL)) {
            JdbiCapLedger a = JdbiCapLedger.builder(poolA).tableNames(tables).migrate(true).build();
            JdbiCapLedger b = JdbiCapLedger.builder(poolB).tableNames(tables).migrate(true).build();

            // bounded on progress (ledger calls made), not on the whole run, which took 80 s at load average 30
            AtomicLong calls = new AtomicLong();
            List<Tally> tallies = Concurrently.run(2 * THREADS_PER_POOL, calls::get, t -> spendUntilExhausted(
                    t < THREADS_PER_POOL ? a : b, List.of(cap), "t" + t, new Random(threadSeeds[t]), calls));

            long committed = tallies.stream().mapToLong(Tally::committed).sum() * ORDER;
            String context = "seed=" + seed + " committed=" + committed + " released="
                    + tallies.stream().mapToInt(Tally::released).sum();
            assertThat(committed).as(context).isLessThanOrEqualTo(CAP);
            assertThat(CAP - committed).as(context).isLessThan(ORDER);
            assertThat(tallies.stream().mapToInt(Tally::released).sum()).as(context).isPositive();
            assertThat(a.used(cap, AT)).as(context).isEqualTo(committed);
            assertThat(b.used(cap, AT)).as(context).isEqualTo(committed);
            long[] settled = Jdbi.create(poolA).withHandle(h -> h.createQuery("SELECT"
                    + " COUNT(CASE WHEN status = 'RESERVED' THEN 1 END) AS unsettled,"
                    + " COALESCE(SUM(CASE WHEN status = 'COMMITTED' THEN units END), 0) AS committed FROM "
                    + tables.capReservationTable())
                    .map((rs, ctx) -> new long[] {rs.getLong("unsettled"), rs.getLong("committed")}).one());
            assertThat(settled).as(context + ": nothing left reserved, committed rows sum to the total")
                    .containsExactly(0L, committed);
        }
    }

    /**
     * Reserves one order after another until the cap is exhausted. A quarter of the orders "fail" and give
     * their reservation back; the thread then reserves again (half the time under the same id, as a retry
     * of the same record would), so budget freed by a release is always offered again before anyone stops.
     */
    private static Tally spendUntilExhausted(CapLedger ledger, List<Budget> budgets, String thread, Random random,
            AtomicLong calls) {
        int committed = 0;
        int released = 0;
        int orders = 0;
        String id = thread + "-" + orders;
        while (!(ledger.reserve(id, budgets, ORDER, AT, AT.plus(Duration.ofHours(1)))
                instanceof ReserveResult.Exhausted)) {
            calls.incrementAndGet();
            if (random.nextInt(4) == 0) {
                assertThat(ledger.release(id, AT)).as(id).isTrue();
                released++;
                if (random.nextBoolean()) {
                    continue;
                }
            } else {
                assertThat(ledger.commit(id, ORDER, AT)).as(id).isTrue();
                committed++;
            }
            id = thread + "-" + ++orders;
        }
        return new Tally(committed, released);
    }
}
