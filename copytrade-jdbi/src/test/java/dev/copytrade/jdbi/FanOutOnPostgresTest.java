package dev.copytrade.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyResult.Outcome;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.model.IdempotencyKey;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.sim.SimulatedChainAdapter.Behavior;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.store.StoreException;
import dev.copytrade.core.testkit.Concurrently;
import dev.copytrade.core.testkit.CountingStore;
import dev.copytrade.core.testkit.Seeds;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code executeAll} to 1,000 followers on a real PostgreSQL: failures at the worst moments, and two processes. */
class FanOutOnPostgresTest {
    private static final int FOLLOWERS = 1_000;
    private static final List<Behavior> VENUE_MOODS = List.of(Behavior.fill(), Behavior.partial("0.5"),
            Behavior.timeoutAfterReceive(), Behavior.throwAfterReceive(), Behavior.lostBeforeReceive(),
            Behavior.throwBeforeReceive());
    private static HikariDataSource pool;
    private static HikariDataSource otherPool;

    private final SettableClock clock = new SettableClock(Instant.parse("2026-04-01T12:00:00Z"));
    private final SimulatedChainAdapter venue = new SimulatedChainAdapter(clock, Duration.ZERO);
    private final List<Follower> followers = new ArrayList<>();

    @BeforeAll
    static void open() {
        pool = SharedPostgres.newPool(24);
        otherPool = SharedPostgres.newPool(24);
    }

    @AfterAll
    static void close() {
        pool.close();
        otherPool.close();
    }

    FanOutOnPostgresTest() {
        for (int i = 0; i < FOLLOWERS; i++) {
            followers.add(Follower.eoa("fan-" + i, String.format("0x%040x", 0xfa000 + i),
                    CopyPolicy.fixed(Usdc.of("5")).build()));
        }
    }

    private LeaderTrade trade() {
        return LeaderTrade.builder().signalId(SignalId.venueFill("fan-pg", UUID.randomUUID().toString()))
                .leader("0x" + "a".repeat(40)).market("0x" + "f".repeat(64), "9", "fan-pg").side("BUY").price("0.5")
                .size("20").timestamp(clock.instant()).build();
    }

    private CopyTradeExecutor executor(CopyTradeStore store, String instance) {
        return CopyTradeExecutor.builder().store(store).chainAdapter(venue).clock(clock).parallelism(16)
                .instanceId(instance).build();
    }

    private static JdbiCopyTradeStore store(HikariDataSource on, TableNames tables) {
        return JdbiCopyTradeStore.builder(on).tableNames(tables).migrate(true).build();
    }

    @Test
    @DisplayName("Scenario: A fan-out whose batch prewrite fails sends nothing")
    void aServerSideFailureOfTheBatchPrewriteSendsNothing() {
        TableNames tables = SharedPostgres.freshTables();
        JdbiCopyTradeStore store = store(pool, tables);
        LeaderTrade trade = trade();
        // a real failure inside the database, on the key that sorts last (the last row PostgreSQL inserts)
        String last = followers.stream().map(f -> IdempotencyKey.of(trade.signalId(), f.id()).value())
                .max(String::compareTo).orElseThrow();
        Jdbi.create(pool).useHandle(h -> {
            h.execute("CREATE FUNCTION " + tables.recordName() + "_poison() RETURNS trigger AS $$ BEGIN"
                    + " IF NEW.idempotency_key = '" + last + "' THEN RAISE EXCEPTION 'poisoned row'; END IF;"
                    + " RETURN NEW; END $$ LANGUAGE plpgsql");
            h.execute("CREATE TRIGGER " + tables.recordName() + "_poison BEFORE INSERT ON " + tables.recordTable()
                    + " FOR EACH ROW EXECUTE FUNCTION " + tables.recordName() + "_poison()");
        });

        List<CopyResult> results;
        try (CopyTradeExecutor ex = executor(store, "fan-pg")) {
            results = ex.executeAll(trade, followers);
        }

        assertThat(results).hasSize(FOLLOWERS).allSatisfy(r -> {
            assertThat(r.outcome()).isEqualTo(Outcome.NOT_RECORDED);
            assertThat(r.error()).isInstanceOf(StoreException.class).hasMessageContaining("poisoned row");
        });
        assertThat(venue.submitCalls()).as("the venue received nothing").isZero();
        assertThat(store.countByStatus().values().stream().mapToLong(Long::longValue).sum())
                .as("the batch was rolled back whole").isZero();
    }

    @Test
    @DisplayName("Scenario: A crash between the send and the group commit is resolved from the venue")
    void aCrashBeforeTheGroupCommitIsResolvedFromTheVenue() {
        long seed = Seeds.seed();
        String context = "seed=" + seed;
        venue.setRule(r -> VENUE_MOODS.get(
                new Random(seed ^ r.clientOrderId().value().hashCode()).nextInt(VENUE_MOODS.size())));
        JdbiCopyTradeStore store = store(pool, SharedPostgres.freshTables());
        CountingStore dying = new CountingStore(store).failGroupCommits();

        List<CopyResult> results;
        try (CopyTradeExecutor ex = executor(dying, "fan-pg-dying")) {
            results = ex.executeAll(trade(), followers);
        }

        assertThat(results).as(context).extracting(CopyResult::outcome).containsOnly(Outcome.IN_FLIGHT);
        assertThat(dying.groupCommits.stream().mapToInt(Integer::intValue).sum()).as(context).isEqualTo(FOLLOWERS);
        assertThat(venue.receivedCount()).as(context).isPositive().isLessThan(FOLLOWERS);
        assertThat(store.countByStatus().get(dev.copytrade.core.record.RecordStatus.PENDING)).as(context)
                .isEqualTo(FOLLOWERS);
        VenueConsistency.assertResolvedAfterSweep(store, venue, clock, FOLLOWERS, context);
    }

    @Test
    @DisplayName("Scenario: Two processes fanning out the same trade execute each follower once")
    void twoProcessesFanningOutTheSameTradeExecuteEachFollowerOnce() {
        TableNames tables = SharedPostgres.freshTables();
        JdbiCopyTradeStore mine = store(pool, tables);
        JdbiCopyTradeStore theirs = store(otherPool, tables);
        LeaderTrade trade = trade();
        List<Follower> reversed = new ArrayList<>(followers);
        java.util.Collections.reverse(reversed);

        List<List<CopyResult>> sides;
        try (CopyTradeExecutor a = executor(mine, "process-a"); CopyTradeExecutor b = executor(theirs, "process-b")) {
            sides = Concurrently.run(2, side -> side == 0 ? a.executeAll(trade, followers)
                    : b.executeAll(trade, reversed));
        }

        assertThat(venue.receivedCount()).isEqualTo(FOLLOWERS);
        assertThat(venue.duplicateSubmissions()).isZero();
        for (int i = 0; i < FOLLOWERS; i++) {
            CopyResult first = sides.get(0).get(i);
            CopyResult second = sides.get(1).get(FOLLOWERS - 1 - i);
            assertThat(List.of(first.outcome(), second.outcome())).as("follower %d", i)
                    .containsExactlyInAnyOrder(Outcome.EXECUTED, Outcome.DUPLICATE);
            assertThat(first.record().id()).isEqualTo(second.record().id());
        }
    }
}
