package dev.copytrade.examples.bench.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Runs the harness at toy sizes: it must produce every section with usable numbers. Not a performance test. */
class PostgresHarnessTest {

    private record Run(PostgresHarness.Results results, String report) {}

    private static Run run(String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PostgresHarness.Results r = PostgresHarness.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Run(r, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("the harness reports raw limit, pipeline ratio and sweep scaling on an embedded PostgreSQL")
    void fullReportOnEmbeddedServer() throws Exception {
        Run run = run("--trades", "400", "--warmup", "80", "--runs", "2", "--stale", "100", "--small-table", "2000",
                "--big-table", "20000", "--breakdown", "--mutex-ops", "80");
        PostgresHarness.Results r = run.results();
        String report = run.report();

        assertThat(report).as(report).contains("fsync=on", "synchronous_commit=on", "[1] RAW LIMIT", "[2] PIPELINE",
                "[2b] STORE ONLY", "ratio pipeline/raw =",
                "where the difference is", "[3] SWEEP SCALING", "EXPLAIN (ANALYZE, BUFFERS)", "ratio big/small =",
                "[4] MUTEX", "2 pools x 4 thr, 1 scope", "How to read the numbers");
        assertThat(r.raw().median()).as(report).isPositive();
        assertThat(r.store().median()).as(report).isPositive();
        assertThat(r.pipeline().median()).as(report).isPositive();
        assertThat(r.ratio()).as(report).isPositive();
        assertThat(r.sweepSmall().median()).as(report).isPositive();
        assertThat(r.sweepBig().median()).as(report).isPositive();
        assertThat(r.sweepRatio()).as(report).isPositive();
        assertThat(r.claimRatio()).as(report).isPositive();
        assertThat(r.claimUsesPartialIndex()).as(report).isTrue();
        assertThat(r.mutex()).as(report).hasSize(4).allSatisfy((shape, ops) -> assertThat(ops.median()).isPositive());
    }

    @Test
    @DisplayName("--mutex-only measures the cross-process mutex alone")
    void mutexOnly() throws Exception {
        Run run = run("--mutex-only", "--mutex-ops", "40", "--runs", "1");
        assertThat(run.report()).as(run.report()).contains("[4] MUTEX", "uncontended", "RESULT (medians)")
                .doesNotContain("[1] RAW LIMIT", "[3] SWEEP SCALING");
        assertThat(run.results().mutex().keySet()).containsExactly("uncontended", "1 pool x 8 thr, 8 scopes",
                "2 pools x 4 thr, 8 scopes", "2 pools x 4 thr, 1 scope");
        assertThat(run.results().raw()).isNull();
    }

    @Test
    @DisplayName("on a server given by --jdbc-url the harness leaves no table behind")
    void externalServerIsLeftClean() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(120)).start()) {
            String url = pg.getJdbcUrl("postgres", "postgres");
            Run run = run("--jdbc-url", url, "--user", "postgres", "--trades", "80", "--warmup", "0", "--runs", "1",
                    "--skip-sweep", "--mutex-ops", "40");

            assertThat(run.report()).as(run.report()).contains("external server (--jdbc-url)", "ratio pipeline/raw =")
                    .doesNotContain("[3] SWEEP SCALING");
            assertThat(run.results().pipeline().median()).as(run.report()).isPositive();
            assertThat(run.results().sweepBig()).isNull();
            assertThat(run.results().store()).isNull();
            long left = Jdbi.create(url, "postgres", "").withHandle(h -> h.createQuery(
                    "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'ctb%'")
                    .mapTo(Long.class).one());
            assertThat(left).as("tables left by the harness").isZero();
        }
    }

    @Test
    @DisplayName("bad options are refused naming the option, before any server is started")
    void badOptions() {
        assertThatThrownBy(() -> run("--trades", "4", "--threads", "8"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--trades");
        assertThatThrownBy(() -> run("--big-table", "lots"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--big-table");
        assertThatThrownBy(() -> run("--stale", "5000", "--small-table", "1000"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--stale");
        assertThatThrownBy(() -> run("--fast"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--fast");
        assertThatThrownBy(() -> run("--skip-mutex", "--mutex-only"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--mutex-only");
        assertThatThrownBy(() -> run("--mutex-ops", "2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--mutex-ops");
        assertThatThrownBy(() -> run("--jdbc-url", "jdbc:h2:mem:x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--jdbc-url");
    }
}
