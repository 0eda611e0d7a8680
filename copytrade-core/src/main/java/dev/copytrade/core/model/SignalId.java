package dev.copytrade.core.model;

import dev.copytrade.core.internal.Hashing;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one normalised identity of a leader trade, whatever feed delivered it. Two deliveries of the
 * same trade (WebSocket, polling, chain log, a replay after restart) must produce equal ids, and two
 * different fills must never collapse into one. Pick the strongest form every source of a venue can
 * produce, and use it for all of them:
 *
 * <ul>
 *   <li>{@link #chainLog}: chain id + tx hash + log index, when every source carries the log index;
 *   <li>{@link #chainFill}: chain id + tx hash + leader + token + side + shares, when sources give the
 *       tx hash but not the log index (Polymarket's activity feed and Data API). Several fills in one
 *       transaction stay distinct by token, side and size;
 *   <li>{@link #venueFill}: a venue's own fill id;
 *   <li>{@link #synthetic}: none of the above; a digest of the trade's fields, timestamp included.
 * </ul>
 *
 * The value is plain text, stable across versions: it seeds the idempotency key, so changing how it
 * is built would re-execute history.
 */
public record SignalId(String value) {
    private static final Pattern SAFE = Pattern.compile("[\\x21-\\x7e]{1,512}");
    // compiled once: String.matches compiled it again for every venue fill id built
    private static final Pattern VENUE = Pattern.compile("[a-z0-9_-]{1,32}");

    public SignalId {
        InvalidInputException.requireNonNull("signalId", value);
        if (!SAFE.matcher(value).matches()) {
            throw new InvalidInputException("signalId", value,
                    "must be 1..512 printable ASCII characters without spaces");
        }
    }

    public static SignalId chainLog(long chainId, TxHash txHash, long logIndex) {
        requireChainId(chainId);
        InvalidInputException.requireNonNull("txHash", txHash);
        if (logIndex < 0) {
            throw new InvalidInputException("logIndex", logIndex, "must not be negative");
        }
        return new SignalId("log:" + chainId + ":" + txHash.value() + ":" + logIndex);
    }

    public static SignalId chainFill(long chainId, TxHash txHash, Address leader, String tokenId, Side side,
            Shares shares) {
        requireChainId(chainId);
        InvalidInputException.requireNonNull("txHash", txHash);
        InvalidInputException.requireNonNull("leader", leader);
        InvalidInputException.requireNonNull("side", side);
        InvalidInputException.requireNonNull("shares", shares);
        String token = Market.normaliseTokenId("tokenId", tokenId);
        return new SignalId("fill:" + chainId + ":" + txHash.value() + ":" + leader.value() + ":" + token + ":"
                + side + ":" + shares.micros());
    }

    public static SignalId venueFill(String venue, String fillId) {
        InvalidInputException.requireNonNull("venue", venue);
        InvalidInputException.requireNonNull("fillId", fillId);
        String v = venue.trim().toLowerCase(Locale.ROOT);
        if (!VENUE.matcher(v).matches()) {
            throw new InvalidInputException("venue", venue, "must be 1..32 of [a-z0-9_-]");
        }
        String f = fillId.trim();
        if (f.isEmpty() || !SAFE.matcher(f).matches() || f.length() > 200) {
            throw new InvalidInputException("fillId", fillId, "must be 1..200 printable ASCII characters");
        }
        return new SignalId("venue:" + v + ":" + f);
    }

    /** When a source gives neither a tx hash nor a fill id: a digest of everything that identifies the trade. */
    public static SignalId synthetic(Address leader, String tokenId, Side side, Price price, Shares shares,
            Instant timestamp) {
        InvalidInputException.requireNonNull("leader", leader);
        InvalidInputException.requireNonNull("tokenId", tokenId);
        InvalidInputException.requireNonNull("side", side);
        InvalidInputException.requireNonNull("price", price);
        InvalidInputException.requireNonNull("shares", shares);
        InvalidInputException.requireNonNull("timestamp", timestamp);
        String material = leader.value() + "|" + Market.normaliseTokenId("tokenId", tokenId) + "|" + side + "|" + price.micros() + "|"
                + shares.micros() + "|" + timestamp.getEpochSecond() + "." + timestamp.getNano();
        return new SignalId("syn:" + Hashing.sha256Hex(material).substring(0, 40));
    }

    private static void requireChainId(long chainId) {
        if (chainId <= 0) {
            throw new InvalidInputException("chainId", chainId, "must be positive");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
