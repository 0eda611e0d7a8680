package dev.copytrade.core.guardrail;

import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.record.ReasonCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ordered, short-circuiting list of guardrails. The first skip wins; resizes apply in order and
 * may only shrink the order; after a resize the venue minimum is checked again, so a clamp can never
 * be "fixed" by raising the order back over a cap. Immutable and thread-safe.
 */
public final class GuardrailChain {
    private static final Logger log = LoggerFactory.getLogger(GuardrailChain.class);
    private static final GuardrailChain EMPTY = new GuardrailChain(List.of());

    private final Guardrail[] all;
    private final Guardrail[] realtime;

    private GuardrailChain(List<Guardrail> guardrails) {
        this.all = guardrails.toArray(Guardrail[]::new);
        this.realtime = guardrails.stream().filter(Guardrail::realtime).toArray(Guardrail[]::new);
    }

    public static GuardrailChain of(List<? extends Guardrail> guardrails) {
        InvalidInputException.requireNonNull("guardrails", guardrails);
        List<Guardrail> copy = new ArrayList<>(guardrails.size());
        for (int i = 0; i < guardrails.size(); i++) {
            copy.add(InvalidInputException.requireNonNull("guardrails[" + i + "]", guardrails.get(i)));
        }
        return copy.isEmpty() ? EMPTY : new GuardrailChain(copy);
    }

    public static GuardrailChain of(Guardrail... guardrails) {
        return of(List.of(guardrails));
    }

    public static GuardrailChain empty() {
        return EMPTY;
    }

    /** True if any guardrail is evaluated again under the signer's lock. */
    public boolean hasRealtime() {
        return realtime.length > 0;
    }

    /** The guardrails, in evaluation order. */
    public List<Guardrail> guardrails() {
        return List.of(all);
    }

    /** What the chain decided: the (possibly smaller) order to place, or the skip. */
    public sealed interface Verdict {
        /** @param notes resizes applied, keyed by guardrail name */
        record Pass(CopyOrder order, Map<String, String> notes) implements Verdict {}

        record Stop(ReasonCode reason, Map<String, String> detail) implements Verdict {}
    }

    /** Runs every guardrail in the context's phase (all of them pre-trade, the realtime ones realtime). */
    public Verdict evaluate(CopyOrder order, GuardrailContext ctx) {
        boolean pre = ctx.phase() == GuardrailContext.Phase.PRE_TRADE;
        Guardrail[] chain = pre ? all : realtime;
        CopyOrder current = order;
        Map<String, String> notes = null;
        for (Guardrail g : chain) {
            Decision d;
            try {
                d = g.evaluate(current, ctx);
            } catch (RuntimeException e) {
                log.warn("guardrail {} threw; skipping the order (fail closed)", g.name(), e);
                return stop(ReasonCode.GUARDRAIL_ERROR, g, "error", String.valueOf(e));
            }
            if (d instanceof Decision.Allow) {
                continue;
            }
            if (d instanceof Decision.Skip s) {
                Map<String, String> detail = new LinkedHashMap<>(s.detail());
                detail.put("guardrail", g.name());
                return new Verdict.Stop(s.reason(), detail);
            }
            if (d instanceof Decision.Resize r) {
                String problem = resizeProblem(current, r.order(), pre);
                if (problem != null) {
                    return stop(ReasonCode.GUARDRAIL_ERROR, g, "error", problem);
                }
                if (!CopyPolicy.meetsVenueMinimum(r.order().shares(), r.order().limitPrice(), ctx.venueRules())) {
                    return stop(ReasonCode.BELOW_VENUE_MINIMUM, g, "resizedShares", r.order().shares().toString(),
                            "note", r.note());
                }
                current = r.order();
                if (notes == null) {
                    notes = new LinkedHashMap<>();
                }
                notes.put("resized." + g.name(), r.note());
            } else if (d == null) {
                return stop(ReasonCode.GUARDRAIL_ERROR, g, "error", "returned null");
            }
        }
        return new Verdict.Pass(current, notes == null ? Map.of() : notes);
    }

    private static String resizeProblem(CopyOrder before, CopyOrder after, boolean preTrade) {
        if (!preTrade) {
            return "resize is not allowed in the realtime phase";
        }
        if (!after.market().equals(before.market()) || after.side() != before.side()
                || !after.limitPrice().equals(before.limitPrice())) {
            return "resize changed market, side or price";
        }
        if (after.shares().compareTo(before.shares()) > 0) {
            return "resize grew the order from " + before.shares() + " to " + after.shares();
        }
        return null;
    }

    private static Verdict stop(ReasonCode reason, Guardrail g, String... kv) {
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put("guardrail", g.name());
        for (int i = 0; i < kv.length; i += 2) {
            detail.put(kv[i], kv[i + 1]);
        }
        return new Verdict.Stop(reason, detail);
    }
}
