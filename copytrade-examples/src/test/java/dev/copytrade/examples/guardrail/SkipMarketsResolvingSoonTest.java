package dev.copytrade.examples.guardrail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.guardrail.GuardrailChain;
import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.time.SettableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SkipMarketsResolvingSoonTest {
    private final SettableClock clock = new SettableClock(Instant.parse("2026-02-01T00:00:00Z"));
    private final Map<String, Instant> ends = Map.of("closes-soon", Instant.parse("2026-02-01T05:00:00Z"),
            "closes-later", Instant.parse("2026-02-01T07:00:00Z"));

    private LeaderTrade trade(String slug) {
        return LeaderTrade.builder().signalId(SignalId.venueFill("custom", slug)).leader("0x" + "a".repeat(40))
                .market("0x" + "b".repeat(64), "9", slug).side("BUY").price("0.5").size("20")
                .timestamp(clock.instant()).build();
    }

    @Test
    @DisplayName("Scenario: A host's own guardrail skips with CUSTOM and its code")
    void customGuardrailThroughTheExecutor() {
        SimulatedChainAdapter venue = new SimulatedChainAdapter();
        SkipMarketsResolvingSoon soon = new SkipMarketsResolvingSoon(m -> Optional.ofNullable(ends.get(m.slug())),
                Duration.ofHours(6));
        Follower f = Follower.eoa("host", "0x" + "5".repeat(40), CopyPolicy.fixed(Usdc.of("5")).build());
        try (CopyTradeExecutor ex = CopyTradeExecutor.builder().store(new InMemoryCopyTradeStore()).chainAdapter(venue)
                .clock(clock).guardrails(GuardrailChain.of(soon)).parallelism(1).build()) {
            CopyResult skipped = ex.execute(trade("closes-soon"), f);
            assertThat(skipped.record().reason()).isEqualTo(ReasonCode.CUSTOM);
            assertThat(skipped.record().detail()).containsEntry("code", "RESOLVES_SOON")
                    .containsEntry("guardrail", "SkipMarketsResolvingSoon").containsEntry("resolvesIn", "PT5H");
            assertThat(ex.execute(trade("closes-later"), f).outcome()).isEqualTo(CopyResult.Outcome.EXECUTED);
            assertThat(ex.execute(trade("no-calendar-entry"), f).outcome()).isEqualTo(CopyResult.Outcome.EXECUTED);
        }
        assertThat(venue.receivedCount()).isEqualTo(2);
    }

    @Test
    void readmeShowsTheCompiledGuardrail() throws IOException {
        String source = Files.readString(
                Path.of("src/main/java/dev/copytrade/examples/guardrail/SkipMarketsResolvingSoon.java"));
        String region = source.substring(source.indexOf("// README:begin") + "// README:begin".length(),
                source.indexOf("    // README:end"));
        String compiled = region.lines().map(l -> l.startsWith("    ") ? l.substring(4) : l)
                .reduce((a, b) -> a + "\n" + b).orElse("").strip();
        String readme = Files.readString(Path.of("../README.md"));
        int section = readme.indexOf("### Your own guardrail");
        int open = readme.indexOf("```java", section);
        String shown = readme.substring(open + "```java".length(), readme.indexOf("```", open + 7)).strip();
        assertThat(shown).isEqualTo(compiled);
    }
}
