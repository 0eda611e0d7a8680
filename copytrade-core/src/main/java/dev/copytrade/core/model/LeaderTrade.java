package dev.copytrade.core.model;

import java.math.RoundingMode;
import java.time.Instant;

/**
 * One trade by a leader, as normalised by the host's feed adapter. Validated on construction: a
 * trade that exists is well formed.
 *
 * @param signalId the normalised identity (see {@link SignalId})
 * @param leader the leader's wallet
 * @param market the market and outcome token traded
 * @param side BUY or SELL of the outcome token
 * @param price the fill price, strictly between 0 and 1
 * @param size shares filled, positive
 * @param timestamp when the leader's trade happened
 */
public record LeaderTrade(SignalId signalId, Address leader, Market market, Side side, Price price, Shares size,
        Instant timestamp) {
    /** The earliest timestamp accepted: nothing traded on chain before 1970. */
    public static final Instant EARLIEST = Instant.EPOCH;
    /**
     * The first timestamp refused: a date past year 9999 is a broken feed, and PostgreSQL and H2 cannot
     * store the far ends of {@code Instant} (the same trade would be copied in memory and refused there).
     */
    public static final Instant TOO_LATE = Instant.parse("+10000-01-01T00:00:00Z");

    public LeaderTrade {
        InvalidInputException.requireNonNull("trade.signalId", signalId);
        InvalidInputException.requireNonNull("trade.leader", leader);
        InvalidInputException.requireNonNull("trade.market", market);
        InvalidInputException.requireNonNull("trade.side", side);
        InvalidInputException.requireNonNull("trade.price", price);
        InvalidInputException.requireNonNull("trade.size", size);
        InvalidInputException.requireNonNull("trade.timestamp", timestamp);
        if (size.isZero()) {
            throw new InvalidInputException("trade.size", size, "must be positive");
        }
        if (timestamp.isBefore(EARLIEST) || !timestamp.isBefore(TOO_LATE)) {
            throw new InvalidInputException("trade.timestamp", timestamp, "must be from 1970 to 9999");
        }
    }

    /** Price × size, rounded to the nearest micro-USDC. */
    public Usdc notional() {
        return price.notionalOf(size, RoundingMode.HALF_UP);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds from raw text, naming the field of any bad value ({@code trade.price}, {@code trade.size}, ...). */
    public static final class Builder {
        private SignalId signalId;
        private long chainFillChainId;
        private String chainFillTx;
        private String leader;
        private String conditionId;
        private String tokenId;
        private String slug;
        private String side;
        private String price;
        private String size;
        private Instant timestamp;

        private Builder() {}

        public Builder signalId(SignalId signalId) {
            this.signalId = signalId;
            return this;
        }

        /**
         * Identify the trade as {@link SignalId#chainFill} from its own leader, token, side and size:
         * the form for feeds that give a tx hash but no log index (Polymarket's).
         */
        public Builder chainFill(long chainId, String txHash) {
            this.chainFillChainId = chainId;
            this.chainFillTx = txHash;
            return this;
        }

        public Builder leader(String leader) {
            this.leader = leader;
            return this;
        }

        public Builder market(String conditionId, String tokenId, String slug) {
            this.conditionId = conditionId;
            this.tokenId = tokenId;
            this.slug = slug;
            return this;
        }

        public Builder side(String side) {
            this.side = side;
            return this;
        }

        public Builder side(Side side) {
            this.side = side == null ? null : side.name();
            return this;
        }

        public Builder price(String price) {
            this.price = price;
            return this;
        }

        public Builder size(String size) {
            this.size = size;
            return this;
        }

        public Builder timestamp(Instant timestamp) {
            this.timestamp = timestamp;
            return this;
        }

        public LeaderTrade build() {
            Address leaderAddress = Address.parse("trade.leader", InvalidInputException.requireNonNull("trade.leader", leader));
            Market m;
            try {
                m = new Market(conditionId, tokenId, slug);
            } catch (InvalidInputException e) {
                throw new InvalidInputException("trade." + e.field(), e.value(), stripField(e));
            }
            Side s = Side.parse("trade.side", side);
            Shares shares = Shares.parse("trade.size", size);
            SignalId id = signalId;
            if (chainFillTx != null) {
                if (signalId != null) {
                    throw new InvalidInputException("trade.signalId", signalId, "is set twice (signalId and chainFill)");
                }
                TxHash tx;
                try {
                    tx = TxHash.of(chainFillTx);
                } catch (InvalidInputException e) {
                    throw new InvalidInputException("trade.txHash", chainFillTx, "is not a 32-byte hex hash");
                }
                id = SignalId.chainFill(chainFillChainId, tx, leaderAddress, m.tokenId(), s, shares);
            }
            return new LeaderTrade(id, leaderAddress, m, s, Price.parse("trade.price", price), shares, timestamp);
        }

        private static String stripField(InvalidInputException e) {
            String msg = e.getMessage();
            int colon = msg.indexOf(": ");
            int was = msg.lastIndexOf(" (was ");
            return msg.substring(colon + 2, was > colon ? was : msg.length());
        }
    }
}
