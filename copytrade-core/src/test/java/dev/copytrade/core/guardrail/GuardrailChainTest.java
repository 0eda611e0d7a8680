package dev.copytrade.core.guardrail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.executor.Fixtures;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.Price;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.model.Side;
import dev.copytrade.core.record.ReasonCode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GuardrailChainTest {
    private final GuardrailContext preTrade = Fixtures.preTrade();
    private final CopyOrder twentyShares = order("20");
    private final List<String> evaluated = new ArrayList<>();

    static CopyOrder order(String shares) {
        return CopyOrder.of(Fixtures.trade().market(), Side.BUY, Price.of("0.50"), Shares.of(shares));
    }

    /** A guardrail with a readable name that notes each call and the size it saw. */
    private Guardrail named(String name, Guardrail body) {
        return new Guardrail() {
            @Override
            public Decision evaluate(CopyOrder order, GuardrailContext context) {
                evaluated.add(name + "@" + order.shares());
                return body.evaluate(order, context);
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    private static GuardrailChain.Verdict.Stop stop(GuardrailChain.Verdict v) {
        assertThat(v).isInstanceOf(GuardrailChain.Verdict.Stop.class);
        return (GuardrailChain.Verdict.Stop) v;
    }

    private static GuardrailChain.Verdict.Pass pass(GuardrailChain.Verdict v) {
        assertThat(v).isInstanceOf(GuardrailChain.Verdict.Pass.class);
        return (GuardrailChain.Verdict.Pass) v;
    }

    @Test
    @DisplayName("Scenario: First skip wins")
    void firstSkipWins() {
        GuardrailChain chain = GuardrailChain.of(
                named("allows", (o, c) -> Decision.allow()),
                named("first", (o, c) -> Decision.skip(ReasonCode.CUSTOM, "code", "first")),
                named("second", (o, c) -> Decision.skip(ReasonCode.NOTIONAL_CAP_EXCEEDED)),
                named("never", (o, c) -> Decision.allow()));

        GuardrailChain.Verdict.Stop stop = stop(chain.evaluate(twentyShares, preTrade));

        assertThat(stop.reason()).isEqualTo(ReasonCode.CUSTOM);
        assertThat(stop.detail()).containsEntry("code", "first").containsEntry("guardrail", "first");
        assertThat(evaluated).containsExactly("allows@20.000000", "first@20.000000");
    }

    @Test
    @DisplayName("Scenario: Guardrail that throws fails closed")
    void guardrailThatThrowsFailsClosed() {
        GuardrailChain chain = GuardrailChain.of(
                named("broken", (o, c) -> {
                    throw new IllegalStateException("quote service down");
                }),
                named("never", (o, c) -> Decision.allow()));

        GuardrailChain.Verdict.Stop stop = stop(chain.evaluate(twentyShares, preTrade));

        assertThat(stop.reason()).isEqualTo(ReasonCode.GUARDRAIL_ERROR);
        assertThat(stop.detail()).containsEntry("guardrail", "broken");
        assertThat(stop.detail().get("error")).contains("quote service down");
        assertThat(evaluated).containsExactly("broken@20.000000");
    }

    @Test
    @DisplayName("Scenario: Guardrail that throws fails closed")
    void guardrailThatReturnsNothingFailsClosed() {
        GuardrailChain chain = GuardrailChain.of(named("silent", (o, c) -> null));

        GuardrailChain.Verdict.Stop stop = stop(chain.evaluate(twentyShares, preTrade));

        assertThat(stop.reason()).isEqualTo(ReasonCode.GUARDRAIL_ERROR);
        assertThat(stop.detail()).containsEntry("guardrail", "silent").containsEntry("error", "returned null");
    }

    @Test
    @DisplayName("Scenario: Resize may only shrink the order")
    void resizeMayOnlyShrink() {
        GuardrailChain grows = GuardrailChain.of(named("grows", (o, c) -> Decision.resize(order("30"), "more")));
        GuardrailChain reprices = GuardrailChain.of(named("reprices", (o, c) -> Decision.resize(
                CopyOrder.of(o.market(), o.side(), Price.of("0.40"), Shares.of("10")), "cheaper")));
        GuardrailChain flips = GuardrailChain.of(named("flips", (o, c) -> Decision.resize(
                CopyOrder.of(o.market(), Side.SELL, o.limitPrice(), Shares.of("10")), "other side")));

        GuardrailChain.Verdict.Stop grew = stop(grows.evaluate(twentyShares, preTrade));
        assertThat(grew.reason()).isEqualTo(ReasonCode.GUARDRAIL_ERROR);
        assertThat(grew.detail().get("error")).contains("grew").contains("20.000000").contains("30.000000");
        assertThat(stop(reprices.evaluate(twentyShares, preTrade)).reason()).isEqualTo(ReasonCode.GUARDRAIL_ERROR);
        assertThat(stop(flips.evaluate(twentyShares, preTrade)).reason()).isEqualTo(ReasonCode.GUARDRAIL_ERROR);
    }

    @Test
    @DisplayName("Scenario: Resize may only shrink the order")
    void shrinkingResizesApplyInOrderAndLaterGuardrailsSeeTheSmallerOrder() {
        GuardrailChain chain = GuardrailChain.of(
                named("halve", (o, c) -> Decision.resize(o.withShares(Shares.of("10")), "halved")),
                named("trim", (o, c) -> Decision.resize(o.withShares(Shares.of("8")), "trimmed")),
                named("looks", (o, c) -> Decision.allow()));

        GuardrailChain.Verdict.Pass pass = pass(chain.evaluate(twentyShares, preTrade));

        assertThat(pass.order().shares()).isEqualTo(Shares.of("8"));
        assertThat(pass.notes()).containsEntry("resized.halve", "halved").containsEntry("resized.trim", "trimmed");
        assertThat(evaluated).containsExactly("halve@20.000000", "trim@10.000000", "looks@8.000000");
    }

    @Test
    @DisplayName("Scenario: Resize may only shrink the order")
    void realtimeGuardrailsMayNotResize() {
        Guardrail shrinksLate = new Guardrail() {
            @Override
            public Decision evaluate(CopyOrder order, GuardrailContext context) {
                return Decision.resize(order.withShares(Shares.of("10")), "late");
            }

            @Override
            public boolean realtime() {
                return true;
            }
        };

        GuardrailChain.Verdict realtime = GuardrailChain.of(shrinksLate)
                .evaluate(twentyShares, preTrade.inPhase(GuardrailContext.Phase.REALTIME));

        assertThat(stop(realtime).reason()).isEqualTo(ReasonCode.GUARDRAIL_ERROR);
    }

    @Test
    void realtimePhaseRunsOnlyRealtimeGuardrails() {
        EmergencyPause pause = new EmergencyPause(false);
        GuardrailChain chain = GuardrailChain.of(named("preTradeOnly", (o, c) -> Decision.allow()), pause);
        GuardrailContext underTheLock = preTrade.inPhase(GuardrailContext.Phase.REALTIME);

        assertThat(chain.evaluate(twentyShares, underTheLock)).isInstanceOf(GuardrailChain.Verdict.Pass.class);
        pause.pause();
        assertThat(stop(chain.evaluate(twentyShares, underTheLock)).reason()).isEqualTo(ReasonCode.EMERGENCY_PAUSE);
        assertThat(evaluated).isEmpty();
    }

    @Test
    void anEmptyChainPassesTheOrderUnchanged() {
        GuardrailChain.Verdict.Pass pass = pass(GuardrailChain.empty().evaluate(twentyShares, preTrade));

        assertThat(pass.order()).isEqualTo(twentyShares);
        assertThat(pass.notes()).isEmpty();
    }
}
