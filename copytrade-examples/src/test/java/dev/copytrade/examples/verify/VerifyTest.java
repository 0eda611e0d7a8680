package dev.copytrade.examples.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
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
        pg = EmbeddedPostgres.builder().start();
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
        Run first = run(clock, "--jdbc-url", url(), "--table-prefix", "verify_", "--write");
        assertThat(first.code()).as(first.out() + first.err()).isZero();
        assertThat(first.out()).contains("[ok] prewrite inserts once", "[ok] a second writer loses the race",
                "the stale record was expired", "cleaned up 1 test row(s)", "write check: OK", "status: OK");
        Run readOnly = run(clock, "--jdbc-url", url(), "--table-prefix", "verify_");
        assertThat(readOnly.code()).isZero();
        assertThat(readOnly.out()).contains("EXPIRED    0", "stale in-flight records (lease run out, awaiting the sweep): 0");
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
