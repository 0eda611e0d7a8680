package dev.copytrade.examples.bench.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Runs the fan-out benchmark at toy sizes: every section with usable numbers. Not a performance test. */
class FanOutBenchmarkTest {

    @Test
    @DisplayName("the fan-out benchmark reports the fan-out beside the per-follower path, with caps, sustained and lone")
    void fullReportOnEmbeddedServer() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FanOutBenchmark.Results r = FanOutBenchmark.run(new String[] {"--followers", "60", "--runs", "2", "--warmup",
            "1", "--parallelism", "8", "--sustain-followers", "10", "--sustain-seconds", "1", "--caps"},
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String report = bytes.toString(StandardCharsets.UTF_8);

        assertThat(report).as(report).contains("fsync=on", "synchronous_commit=on", "[1] FAN-OUT", "PER-FOLLOWER",
                "[3] FAN-OUT WITH CAPS", "[4] SUSTAINED", "[5] LONE EXECUTE", "target ≤ 100 ms", "target ≥ 10/s",
                "How to read the numbers");
        assertThat(r.fanOut().median()).as(report).isPositive();
        assertThat(r.perFollowerSingle().median()).as(report).isPositive();
        assertThat(r.perFollowerGrouped().median()).as(report).isPositive();
        assertThat(r.capped().median()).as(report).isPositive();
        assertThat(r.sustainedPerSecond()).as(report).isPositive();
        assertThat(r.sustained().median()).as(report).isPositive();
        assertThat(r.loneSingle().median()).as(report).isPositive();
        assertThat(r.loneGrouped().median()).as(report).isPositive();
    }

    @Test
    @DisplayName("bad options are refused naming the option, before any server is started")
    void badOptions() {
        PrintStream nowhere = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> FanOutBenchmark.run(new String[] {"--followers", "0"}, nowhere))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--followers");
        assertThatThrownBy(() -> FanOutBenchmark.run(new String[] {"--followers", "10", "--sustain-followers", "11"},
                nowhere)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--sustain-followers");
        assertThatThrownBy(() -> FanOutBenchmark.run(new String[] {"--parallelism", "2000"}, nowhere))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--parallelism");
        assertThatThrownBy(() -> FanOutBenchmark.run(new String[] {"--jdbc-url", "jdbc:h2:mem:x"}, nowhere))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--jdbc-url");
        assertThatThrownBy(() -> FanOutBenchmark.run(new String[] {"--fast"}, nowhere))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--fast");
        assertThat(HarnessOptions.parse(new String[] {"--fan-out"}).fanOut()).isTrue();
    }
}
