package dev.copytrade.core.guardrail;

import static dev.copytrade.core.executor.Fixtures.follower;
import static dev.copytrade.core.guardrail.Rig.skip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.Fixtures;
import dev.copytrade.core.guardrail.AccessList.Mode;
import dev.copytrade.core.guardrail.AccessList.Subject;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.Price;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.model.Side;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.time.SettableClock;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AccessListTest {
    private static final String OTHER_LEADER = "0x" + "2f".repeat(20);
    private static final String OTHER_CONDITION = "0x" + "cd".repeat(32);

    private static LeaderTrade otherLeaderAndMarket() {
        return Fixtures.validTrade().leader(OTHER_LEADER).market(OTHER_CONDITION, Fixtures.TOKEN_ID, "other-market")
                .build();
    }

    private static GuardrailContext ctx(LeaderTrade trade, Follower follower) {
        return new GuardrailContext(Fixtures.T0, trade, follower, GuardrailContext.Phase.PRE_TRADE, false, false,
                Fixtures.preTrade().venueRules());
    }

    private static CopyOrder orderIn(GuardrailContext ctx) {
        return CopyOrder.of(ctx.trade().market(), Side.BUY, Price.of("0.50"), Shares.of("20"));
    }

    /** subject, the listed entry, a context with the listed subject, one without, detail key, each one's value. */
    static Stream<Arguments> subjects() {
        LeaderTrade usual = Fixtures.trade();
        LeaderTrade other = otherLeaderAndMarket();
        Follower one = follower(1);
        Follower two = follower(2);
        return Stream.of(
                arguments(Subject.FOLLOWER_WALLET, one.wallet().value(), ctx(usual, one), ctx(usual, two), "wallet",
                        one.wallet().value(), two.wallet().value()),
                arguments(Subject.SIGNER, one.signer().value(), ctx(usual, one), ctx(usual, two), "signer",
                        one.signer().value(), two.signer().value()),
                arguments(Subject.LEADER, Fixtures.LEADER, ctx(usual, one), ctx(other, one), "leader", Fixtures.LEADER,
                        OTHER_LEADER),
                arguments(Subject.MARKET, "will-it-rain", ctx(usual, one), ctx(other, one), "market", "will-it-rain",
                        "other-market"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("subjects")
    void anAllowlistPassesOnlyTheListed(Subject subject, String entry, GuardrailContext listed,
            GuardrailContext unlisted, String detailKey, String listedValue, String unlistedValue) {
        AccessList list = AccessList.allow(subject, entry);

        Decision.Skip s = skip(list.evaluate(orderIn(unlisted), unlisted));

        assertThat(list.evaluate(orderIn(listed), listed)).isEqualTo(Decision.allow());
        assertThat(s.reason()).isEqualTo(subject.reason(Mode.ALLOW));
        assertThat(s.detail()).containsExactlyEntriesOf(Map.of(detailKey, unlistedValue));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("subjects")
    void aDenylistSkipsOnlyTheListed(Subject subject, String entry, GuardrailContext listed, GuardrailContext unlisted,
            String detailKey, String listedValue, String unlistedValue) {
        AccessList list = AccessList.deny(subject, entry.toUpperCase(Locale.ROOT).replace("0X", "0x"));

        Decision.Skip s = skip(list.evaluate(orderIn(listed), listed));

        assertThat(list.evaluate(orderIn(unlisted), unlisted)).isEqualTo(Decision.allow());
        assertThat(s.reason()).isEqualTo(subject.reason(Mode.DENY));
        assertThat(s.detail()).containsExactlyEntriesOf(Map.of(detailKey, listedValue));
    }

    @Test
    void eachListHasItsOwnReasonCodeAndName() {
        Map<Subject, List<ReasonCode>> codes = new EnumMap<>(Subject.class);
        Map<Subject, List<String>> names = new EnumMap<>(Subject.class);
        for (Subject s : Subject.values()) {
            codes.put(s, List.of(s.reason(Mode.ALLOW), s.reason(Mode.DENY)));
            names.put(s, List.of(AccessList.allow(s, "0x" + "0a".repeat(20)).name(), AccessList.deny(s).name()));
        }

        assertThat(codes).isEqualTo(Map.of(
                Subject.FOLLOWER_WALLET, List.of(ReasonCode.FOLLOWER_NOT_ALLOWED, ReasonCode.FOLLOWER_DENIED),
                Subject.SIGNER, List.of(ReasonCode.SIGNER_NOT_ALLOWED, ReasonCode.SIGNER_DENIED),
                Subject.LEADER, List.of(ReasonCode.LEADER_NOT_ALLOWED, ReasonCode.LEADER_DENIED),
                Subject.MARKET, List.of(ReasonCode.MARKET_NOT_ALLOWED, ReasonCode.MARKET_DENIED)));
        assertThat(names.get(Subject.SIGNER)).containsExactly("SignerAllowlist", "SignerDenylist");
        assertThat(names.get(Subject.MARKET)).containsExactly("MarketAllowlist", "MarketDenylist");
    }

    @Test
    void aMarketIsListedBySlugOrByConditionId() {
        GuardrailContext usual = ctx(Fixtures.trade(), follower(1));
        LeaderTrade noSlug = Fixtures.validTrade().market(OTHER_CONDITION, Fixtures.TOKEN_ID, null).build();
        GuardrailContext unnamed = ctx(noSlug, follower(1));
        AccessList byCondition = AccessList.deny(Subject.MARKET, OTHER_CONDITION.toUpperCase(Locale.ROOT).replace("0X", "0x"));
        AccessList bySlug = AccessList.allow(Subject.MARKET, " Will-It-Rain ");

        Decision.Skip s = skip(byCondition.evaluate(orderIn(unnamed), unnamed));

        assertThat(s.reason()).isEqualTo(ReasonCode.MARKET_DENIED);
        assertThat(s.detail()).containsEntry("market", OTHER_CONDITION);
        assertThat(byCondition.evaluate(orderIn(usual), usual)).isEqualTo(Decision.allow());
        assertThat(bySlug.evaluate(orderIn(usual), usual)).isEqualTo(Decision.allow());
        assertThat(skip(bySlug.evaluate(orderIn(unnamed), unnamed)).reason()).isEqualTo(ReasonCode.MARKET_NOT_ALLOWED);
        assertThat(AccessList.allow(Subject.MARKET, Fixtures.CONDITION_ID).evaluate(orderIn(usual), usual))
                .isEqualTo(Decision.allow());
    }

    @Test
    void anEmptyAllowlistOrABadEntryIsRefusedNamingTheList() {
        assertThatThrownBy(() -> AccessList.allow(Subject.SIGNER)).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.field()).isEqualTo("workerAllowlist"));
        assertThatThrownBy(() -> AccessList.deny(Subject.LEADER, "0xnope")).isInstanceOfSatisfying(
                InvalidInputException.class, e -> {
                    assertThat(e.field()).isEqualTo("leaderDenylist");
                    assertThat(e.value()).isEqualTo("0xnope");
                });
        assertThatThrownBy(() -> AccessList.allow(Subject.MARKET, "two words")).isInstanceOfSatisfying(
                InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("marketAllowlist"));
        assertThat(AccessList.deny(Subject.MARKET).entries()).isEmpty();
    }

    @Test
    @DisplayName("Scenario: Denylisted leader is skipped")
    void denylistedLeaderIsSkipped() {
        try (Rig rig = new Rig(new SettableClock(Fixtures.T0), List.of(AccessList.deny(Subject.LEADER, OTHER_LEADER)))) {
            CopyResult denied = rig.copy(otherLeaderAndMarket(), follower(1));
            CopyResult usual = rig.copy(Fixtures.trade(), follower(1));

            assertThat(denied.outcome()).isEqualTo(CopyResult.Outcome.SKIPPED);
            assertThat(denied.record().status()).isEqualTo(RecordStatus.SKIPPED);
            assertThat(denied.record().reason()).isEqualTo(ReasonCode.LEADER_DENIED);
            assertThat(denied.record().detail()).containsEntry("leader", OTHER_LEADER)
                    .containsEntry("guardrail", "LeaderDenylist");
            assertThat(usual.outcome()).isEqualTo(CopyResult.Outcome.EXECUTED);
            assertThat(rig.venue.submitCalls()).isEqualTo(1);
        }
    }
}
