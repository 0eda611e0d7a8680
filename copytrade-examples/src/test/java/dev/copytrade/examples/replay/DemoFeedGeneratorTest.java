package dev.copytrade.examples.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DemoFeedGeneratorTest {
    private final List<JsonNode> lines = FeedFacts.bundledLines();

    @Test
    void bundledFeedIsExactlyWhatTheGeneratorWrites() {
        assertThat(FeedFacts.bundledText())
                .as("regenerate with DemoFeedGenerator (see its javadoc) after changing it")
                .isEqualTo(DemoFeedGenerator.generate());
    }

    @Test
    void feedHasTheVarietyTheDemoPromises() {
        Set<String> leaders = new HashSet<>();
        Set<String> markets = new HashSet<>();
        int sells = 0;
        for (JsonNode n : lines) {
            leaders.add(n.get("leader").asText().toLowerCase());
            markets.add(n.get("condition_id").asText());
            sells += n.get("side").asText().equalsIgnoreCase("SELL") ? 1 : 0;
            assertThat(n.get("leader").asText()).matches("0x[0-9a-fA-F]{40}");
            assertThat(n.get("condition_id").asText()).matches("0x[0-9a-f]{64}");
            assertThat(n.get("tx_hash").asText()).matches("0x[0-9a-fA-F]{64}");
            assertThat(n.get("token_id").asText()).matches("[1-9][0-9]{40,77}");
            assertThat(n.get("slug").asText()).matches("[a-z0-9][a-z0-9-]+");
            assertThat(n.get("log_index").isNull()).isTrue();
            BigDecimal price = new BigDecimal(n.get("price").asText());
            assertThat(price).isBetween(new BigDecimal("0.01"), new BigDecimal("0.99"));
            assertThat(price.stripTrailingZeros().scale()).isLessThanOrEqualTo(3);
        }
        assertThat(lines.size() - FeedFacts.crossSourceDuplicates(lines)).isGreaterThanOrEqualTo(240);
        assertThat(leaders).hasSizeGreaterThanOrEqualTo(4);
        assertThat(markets).hasSizeGreaterThanOrEqualTo(8);
        assertThat(sells).isPositive();
        assertThat(FeedFacts.crossSourceDuplicates(lines)).isGreaterThanOrEqualTo(10);
    }

    @Test
    void feedHasTradesBelowTheVenueMinimum() {
        long dust = lines.stream()
                .filter(n -> new BigDecimal(n.get("price").asText()).multiply(new BigDecimal(n.get("size").asText()))
                        .compareTo(BigDecimal.ONE) < 0)
                .count();
        assertThat(dust).isGreaterThanOrEqualTo(5);
    }

    @Test
    void feedHasABurstOfTwentyTradesOnOneMarketWithinFiveSeconds() {
        Map<String, List<Long>> times = new HashMap<>();
        for (JsonNode n : lines) {
            times.computeIfAbsent(n.get("condition_id").asText(), k -> new ArrayList<>())
                    .add(n.get("timestamp").asLong());
        }
        int densest = 0;
        for (List<Long> ts : times.values()) {
            List<Long> sorted = ts.stream().sorted().toList();
            for (int i = 0, j = 0; j < sorted.size(); j++) {
                while (sorted.get(j) - sorted.get(i) > 5) {
                    i++;
                }
                densest = Math.max(densest, j - i + 1);
            }
        }
        assertThat(densest).isGreaterThanOrEqualTo(20);
    }
}
