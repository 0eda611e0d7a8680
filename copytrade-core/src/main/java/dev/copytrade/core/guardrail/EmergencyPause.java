package dev.copytrade.core.guardrail;

import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.record.ReasonCode;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The big red button: while paused, every order is skipped ({@code EMERGENCY_PAUSE}). Checked again
 * under the signer's lock, so a pause flipped mid-flight stops orders that have not left yet.
 */
public final class EmergencyPause implements Guardrail {
    private final AtomicBoolean paused;

    public EmergencyPause(boolean pausedAtStart) {
        this.paused = new AtomicBoolean(pausedAtStart);
    }

    public void pause() {
        paused.set(true);
    }

    public void resume() {
        paused.set(false);
    }

    public boolean isPaused() {
        return paused.get();
    }

    @Override
    public Decision evaluate(CopyOrder order, GuardrailContext context) {
        return paused.get() ? Decision.skip(ReasonCode.EMERGENCY_PAUSE) : Decision.allow();
    }

    @Override
    public boolean realtime() {
        return true;
    }
}
