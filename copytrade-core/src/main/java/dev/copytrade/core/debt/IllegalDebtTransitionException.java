package dev.copytrade.core.debt;

/** A debt transition the table does not allow (writing off a debt being repaid, say); nothing was written. */
public final class IllegalDebtTransitionException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final DebtStatus from;
    private final DebtStatus to;
    private final DebtAction action;

    public IllegalDebtTransitionException(DebtStatus from, DebtStatus to) {
        super("illegal debt transition " + from + " -> " + to
                + (from == null ? "" : " (allowed from " + from + ": " + from.allowedNext() + ")"));
        this.from = from;
        this.to = to;
        this.action = null;
    }

    /** A step the table allows but {@code action} does not make (a failed attempt of a debt never attempted). */
    public IllegalDebtTransitionException(DebtStatus from, DebtStatus to, DebtAction action) {
        super("illegal debt transition " + from + " -> " + to + " for " + action);
        this.from = from;
        this.to = to;
        this.action = action;
    }

    /** The action asked for, when the table allowed the step but not for it; otherwise null. */
    public DebtAction action() {
        return action;
    }

    public DebtStatus from() {
        return from;
    }

    public DebtStatus to() {
        return to;
    }
}
