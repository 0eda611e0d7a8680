package dev.copytrade.examples.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Facts about the bundled feed, computed from the raw JSON without the reader under test. */
final class FeedFacts {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FeedFacts() {}

    static String bundledText() {
        try (InputStream in = FeedFacts.class.getClassLoader().getResourceAsStream(FeedReader.BUNDLED_FEED)) {
            if (in == null) {
                throw new IllegalStateException(FeedReader.BUNDLED_FEED + " missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> bundledLines() {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : bundledText().split("\n")) {
            try {
                lines.add(JSON.readTree(line));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return lines;
    }

    /** Lines that repeat an earlier line's trade from another source, matched case-insensitively. */
    static int crossSourceDuplicates(List<JsonNode> lines) {
        Map<String, Set<String>> sourcesByTrade = new HashMap<>();
        Map<String, Integer> deliveries = new HashMap<>();
        for (JsonNode n : lines) {
            String key = String.join("|", n.get("tx_hash").asText().toLowerCase(Locale.ROOT),
                    n.get("leader").asText().toLowerCase(Locale.ROOT), n.get("token_id").asText(),
                    n.get("side").asText().toUpperCase(Locale.ROOT),
                    new BigDecimal(n.get("size").asText()).stripTrailingZeros().toPlainString());
            sourcesByTrade.computeIfAbsent(key, k -> new HashSet<>()).add(n.get("source").asText());
            deliveries.merge(key, 1, Integer::sum);
        }
        int repeats = 0;
        for (Map.Entry<String, Integer> e : deliveries.entrySet()) {
            if (sourcesByTrade.get(e.getKey()).size() > 1) {
                repeats += e.getValue() - 1;
            }
        }
        return repeats;
    }
}
