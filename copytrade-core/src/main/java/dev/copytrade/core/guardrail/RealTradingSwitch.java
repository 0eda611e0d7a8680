package dev.copytrade.core.guardrail;

import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.record.ReasonCode;

/**
 * The master switch: an adapter that moves real money gets no order until real trading is enabled
 * ({@code REAL_TRADING_DISABLED}); simulated adapters and dry runs pass. Off is the safe default.
 */
public final class RealTradingSwitch implements Guardrail {
    private final boolean enabled;

    public RealTradingSwitch(boolean enabled) {
        this.enabled = enabled;
    }

    public static RealTradingSwitch disabled() {
        return new RealTradingSwitch(false);
    }

    public static RealTradingSwitch enabled() {
        return new RealTradingSwitch(true);
    }

    @Override
    public Decision evaluate(CopyOrder order, GuardrailContext context) {
        if (enabled || !context.movesRealMoney() || context.dryRun()) {
            return Decision.allow();
        }
        return Decision.skip(ReasonCode.REAL_TRADING_DISABLED, "hint", "enable real trading to send orders");
    }
}
