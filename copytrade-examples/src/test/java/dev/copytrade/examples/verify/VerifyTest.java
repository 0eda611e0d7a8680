package dev.copytrade.examples.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.debt.Debt;
import dev.copytrade.core.debt.DebtDraft;
import dev.copytrade.core.debt.DebtTransition;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.FollowerId;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.record.RecordDraft;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.jdbi.CopyTradeDataSources;
import dev.copytrade.jdbi.JdbiCopyTradeStore;
import dev.copytrade.jdbi.JdbiDebtLedger;
import dev.copytrade.jdbi.TableNames;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.Map;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class VerifyTest {
    private static EmbeddedPostgres pg;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(120)).start();
    }

    @AfterAll
    static void stop() throws Exception {
        pg.close();
    }

    private static String url() {
        return pg.getJdbcUrl("postgres", "postgres");
    }

    private record Run(int code, String out, String err) {}

    private static Run run(Clock clock, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Verify.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), clock);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("Scenario: verify --write proves prewrite idempotency and expiry and cleans up")
    void writeCheckOnPostgres() {
        Clock clock = Clock.fixed(Instant.parse("2026-05-01T00:00:00Z"), ZoneOffset.UTC);
        Run none = run(clock, "--jdbc-url", url(), "--table-prefix", "verify_");
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.out()).contains("no copytrade table verify_record in this database");
        try (HikariDataSource ds = CopyTradeDataSources.pool(url(), null, null, 1)) {
            JdbiCopyTradeStore.builder(ds).tableNames(new TableNames(null, "verify_")).migrate(true).build();
        }
        Run first = run(clock, "--jdbc-url", url(), "--table-prefix", "verify_", "--write");
        assertThat(first.code()).as(first.out() + first.err()).isZero();
        assertThat(first.out()).contains("[ok] prewrite inserts once", "[ok] a second writer loses the race",
                "the stale record was expired", "[ok] a debt is recorded once per leg",
                "[ok] a due debt is claimed by one recovery loop at a time", "dropped the throw-away tables",
                "write check: OK", "status: OK", "debts still owed", "  none");
        try (HikariDataSource ds = CopyTradeDataSources.pool(url(), null, null, 1)) {
            long leftovers = org.jdbi.v3.core.Jdbi.create(ds).withHandle(h -> h.createQuery(
                    "SELECT COUNT(*) FROM information_schema.tables WHERE table_name LIKE 'ctverify%'")
                    .mapTo(Long.class).one());
            assertThat(leftovers).as("the throw-away tables are dropped").isZero();
        }
        Run readOnly = run(clock, "--jdbc-url", url(), "--table-prefix", "verify_");
        assertThat(readOnly.code()).isZero();
        assertThat(readOnly.out()).contains("EXPIRED    0", "stale in-flight records (lease run out, awaiting the sweep): 0");
    }

    @Test
    @DisplayName("Scenario: verify --write leaves other records alone")
    void writeCheckNeverTouchesLiveRecords() {
        Clock clock = Clock.fixed(Instant.parse("2026-05-01T00:00:00Z"), ZoneOffset.UTC);
        TableNames live = new TableNames(null, "live_");
        try (HikariDataSource ds = CopyTradeDataSources.pool(url(), null, null, 2)) {
            JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(ds).tableNames(live).migrate(true).build();
            LeaderTrade t = LeaderTrade.builder().signalId(SignalId.venueFill("live", "1"))
                    .leader("0x" + "a".repeat(40)).market("0x" + "b".repeat(64), "1", "live").side("BUY")
                    .price("0.5").size("10").timestamp(clock.instant()).build();
            Address w = Address.of("0x" + "c".repeat(40));
            long id = store.prewrite(RecordDraft.pending(t, FollowerId.of("live"), w, w,
                    CopyOrder.of(t.market(), t.side(), t.price(), Shares.of("2")), Map.of(), false, "dead",
                    clock.instant().minusSeconds(60), clock.instant().minusSeconds(120))).record().id();

            Run run = run(clock, "--jdbc-url", url(), "--table-prefix", "live_", "--write");
            assertThat(run.code()).as("a stale live record needs attention").isEqualTo(1);
            assertThat(run.out()).contains("stale in-flight records (lease run out, awaiting the sweep): 1",
                    "write check: OK");
            assertThat(store.findById(id).orElseThrow().status()).as("the live record is untouched")
                    .isEqualTo(RecordStatus.PENDING);
        }
    }

    @Test
    @DisplayName("Scenario: verify reports open and escalated debts")
    void reportsDebts() {
        Clock clock = Clock.fixed(Instant.parse("2026-05-01T00:00:00Z"), ZoneOffset.UTC);
        TableNames live = new TableNames(null, "owing_");
        try (HikariDataSource ds = CopyTradeDataSources.pool(url(), null, null, 2)) {
            JdbiDebtLedger ledger = JdbiCopyTradeStore.builder(ds).tableNames(live).migrate(true).build().debtLedger();
            Address proxy = Address.of("0x" + "d".repeat(40));
            Address bot = Address.of("0x" + "b".repeat(40));
            Instant oldest = Instant.parse("2026-04-01T08:00:00Z");
            ledger.accrue(new DebtDraft(1, "reimburse", proxy, bot, "USDC", 1_000_000, "reverted", oldest));
            ledger.accrue(new DebtDraft(2, "reimburse", proxy, bot, "USDC", 2_500_000, "reverted",
                    oldest.plusSeconds(60)));
            Debt stuck = ledger.accrue(new DebtDraft(3, "reimburse", proxy, bot, "USDC", 7_000_000, "reverted",
                    oldest.plusSeconds(120))).debt();
            assertThat(ledger.transition(DebtTransition.escalated(stuck, oldest.plusSeconds(600), "allowance revoked",
                    "verify-test")).applied()).isTrue();

            Run run = run(clock, "--jdbc-url", url(), "--table-prefix", "owing_");

            assertThat(run.code()).as("an escalated debt needs attention").isEqualTo(1);
            assertThat(run.out()).contains(
                    "OPEN       USDC   2 debts, 3500000 base units, oldest accrued 2026-04-01T08:00:00Z",
                    "ESCALATED  USDC   1 debts, 7000000 base units, oldest accrued 2026-04-01T08:02:00Z",
                    "escalated #" + stuck.id() + " record #3 leg reimburse", "last error allowance revoked",
                    "status: ATTENTION (escalated debts)");
        }
    }

    @Test
    @DisplayName("Scenario: verify reports bad arguments and an unreachable database")
    void badArguments() {
        Clock clock = Clock.systemUTC();
        assertThat(run(clock).code()).isEqualTo(2);
        assertThat(run(clock, "--nope").err()).contains("unknown option --nope");
        Run down = run(clock, "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/x");
        assertThat(down.code()).isEqualTo(3);
        assertThat(down.err()).contains("cannot connect to the copytrade database");
    }
}
