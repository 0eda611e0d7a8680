package dev.copytrade.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.model.Usdc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuickstartExampleTest {

    @Test
    void snippetCopiesOnceAndRecognisesTheRepeat() {
        List<CopyResult> results = QuickstartExample.run();

        assertThat(results).extracting(CopyResult::outcome)
                .containsExactly(CopyResult.Outcome.EXECUTED, CopyResult.Outcome.DUPLICATE);
        assertThat(results.get(0).record().fill().shares()).isEqualTo(Shares.of("12"));
        assertThat(results.get(0).record().fill().notional()).isEqualTo(Usdc.of("9.6"));
        assertThat(results.get(1).record().id()).isEqualTo(results.get(0).record().id());
    }

    @Test
    void readmeRegionIsMarkedOnceInOrder() throws IOException {
        String source = Files.readString(
                Path.of("src/main/java/dev/copytrade/examples/quickstart/QuickstartExample.java"));
        int begin = source.indexOf("// README:begin");
        int end = source.indexOf("// README:end");

        assertThat(begin).isPositive().isEqualTo(source.lastIndexOf("// README:begin"));
        assertThat(end).isGreaterThan(begin).isEqualTo(source.lastIndexOf("// README:end"));
        assertThat(source.substring(begin, end).lines().count()).isBetween(15L, 30L);
    }

    @Test
    void readmeShowsExactlyTheCompiledSnippet() throws IOException {
        String source = Files.readString(
                Path.of("src/main/java/dev/copytrade/examples/quickstart/QuickstartExample.java"));
        String region = source.substring(source.indexOf("// README:begin") + "// README:begin".length(),
                source.indexOf("// README:end"));
        String compiled = region.lines().map(l -> l.startsWith("        ") ? l.substring(8) : l)
                .reduce((a, b) -> a + "\n" + b).orElse("").strip();

        String readme = Files.readString(Path.of("../README.md"));
        int section = readme.indexOf("## Wiring it into a bot");
        int open = readme.indexOf("```java", section);
        int close = readme.indexOf("```", open + 7);
        String shown = readme.substring(open + "```java".length(), close).strip();

        assertThat(section).as("README has the wiring section").isPositive();
        assertThat(shown).as("README's code block must be QuickstartExample's README region").isEqualTo(compiled);
    }
}
