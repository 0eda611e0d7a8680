package dev.copytrade.examples.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.Price;
import dev.copytrade.core.model.Shares;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FeedReaderTest {
    private static final String TX = "0x061a41a8cb947159083c3baf4c945a6fae104d5f89d1359643615687628ecfaf";
    private static final String WS = "{\"source\":\"ws\",\"leader\":\"0x6031b6eed1c97e853c6e0f03ad3ce3529351f96d\","
            + "\"side\":\"BUY\",\"condition_id\":\"0x59fc4c4c57b9a86aa1859ef3ba9e457a3009b791b469f646637a45fe17f1e0d2\","
            + "\"token_id\":\"58694369128674932230350152832850260863578525167974431267420151179248334455441\","
            + "\"slug\":\"eth-updown-15m-1767555900\",\"price\":\"0.8\",\"size\":\"6\",\"timestamp\":1767556295,"
            + "\"tx_hash\":\"" + TX + "\",\"log_index\":null}";

    private static FeedReader.Result read(String... lines) throws IOException {
        return FeedReader.read(new BufferedReader(new StringReader(String.join("\n", lines))), "test");
    }

    private static String with(String field, String json) {
        return WS.replaceFirst("\"" + field + "\":(\"[^\"]*\"|null|[0-9]+)", "\"" + field + "\":" + json);
    }

    @Test
    @DisplayName("Scenario: Same trade from two sources yields one signal id")
    void sameTradeFromWsAndChainReadsAsOneSignal() throws IOException {
        String chain = with("source", "\"chain\"")
                .replace("0x6031b6eed1c97e853c6e0f03ad3ce3529351f96d", "0x6031B6EED1c97e853c6e0f03ad3ce3529351F96D")
                .replace(TX, TX.toUpperCase().replace("0X", "0x"))
                .replace("\"BUY\"", "\"buy\"")
                .replace("\"size\":\"6\"", "\"size\":6.000000");

        FeedReader.Result r = read(WS, chain);

        assertThat(r.rejections()).isEmpty();
        assertThat(r.entries()).extracting(FeedReader.Entry::source).containsExactly("ws", "chain");
        assertThat(r.entries().get(0).trade().signalId()).isEqualTo(r.entries().get(1).trade().signalId());
        assertThat(r.distinctSignals()).isEqualTo(1);
        assertThat(r.repeatedDeliveries()).isEqualTo(1);
    }

    @Test
    void signalIdIsChainFillWithoutLogIndexAndChainLogWithIt() throws IOException {
        FeedReader.Result r = read(WS, with("log_index", "7"));

        assertThat(r.entries().get(0).trade().signalId().value())
                .isEqualTo("fill:137:" + TX + ":0x6031b6eed1c97e853c6e0f03ad3ce3529351f96d:"
                        + "58694369128674932230350152832850260863578525167974431267420151179248334455441:BUY:6000000");
        assertThat(r.entries().get(1).trade().signalId().value()).isEqualTo("log:137:" + TX + ":7");
    }

    @Test
    void readsTheDataApiShapeAndRoundsFloatArtifactsHalfEvenCountingThem() throws IOException {
        String dataApi = WS.replace("\"source\":\"ws\"", "\"source_repo\":\"Schmidters/collectmarkets\"")
                .replace("\"leader\"", "\"wallet\"");
        FeedReader.Result r = read(
                dataApi,
                with("price", "\"0.72000006222223\"").replace("\"leader\"", "\"wallet\""),
                with("size", "\"10.4750005\"").replace("\"leader\"", "\"wallet\""),
                with("price", "0.2800000149"));

        assertThat(r.rejections()).isEmpty();
        assertThat(r.normalised()).isEqualTo(3);
        List<LeaderTrade> trades = r.entries().stream().map(FeedReader.Entry::trade).toList();
        assertThat(r.entries().get(0).source()).isEqualTo("Schmidters/collectmarkets");
        assertThat(trades.get(1).price()).isEqualTo(Price.of("0.72"));
        assertThat(trades.get(2).size()).isEqualTo(Shares.of("10.475"));
        assertThat(trades.get(3).price()).isEqualTo(Price.of("0.28"));
    }

    @Test
    @DisplayName("Scenario: Malformed trade names the field and value")
    void malformedLinesAreRejectedWithLineNumberAndFieldNeverDropped() throws IOException {
        FeedReader.Result r = read(
                WS,
                "{not json",
                "",
                with("price", "\"1.02\""),
                with("leader", "\"0x6031b6\""),
                WS.replace(",\"tx_hash\":\"" + TX + "\"", ""),
                with("timestamp", "\"yesterday\""),
                "[1,2]",
                with("side", "\"HOLD\""));

        assertThat(r.lines()).isEqualTo(8);
        assertThat(r.entries()).hasSize(1);
        assertThat(r.rejections()).extracting(FeedReader.Rejection::line).containsExactly(2, 4, 5, 6, 7, 8, 9);
        assertThat(r.rejections()).extracting(FeedReader.Rejection::message).satisfiesExactly(
                m -> assertThat(m).startsWith("line: is not valid JSON"),
                m -> assertThat(m).startsWith("trade.price: ").contains("(was 1.02)"),
                m -> assertThat(m).startsWith("trade.leader: ").contains("(was 0x6031b6)"),
                m -> assertThat(m).isEqualTo("trade.txHash: is required (was null)"),
                m -> assertThat(m).startsWith("trade.timestamp: ").contains("yesterday"),
                m -> assertThat(m).startsWith("line: is not a JSON object"),
                m -> assertThat(m).startsWith("trade.side: ").contains("(was HOLD)"));
    }

    @Test
    void extremeExponentsAreRejectedWithoutExpandingTheirDigits() throws IOException {
        FeedReader.Result r = read(
                with("size", "\"1e999999999\""),
                with("price", "\"1e-999999999\""),
                with("size", "1e-999999999"),
                with("timestamp", "99999999999999999"));

        assertThat(r.entries()).isEmpty();
        assertThat(r.normalised()).isEqualTo(2);
        assertThat(r.rejections()).extracting(FeedReader.Rejection::message).satisfiesExactly(
                m -> assertThat(m).startsWith("trade.size: exceeds the maximum"),
                m -> assertThat(m).startsWith("trade.price: must be strictly between 0 and 1"),
                m -> assertThat(m).startsWith("trade.size: must be positive"),
                m -> assertThat(m).startsWith("trade.timestamp: must be an integer"));
    }

    @Test
    void corruptedLinesAreEachAcceptedOrRejectedNeverThrown() throws IOException {
        long seed = Long.getLong("copytrade.seed", System.nanoTime());
        Random rnd = new Random(seed);
        String[] clean = FeedFacts.bundledText().split("\n");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String line = clean[rnd.nextInt(clean.length)];
            int at = rnd.nextInt(line.length());
            String noise = String.valueOf((char) (0x20 + rnd.nextInt(0x5f)));
            switch (rnd.nextInt(4)) {
                case 0 -> line = line.substring(0, at);
                case 1 -> line = line.substring(0, at) + line.substring(at + 1);
                case 2 -> line = line.substring(0, at) + noise + line.substring(at + 1);
                default -> line = line.substring(0, at) + noise + line.substring(at);
            }
            lines.add(line);
        }

        FeedReader.Result r = read(lines.toArray(String[]::new));

        long nonBlank = lines.stream().filter(l -> !l.isBlank()).count();
        assertThat(r.entries().size() + r.rejections().size()).as("seed=" + seed).isEqualTo(r.lines())
                .isEqualTo((int) nonBlank);
        assertThat(r.rejections()).as("seed=" + seed).isNotEmpty()
                .allSatisfy(rej -> assertThat(rej.message()).as("seed=" + seed).isNotBlank());
    }
}
