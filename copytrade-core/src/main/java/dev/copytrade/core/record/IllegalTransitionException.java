package dev.copytrade.core.record;

/** A transition the state machine does not allow; nothing was written. */
public final class IllegalTransitionException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final RecordStatus from;
    private final RecordStatus to;

    public IllegalTransitionException(RecordStatus from, RecordStatus to) {
        super("illegal record transition " + from + " -> " + to
                + (from == null ? "" : " (allowed from " + from + ": " + from.allowedNext() + ")"));
        this.from = from;
        this.to = to;
    }

    public RecordStatus from() {
        return from;
    }

    public RecordStatus to() {
        return to;
    }
}
