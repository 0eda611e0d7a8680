package dev.copytrade.examples.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.executor.CopyResult.Outcome;
import dev.copytrade.core.record.ReasonCode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replay bot over a store that outlives the run: H2 file by default, PostgreSQL by --jdbc-url. */
class ReplayPersistenceTest {
    private static final FeedReader.Result FEED = FeedReader.readBundled();
    private static final Pattern ORDERS_RECEIVED = Pattern.compile("orders received\\s+(\\d+)");

    @TempDir
    Path dir;

    private Path dbFile() {
        return dir.resolve("replay");
    }

    /** Two replays of the bundled feed, each with its own store opened from {@code stores}. */
    private static ReplaySummary[] twice(Supplier<ReplayStore> stores) {
        ReplaySummary[] runs = new ReplaySummary[2];
        for (int i = 0; i < runs.length; i++) {
            try (ReplayStore store = stores.get()) {
                runs[i] = Replay.run(FEED, false, store);
            }
        }
        return runs;
    }

    /** The second run must recognise every execution as decided by the first, send nothing and still add up. */
    private static void assertSecondRunRecognisesTheFirst(ReplaySummary first, ReplaySummary second) {
        ReplaySummary inMemory = Replay.run(FEED, false);
        ReplayBotTest.assertConsistent(first);
        assertThat(first.followers()).as("a fresh database decides exactly as the in-memory store")
                .isEqualTo(inMemory.followers());
        assertThat(first.recordsByStatus()).isEqualTo(inMemory.recordsByStatus());
        assertThat(first.earlier().executions()).isZero();
        assertThat(first.venue().receivedOrders()).isPositive();

        ReplayBotTest.assertConsistent(second);
        assertThat(second.venue().receivedOrders()).isZero();
        assertThat(second.venue().submitCalls()).isZero();
        assertThat(second.total(Outcome.DUPLICATE)).isEqualTo(second.executions());
        assertThat(second.earlier().executions()).isEqualTo(second.executions());
        assertThat(second.earlier().records()).isEqualTo(second.runRecords()).isEqualTo(first.runRecords());
        assertThat(second.createdRecords()).isZero();
        assertThat(second.inFlight()).isEmpty();
        assertThat(second.recordsByStatus()).as("the same records, untouched").isEqualTo(first.recordsByStatus());
        assertThat(second.earlier().inFlightAtStart()).as("the first run's unknown outcomes are still in flight")
                .isEqualTo(first.total(Outcome.IN_FLIGHT));
        assertThat(second.storeTotal()).isEqualTo(first.storeTotal()).isEqualTo(first.runRecords());
    }

    @Test
    void secondRunOnTheH2FileSendsNothingAndRecognisesEveryTrade() {
        ReplaySummary[] runs = twice(() -> ReplayStore.h2File(dbFile(), false));

        assertSecondRunRecognisesTheFirst(runs[0], runs[1]);
        assertThat(runs[0].store()).startsWith("H2 file database " + dbFile().toAbsolutePath() + ".mv.db");
    }

    @Test
    void secondRunOnPostgresSendsNothingAndRecognisesEveryTrade() throws IOException {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(120)).start()) {
            String url = pg.getJdbcUrl("postgres", "postgres");
            ReplaySummary[] runs = twice(() -> ReplayStore.jdbc(url, "postgres", null, false));

            assertSecondRunRecognisesTheFirst(runs[0], runs[1]);
            assertThat(runs[0].store()).startsWith("PostgreSQL at " + url);
        }
    }

    @Test
    void botSaysOnTheSecondRunWhatItRecognisedAndWhatIsStillInFlight() {
        BotRun first = BotRun.of("--db-file", dbFile().toString());
        BotRun second = BotRun.of("--db-file", dbFile().toString());
        ReplaySummary reference = Replay.run(FEED, false);

        assertThat(first.status()).as(first.both()).isZero();
        assertThat(first.out()).doesNotContain("already decided", "left by earlier runs");
        assertThat(second.status()).as(second.both()).isZero();
        assertThat(second.out()).contains(
                "already decided in an earlier run: " + reference.executions()
                        + " (recognised by idempotency key; nothing sent again)",
                "left by earlier runs with an unknown outcome: " + reference.total(Outcome.IN_FLIGHT) + " in flight",
                "StaleSweeper", "invariant: orders at venue 0 == records this run sent 0",
                "created by this run 0, written by earlier runs " + reference.runRecords(), "result: consistent");
    }

    @Test
    void resetDeletesTheDatabaseSoTheNextRunSendsAgain() {
        BotRun first = BotRun.of("--db-file", dbFile().toString(), "--reset");
        BotRun reset = BotRun.of("--db-file", dbFile().toString(), "--reset");

        assertThat(first.out()).as(first.both()).startsWith("reset: no database at ");
        assertThat(reset.status()).as(reset.both()).isZero();
        assertThat(reset.out()).startsWith("reset: deleted [" + dbFile().toAbsolutePath() + ".mv.db")
                .doesNotContain("already decided");
        assertThat(ordersReceived(reset)).isEqualTo(ordersReceived(first)).isPositive();
    }

    @Test
    void inMemoryForgetsBetweenRuns() {
        BotRun first = BotRun.of("--in-memory");
        BotRun second = BotRun.of("--in-memory");

        assertThat(second.status()).as(second.both()).isZero();
        assertThat(second.out()).contains("store: in memory").doesNotContain("already decided");
        assertThat(ordersReceived(second)).isEqualTo(ordersReceived(first)).isPositive();
    }

    @Test
    void dryRunKeepsItsOwnTablesSoTheLiveRunAfterItStillSends() {
        try (ReplayStore store = ReplayStore.h2File(dbFile(), true)) {
            ReplaySummary dry = Replay.run(FEED, true, store);
            assertThat(dry.total(Outcome.SKIPPED)).isPositive();
            assertThat(dry.followers().stream().mapToInt(r -> r.skippedBy().getOrDefault(ReasonCode.DRY_RUN, 0))
                    .sum()).isPositive();
        }
        try (ReplayStore store = ReplayStore.h2File(dbFile(), false)) {
            ReplaySummary live = Replay.run(FEED, false, store);
            ReplayBotTest.assertConsistent(live);
            assertThat(live.earlier().executions()).isZero();
            assertThat(live.venue().receivedOrders()).isEqualTo(Replay.run(FEED, false).venue().receivedOrders());
        }
    }

    @Test
    void unreachableDatabaseExitsWithThreeNamingTheUrlButNoPassword() {
        String url = "jdbc:postgresql://127.0.0.1:1/replay?password=in-the-url";

        BotRun run = BotRun.of("--jdbc-url", url, "--db-user", "bot", "--db-password", "on-the-command-line");

        assertThat(run.status()).as(run.both()).isEqualTo(3);
        assertThat(run.err()).startsWith("error: cannot connect to the copytrade database at "
                        + "jdbc:postgresql://127.0.0.1:1/replay?password=***")
                .contains("nothing was copied").doesNotContain("in-the-url", "on-the-command-line");
        assertThat(run.out()).isEmpty();
    }

    private static int ordersReceived(BotRun run) {
        Matcher m = ORDERS_RECEIVED.matcher(run.out());
        assertThat(m.find()).as(run.both()).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
