package dev.copytrade.examples.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.copytrade.core.executor.CopyResult.Outcome;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplayBotTest {
    private static final String REAL_FEED = "../shared/data/polymarket/leader-trades.jsonl";

    /** The numbers every replay must satisfy, whatever the feed and whatever earlier runs left in the store. */
    static void assertConsistent(ReplaySummary s) {
        int trades = s.feed().entries().size();
        assertThat(s.accountedFor()).as("every trade x follower lands in exactly one outcome")
                .isEqualTo(s.executions()).isEqualTo(trades * s.followers().size());
        assertThat(s.followers()).allSatisfy(r -> assertThat(r.total()).as(r.id()).isEqualTo(trades));
        assertThat(s.runRecords()).as("one record per distinct signal and follower")
                .isEqualTo((long) s.feed().distinctSignals() * s.followers().size());
        assertThat(s.createdRecords() + s.earlier().records()).isEqualTo(s.runRecords());
        assertThat(s.createdRecords()).as("each new record was created by exactly one execution")
                .isEqualTo(trades * s.followers().size() - s.total(Outcome.DUPLICATE));
        assertThat(s.total(Outcome.LOST) + s.total(Outcome.NOT_RECORDED)).isZero();
        assertThat(s.recordsByStatus().get(RecordStatus.PENDING)).as("nothing left half-done").isZero();
        assertThat(s.venue().duplicateSubmissions()).isZero();
        assertThat(s.venue().submitCalls()).isEqualTo(s.venue().receivedOrders());

        ReplaySummary.Invariant inv = s.invariant();
        assertThat(inv.venueOrdersWithoutOneRecord()).as("each venue order has exactly one record").isZero();
        assertThat(inv.sentRecordsNotAtVenue()).isZero();
        assertThat(inv.fillMismatches()).isZero();
        assertThat(inv.venueOrders()).isEqualTo(s.venue().receivedOrders()).isEqualTo(inv.sentRecords());
        assertThat(inv.executed()).isEqualTo(s.total(Outcome.EXECUTED));
        assertThat(inv.failedAtVenue()).isEqualTo(s.total(Outcome.FAILED));
        assertThat(inv.inFlight()).isEqualTo(s.total(Outcome.IN_FLIGHT)).isEqualTo(s.inFlight().size());
        assertThat(s.consistent()).isTrue();
    }

    @Test
    void bundledFeedReplayAddsUpAndRecognisesEveryRedelivery() {
        ReplaySummary s = Replay.run(FeedReader.readBundled(), false);

        assertConsistent(s);
        assertThat(s.feed().rejections()).isEmpty();
        int crossSource = FeedFacts.crossSourceDuplicates(FeedFacts.bundledLines());
        assertThat(s.followers()).allSatisfy(r ->
                assertThat(r.count(Outcome.DUPLICATE)).as(r.id()).isGreaterThanOrEqualTo(crossSource));
        // the demo is there to show these paths, so they must all occur
        assertThat(s.total(Outcome.EXECUTED)).isPositive();
        assertThat(s.total(Outcome.FAILED)).isPositive();
        assertThat(s.total(Outcome.IN_FLIGHT)).isPositive();
        assertThat(s.followers().stream().mapToInt(ReplaySummary.FollowerRow::clamped).sum()).isPositive();
        assertThat(s.followers().stream().flatMap(r -> r.skippedBy().keySet().stream()))
                .contains(ReasonCode.SIDE_FILTERED, ReasonCode.LEADER_TRADE_TOO_SMALL, ReasonCode.BELOW_MIN_PER_TRADE,
                        ReasonCode.BELOW_VENUE_MINIMUM, ReasonCode.FOLLOWER_NOT_ALLOWED);
        ReplaySummary.FollowerRow excluded = s.followers().get(3);
        assertThat(excluded.skippedBy()).containsOnlyKeys(ReasonCode.FOLLOWER_NOT_ALLOWED);
    }

    @Test
    @DisplayName("Scenario: Dry run records and sends nothing")
    void dryRunRecordsEveryWouldBeOrderAndSendsNone() {
        FeedReader.Result feed = FeedReader.readBundled();
        ReplaySummary live = Replay.run(feed, false);
        ReplaySummary dry = Replay.run(feed, true);

        assertConsistent(dry);
        assertThat(dry.venue().receivedOrders()).isZero();
        assertThat(dry.venue().submitCalls()).isZero();
        assertThat(dry.total(Outcome.EXECUTED) + dry.total(Outcome.FAILED) + dry.total(Outcome.IN_FLIGHT)).isZero();
        int wouldSend = dry.followers().stream().mapToInt(r -> r.skippedBy().getOrDefault(ReasonCode.DRY_RUN, 0)).sum();
        assertThat(wouldSend).as("every order the live run sent is a DRY_RUN record")
                .isEqualTo(live.venue().receivedOrders());
    }

    @Test
    void realPolymarketFeedIsReadWhole() throws IOException {
        Path feed = realFeed();
        assumeTrue(feed != null, "shared data absent (" + REAL_FEED + " from the repository root, or "
                + "/work/shared/data): skipped");

        FeedReader.Result read = FeedReader.read(feed);

        assertThat(read.lines()).isEqualTo(6272);
        assertThat(read.entries()).hasSize(6272);
        assertThat(read.rejections()).isEmpty();
        // counted independently (Python decimal) when this test was written: float artifacts in price or size
        assertThat(read.normalised()).isEqualTo(808);
        assertConsistent(Replay.run(read, false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--bogus", "--feed", "--feed --dry-run", "--feed /no/such/feed.jsonl",
            "--feed a.jsonl --feed b.jsonl", "--dry-run=yes", "--in-memory --reset", "--in-memory --db-file x",
            "--in-memory --jdbc-url jdbc:h2:mem:x", "--jdbc-url jdbc:h2:mem:x --db-file x",
            "--jdbc-url jdbc:h2:mem:x --reset", "--jdbc-url localhost:5432/bot", "--db-user bot",
            "--db-password pw", "--db-file"})
    void badArgumentsExitWithTwoAndUsage(String args) {
        BotRun run = BotRun.of(args.split(" "));

        assertThat(run.status()).as(run.both()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: ").contains("usage: ReplayBot");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void helpPrintsUsageAndExitsZero() {
        BotRun run = BotRun.of("--help");

        assertThat(run.status()).isZero();
        assertThat(run.out()).startsWith("usage: ReplayBot").contains("--jdbc-url", "--in-memory", "--reset",
                ReplayBot.PASSWORD_ENV);
    }

    @Test
    void defaultRunPrintsTheSummaryAndExitsZero(@TempDir Path dir) {
        BotRun run = BotRun.of("--db-file", dir.resolve("replay").toString());

        assertThat(run.status()).as(run.both()).isZero();
        assertThat(run.out()).contains("classpath:feeds/demo-leader-trades.jsonl", "store: H2 file database "
                        + dir.resolve("replay") + ".mv.db", "duplicate submissions", "result: consistent")
                .containsPattern("invariant: orders at venue (\\d+) == records this run sent \\1 .*: OK")
                .doesNotContain("already decided in an earlier run");
    }

    @Test
    void theDefaultStoreIsTheH2FileUnderTheWorkingDirectory() {
        ReplayBot.Options o = ReplayBot.Options.parse(Map.of(ReplayBot.PASSWORD_ENV, "from-env"));

        assertThat(o.backend()).isEqualTo(ReplayBot.Backend.H2_FILE);
        assertThat(o.dbFile()).isEqualTo(Path.of("data", "copytrade-replay"));
        assertThat(o.dbPassword()).as("the database password is only for --jdbc-url").isNull();
    }

    @Test
    void thePasswordComesFromTheEnvironmentUnlessGiven() {
        Map<String, String> env = Map.of(ReplayBot.PASSWORD_ENV, "from-env");
        String url = "jdbc:postgresql://localhost/bot";

        assertThat(ReplayBot.Options.parse(env, "--jdbc-url", url).dbPassword()).isEqualTo("from-env");
        assertThat(ReplayBot.Options.parse(env, "--jdbc-url=" + url, "--db-password=given").dbPassword())
                .isEqualTo("given");
        assertThat(ReplayBot.Options.parse(Map.of(), "--jdbc-url", url).dbPassword()).isNull();
    }

    /** The shared data file, relative to the repository root first; null when neither location has it. */
    private static Path realFeed() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        if (dir != null && Files.isRegularFile(dir.resolve(REAL_FEED))) {
            return dir.resolve(REAL_FEED).normalize();
        }
        Path absolute = Path.of("/work/shared/data/polymarket/leader-trades.jsonl");
        return Files.isRegularFile(absolute) ? absolute : null;
    }
}
