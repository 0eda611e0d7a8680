package dev.copytrade.core.model;

import static dev.copytrade.core.executor.Fixtures.CHAIN_ID;
import static dev.copytrade.core.executor.Fixtures.LEADER;
import static dev.copytrade.core.executor.Fixtures.TOKEN_ID;
import static dev.copytrade.core.executor.Fixtures.txHash;
import static dev.copytrade.core.executor.Fixtures.validTrade;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ModelValidationTest {

    private static void assertRejected(ThrowingCallable call, String field, String value) {
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.value()).isEqualTo(value);
            assertThat(e.getMessage()).startsWith(field + ": ").endsWith("(was " + value + ")");
        });
    }

    // ---- a malformed trade names the field and the value ----

    static Stream<Arguments> malformedTrades() {
        return Stream.of(
                bad("negative size", "trade.size", "-5", b -> b.size("-5")),
                bad("zero size", "trade.size", "0.000000", b -> b.size("0")),
                bad("size with 7 decimals", "trade.size", "1.0000001", b -> b.size("1.0000001")),
                bad("size that is not a number", "trade.size", "ten", b -> b.size("ten")),
                bad("size over a billion shares", "trade.size", "1000000000.000001", b -> b.size("1000000000.000001")),
                bad("size with a huge exponent", "trade.size", "1E+999999999", b -> b.size("1e999999999")),
                bad("size with the largest exponent", "trade.size", "1E+2147483647", b -> b.size("1e2147483647")),
                bad("size with the smallest exponent", "trade.size", "1E-2147483647", b -> b.size("1e-2147483647")),
                bad("price 0", "trade.price", "0", b -> b.price("0")),
                bad("price 1", "trade.price", "1", b -> b.price("1")),
                bad("price -0.5", "trade.price", "-0.5", b -> b.price("-0.5")),
                bad("price with 7 decimals", "trade.price", "0.1234567", b -> b.price("0.1234567")),
                bad("missing price", "trade.price", "null", b -> b.price(null)),
                bad("unknown side", "trade.side", "HOLD", b -> b.side("HOLD")),
                bad("missing side", "trade.side", "null", b -> b.side((String) null)),
                bad("missing signal id", "trade.signalId", "null", b -> b.signalId(null)),
                bad("missing leader", "trade.leader", "null", b -> b.leader(null)),
                bad("malformed leader address", "trade.leader", "0x123", b -> b.leader("0x123")),
                bad("bad condition id", "trade.market.conditionId", "0x1234", b -> b.market("0x1234", TOKEN_ID, null)),
                bad("non-decimal token id", "trade.market.tokenId", "0xabc",
                        b -> b.market("0x" + "ab".repeat(32), "0xabc", null)),
                bad("missing timestamp", "trade.timestamp", "null", b -> b.timestamp(null)));
    }

    private static Arguments bad(String what, String field, String value, UnaryOperator<LeaderTrade.Builder> breakIt) {
        return arguments(what, field, value, breakIt);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedTrades")
    @DisplayName("Scenario: Malformed trade names the field and value")
    void malformedTradeNamesTheFieldAndValue(String what, String field, String value,
            UnaryOperator<LeaderTrade.Builder> breakIt) {
        LeaderTrade.Builder b = breakIt.apply(validTrade());

        assertRejected(b::build, field, value);
    }

    @Test
    void theValidFixtureTradeBuilds() {
        // the malformed cases above differ from this only in the field they break
        LeaderTrade t = validTrade().build();

        assertThat(t.notional()).isEqualTo(Usdc.of("50"));
        assertThat(t.leader().value()).isEqualTo(LEADER);
    }

    // ---- value types at their edges ----

    @Test
    void usdcHoldsUpToOneBillionExactly() {
        assertThat(Usdc.of("1000000000").micros()).isEqualTo(Usdc.MAX_MICROS);
        assertThat(Usdc.of("12.5")).isEqualTo(Usdc.of("12.500000")).hasToString("12.500000");
        assertThat(Usdc.of(" 1e3 ")).isEqualTo(Usdc.of("1000"));
        assertRejected(() -> Usdc.of("1000000000.000001"), "usdc", "1000000000.000001");
        assertRejected(() -> Usdc.of("0.0000001"), "usdc", "0.0000001");
        assertRejected(() -> Usdc.of("-0.01"), "usdc", "-0.01");
        assertRejected(() -> Usdc.ofMicros(Usdc.MAX_MICROS).plus(Usdc.ofMicros(1)), "usdc", "1000000000.000001");
        assertRejected(() -> Usdc.ZERO.minus(Usdc.ofMicros(1)), "usdc", "-0.000001");
        assertRejected(() -> Usdc.ofMicros(Long.MAX_VALUE), "usdc", "9223372036854.775807");
    }

    @Test
    void sharesHoldUpToOneBillionAndRoundOnTheirGrid() {
        Shares step = Shares.of("0.01");

        assertThat(Shares.of("1000000000").micros()).isEqualTo(Shares.MAX_MICROS);
        assertThat(Shares.of("30.303030").floorTo(step)).isEqualTo(Shares.of("30.30"));
        assertThat(Shares.of("30.303030").ceilTo(step)).isEqualTo(Shares.of("30.31"));
        assertThat(Shares.of("30.30").ceilTo(step)).isEqualTo(Shares.of("30.30"));
        assertRejected(() -> Shares.of("1000000000.000001"), "shares", "1000000000.000001");
        assertRejected(() -> Shares.ofMicros(-1), "shares", "-0.000001");
        assertRejected(() -> Shares.ofMicros(Shares.MAX_MICROS - 1).ceilTo(Shares.of("0.03")), "shares",
                "1000000000.020000");
    }

    @Test
    void priceIsStrictlyBetweenZeroAndOne() {
        assertThat(Price.of("0.000001").micros()).isEqualTo(1);
        assertThat(Price.of("0.999999").micros()).isEqualTo(999_999);
        assertRejected(() -> Price.of("1.0"), "price", "1.0");
        assertRejected(() -> Price.of("0.0000001"), "price", "0.0000001");
        assertRejected(() -> Price.ofMicros(0), "price", "0.000000");
        assertRejected(() -> Price.ofMicros(1_000_000), "price", "1.000000");
    }

    @Test
    void addressesAndHashesAreNormalisedOnce() {
        String lower = "0x" + "abcdef0123".repeat(4);

        assertThat(Address.of(lower.toUpperCase().replace("0X", "0x"))).isEqualTo(Address.of(lower));
        assertThat(Address.of(" " + lower.substring(2) + " ")).isEqualTo(Address.of(lower));
        assertRejected(() -> Address.of("0x123"), "address", "0x123");
        assertRejected(() -> Address.of(lower + "0"), "address", lower + "0");
        assertRejected(() -> Address.of("0x" + "g".repeat(40)), "address", "0x" + "g".repeat(40));
        assertRejected(() -> Address.parse("follower.wallet", "nope"), "follower.wallet", "nope");

        String hash = "0x" + "ABCDEF0123456789".repeat(4);
        assertThat(TxHash.of(hash)).isEqualTo(TxHash.of(hash.toLowerCase()));
        assertRejected(() -> TxHash.of(hash.substring(0, 65)), "txHash", hash.substring(0, 65));
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice", "trader-ñ-日本-🚀", "Ω", "0x1234", "a:b/c@d.e"})
    void followerIdsMayUseAnyPrintableCharacters(String id) {
        assertThat(FollowerId.of(id).value()).isEqualTo(id);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"", "a b", "a|b", "a\tb", "a\nb", "a\u0000b", "a\u007fb", "a\u0085b", "a\u009bb",
        "a\u2028b", "a\u00a0b"})
    void followerIdsRejectControlCharactersSpacesAndTheSeparator(String id) {
        assertRejected(() -> FollowerId.of(id), "follower.id", id);
    }

    @Test
    void followerIdLengthIsBounded() {
        assertThat(FollowerId.of("x".repeat(128)).value()).hasSize(128);
        assertRejected(() -> FollowerId.of("x".repeat(129)), "follower.id", "x".repeat(117) + "...");
    }

    // ---- signal identity ----

    @Test
    @DisplayName("Scenario: Same trade from two sources yields one signal id")
    void sameTradeFromTwoSourcesYieldsOneSignalId() throws Exception {
        String tx = "0x" + "AbCdEf0123456789".repeat(4);
        // a WebSocket feed: typed values, checksummed spelling
        SignalId fromWebSocket = SignalId.chainFill(CHAIN_ID, TxHash.of(tx),
                Address.of(LEADER.toUpperCase().replace("0X", "0x")), TOKEN_ID, Side.BUY, Shares.of("10.5"));
        // the Data API: raw text through the trade builder, lower case, no 0x on the wallet, padded token id
        LeaderTrade parsed = LeaderTrade.builder().signalId(SignalId.venueFill("placeholder", "x"))
                .leader(LEADER.substring(2)).market("0x" + "ab".repeat(32), " " + TOKEN_ID + " ", null)
                .side("buy").price("0.5").size("10.500000").timestamp(java.time.Instant.EPOCH).build();
        SignalId fromApi = SignalId.chainFill(CHAIN_ID, TxHash.of(tx.toLowerCase()), parsed.leader(),
                parsed.market().tokenId(), parsed.side(), parsed.size());

        assertThat(fromApi).isEqualTo(fromWebSocket);
        // the text seeds every idempotency key ever stored, so its format is pinned
        assertThat(fromApi.value()).isEqualTo("fill:137:" + tx.toLowerCase() + ":" + LEADER + ":" + TOKEN_ID
                + ":BUY:10500000");

        FollowerId follower = FollowerId.of("follower-ü");
        IdempotencyKey key = IdempotencyKey.of(fromApi, follower);
        assertThat(IdempotencyKey.of(fromWebSocket, FollowerId.of("follower-ü"))).isEqualTo(key);
        assertThat(key.value()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest((fromApi.value() + "|follower-ü").getBytes(StandardCharsets.UTF_8))));
        assertThat(key.clientOrderId()).isEqualTo(new ClientOrderId("ct-" + key.value().substring(0, 32)));

        assertThat(SignalId.venueFill(" Polymarket ", " fill-42 ")).isEqualTo(SignalId.venueFill("polymarket", "fill-42"));
    }

    @Test
    @DisplayName("Scenario: Several fills in one transaction stay distinct")
    void severalFillsInOneTransactionStayDistinct() {
        TxHash tx = txHash(42);
        Address leader = Address.of(LEADER);
        List<SignalId> fills = List.of(
                SignalId.chainFill(CHAIN_ID, tx, leader, TOKEN_ID, Side.BUY, Shares.of("10")),
                SignalId.chainFill(CHAIN_ID, tx, leader, "12345", Side.BUY, Shares.of("10")),
                SignalId.chainFill(CHAIN_ID, tx, leader, TOKEN_ID, Side.SELL, Shares.of("10")),
                SignalId.chainFill(CHAIN_ID, tx, leader, TOKEN_ID, Side.BUY, Shares.of("10.000001")),
                SignalId.chainFill(CHAIN_ID, tx, Address.of("0x" + "22".repeat(20)), TOKEN_ID, Side.BUY,
                        Shares.of("10")),
                SignalId.chainFill(1, tx, leader, TOKEN_ID, Side.BUY, Shares.of("10")),
                SignalId.chainLog(CHAIN_ID, tx, 0),
                SignalId.chainLog(CHAIN_ID, tx, 1));
        FollowerId follower = FollowerId.of("follower-1");

        assertThat(Set.copyOf(fills)).hasSize(fills.size());
        Set<ClientOrderId> orderIds = fills.stream().map(s -> IdempotencyKey.of(s, follower).clientOrderId())
                .collect(Collectors.toSet());
        assertThat(orderIds).hasSize(fills.size());
        assertThat(IdempotencyKey.of(fills.get(0), FollowerId.of("follower-2")))
                .isNotEqualTo(IdempotencyKey.of(fills.get(0), follower));
    }

    @Test
    void signalIdsRejectWhatCannotBeAnIdentity() {
        assertRejected(() -> SignalId.chainLog(0, txHash(1), 0), "chainId", "0");
        assertRejected(() -> SignalId.chainLog(CHAIN_ID, txHash(1), -1), "logIndex", "-1");
        assertRejected(() -> SignalId.chainFill(CHAIN_ID, txHash(1), Address.of(LEADER), "12a", Side.BUY,
                Shares.of("1")), "tokenId", "12a");
        assertRejected(() -> SignalId.venueFill("poly market", "1"), "venue", "poly market");
        assertRejected(() -> new SignalId("has space"), "signalId", "has space");
    }

    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.DisplayName("Scenario: Token ids are canonical: leading zeros never make a second signal id")
    void tokenIdLeadingZeros() {
        org.assertj.core.api.Assertions.assertThat(Market.normaliseTokenId("t", " 000123 ")).isEqualTo("123");
        org.assertj.core.api.Assertions.assertThat(Market.normaliseTokenId("t", "0")).isEqualTo("0");
        Address leader = Address.of("0x" + "a".repeat(40));
        TxHash tx = TxHash.of("0x" + "b".repeat(64));
        org.assertj.core.api.Assertions.assertThat(SignalId.chainFill(137, tx, leader, "0042", Side.BUY, Shares.of("1")))
                .isEqualTo(SignalId.chainFill(137, tx, leader, "42", Side.BUY, Shares.of("1")));
    }
}
