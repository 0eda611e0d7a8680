package dev.copytrade.examples.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.Market;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.model.Side;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.model.TxHash;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a leader-trade feed, one JSON object per line, into {@link LeaderTrade}s: the feed adapter a
 * host bot would write for its own sources.
 *
 * <p>Two shapes are understood: the bundled demo feed ({@code source, leader, side, condition_id,
 * token_id, slug, price, size, timestamp, tx_hash, log_index}) and the Polymarket Data API export in
 * {@code /work/shared/data/polymarket/leader-trades.jsonl} (the same, with {@code wallet} for the leader,
 * {@code source_repo} for the source, and price and size as strings). Price and size may be strings or
 * numbers; numbers are read as exact decimals, never as doubles.
 *
 * <p>Identity: every line carries a tx hash but the ws feed has no log index, so the signal id is
 * {@link SignalId#chainFill} (chain 137, tx hash, leader, token, side, size); a line with a log index
 * gets {@link SignalId#chainLog}. Mixing both forms for one venue would make a trade delivered by two
 * sources look like two trades, so a real feed picks the form all its sources can give.
 *
 * <p>Normalisation happens here, explicitly, and is counted: the Data API writes float artifacts such
 * as {@code "0.72000006222223"} and sizes with more than 6 decimals, which the core rightly refuses
 * (it never rounds money silently). This reader rounds price and size to 6 decimals HALF_EVEN and
 * reports how many lines it touched. Every other problem is left to the core's validation.
 *
 * <p>A line that cannot be turned into a trade is never dropped silently and never stops the read: it
 * is returned as a {@link Rejection} with its line number and the {@link InvalidInputException}
 * message that names the field and value.
 */
public final class FeedReader {
    /** Polygon: where Polymarket settles, so the chain of every signal id read here. */
    public static final long POLYGON = 137;

    /** The demo feed's classpath location. */
    public static final String BUNDLED_FEED = "feeds/demo-leader-trades.jsonl";

    private static final int MAX_DECIMALS = 6;
    /** 9999-12-31T23:59:59Z in unix seconds: any larger timestamp (or log index) is garbage. */
    private static final long MAX_INTEGER = 253_402_300_799L;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private FeedReader() {}

    /** One accepted line. */
    public record Entry(int line, String source, LeaderTrade trade) {}

    /** One refused line: {@code message} is the {@link InvalidInputException}'s, naming field and value. */
    public record Rejection(int line, String message) {}

    /**
     * What a read produced.
     *
     * @param name where the feed came from, for the summary
     * @param lines non-blank lines read
     * @param entries accepted trades, in feed order
     * @param rejections refused lines, in feed order
     * @param normalised accepted or refused lines whose price or size had to be rounded to 6 decimals
     */
    public record Result(String name, int lines, List<Entry> entries, List<Rejection> rejections, int normalised) {
        public Result {
            entries = List.copyOf(entries);
            rejections = List.copyOf(rejections);
        }

        /** How many different signal ids the accepted lines carry. */
        public int distinctSignals() {
            Set<SignalId> seen = new HashSet<>();
            for (Entry e : entries) {
                seen.add(e.trade().signalId());
            }
            return seen.size();
        }

        /** Accepted lines that repeat a signal id seen before: the same trade delivered again. */
        public int repeatedDeliveries() {
            return entries.size() - distinctSignals();
        }
    }

    public static Result read(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, file.toString());
        }
    }

    /** The bundled demo feed, from the classpath. */
    public static Result readBundled() {
        InputStream stream = FeedReader.class.getClassLoader().getResourceAsStream(BUNDLED_FEED);
        if (stream == null) {
            throw new IllegalStateException("bundled feed " + BUNDLED_FEED + " is not on the classpath");
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            return read(in, "classpath:" + BUNDLED_FEED);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Result read(BufferedReader in, String name) throws IOException {
        List<Entry> entries = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        int lineNo = 0;
        int lines = 0;
        int normalised = 0;
        String text;
        while ((text = in.readLine()) != null) {
            lineNo++;
            if (text.isBlank()) {
                continue;
            }
            lines++;
            boolean[] rounded = {false};
            try {
                JsonNode node = parseObject(text);
                entries.add(new Entry(lineNo, sourceOf(node), toTrade(node, rounded)));
            } catch (InvalidInputException e) {
                rejections.add(new Rejection(lineNo, e.getMessage()));
            }
            if (rounded[0]) {
                normalised++;
            }
        }
        return new Result(name, lines, entries, rejections, normalised);
    }

    private static JsonNode parseObject(String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("line", text, "is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new InvalidInputException("line", text, "is not a JSON object");
        }
        return node;
    }

    private static LeaderTrade toTrade(JsonNode node, boolean[] rounded) {
        String leaderText = text(node, "leader", "wallet");
        String tokenId = text(node, "token_id");
        String sideText = text(node, "side");
        String price = decimal(node, "price", "trade.price", rounded);
        String size = decimal(node, "size", "trade.size", rounded);

        // the signal id needs typed values; parsing them here gives the same field names the builder uses
        Address leader = Address.parse("trade.leader", leaderText);
        Side side = Side.parse("trade.side", sideText);
        Shares shares = Shares.parse("trade.size", size);
        String token = Market.normaliseTokenId("trade.market.tokenId", tokenId);
        TxHash tx = txHash(text(node, "tx_hash"));
        Long logIndex = integer(node, "log_index", "trade.logIndex", true);
        SignalId signal = logIndex != null ? SignalId.chainLog(POLYGON, tx, logIndex)
                : SignalId.chainFill(POLYGON, tx, leader, token, side, shares);

        return LeaderTrade.builder()
                .signalId(signal)
                .leader(leaderText)
                .market(text(node, "condition_id"), tokenId, text(node, "slug"))
                .side(sideText)
                .price(price)
                .size(size)
                .timestamp(Instant.ofEpochSecond(integer(node, "timestamp", "trade.timestamp", false)))
                .build();
    }

    private static String sourceOf(JsonNode node) {
        String s = text(node, "source", "source_repo");
        return s == null || s.isBlank() ? "?" : s;
    }

    /** The first present, non-null field as text; numbers keep their exact digits. */
    private static String text(JsonNode node, String... names) {
        for (String n : names) {
            JsonNode v = node.get(n);
            if (v == null || v.isNull()) {
                continue;
            }
            if (v.isNumber()) {
                BigDecimal d = v.decimalValue();
                // plain digits unless the exponent is absurd: 1e-999999999 in plain form is a gigabyte
                return Math.abs((long) d.scale()) > 100 ? d.toString() : d.toPlainString();
            }
            return v.isValueNode() ? v.asText() : v.toString();
        }
        return null;
    }

    /** A price or size; more than 6 decimals is rounded HALF_EVEN (and counted). Non-numbers pass to the core. */
    private static String decimal(JsonNode node, String name, String field, boolean[] rounded) {
        String raw = text(node, name);
        if (raw == null) {
            throw new InvalidInputException(field, null, "is required");
        }
        BigDecimal value;
        try {
            value = new BigDecimal(raw.trim());
        } catch (NumberFormatException e) {
            return raw;
        }
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.scale() <= MAX_DECIMALS) {
            return raw;
        }
        rounded[0] = true;
        if (stripped.precision() - stripped.scale() < -MAX_DECIMALS) {
            // below 1e-7 it rounds to zero; setScale would first expand an exponent like 1e-999999999
            return "0";
        }
        return value.setScale(MAX_DECIMALS, RoundingMode.HALF_EVEN).toPlainString();
    }

    private static Long integer(JsonNode node, String name, String field, boolean nullable) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            if (nullable) {
                return null;
            }
            throw new InvalidInputException(field, null, "is required");
        }
        if (v.isIntegralNumber() && v.canConvertToLong() && v.longValue() >= 0 && v.longValue() <= MAX_INTEGER) {
            return v.longValue();
        }
        throw new InvalidInputException(field, v.toString(), "must be an integer in 0.." + MAX_INTEGER);
    }

    private static TxHash txHash(String value) {
        if (value == null) {
            throw new InvalidInputException("trade.txHash", null, "is required");
        }
        try {
            return TxHash.of(value);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("trade.txHash", value, "is not a 32-byte hex hash");
        }
    }
}
