package dev.copytrade.core.model;

/**
 * Bad input at the door: names the field and the rejected value so an operator can find the
 * offending feed line or config entry. Thrown before anything is recorded or sent.
 */
public final class InvalidInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String value;

    public InvalidInputException(String field, Object value, String problem) {
        super(field + ": " + problem + " (was " + render(value) + ")");
        this.field = field;
        this.value = render(value);
    }

    /** The name of the rejected field, e.g. {@code "trade.price"}. */
    public String field() {
        return field;
    }

    /** The rejected value as text ({@code "null"} for a missing value), truncated to 120 chars. */
    public String value() {
        return value;
    }

    private static String render(Object value) {
        if (value == null) {
            return "null";
        }
        String s = String.valueOf(value);
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }

    /** {@code Objects.requireNonNull} that names the field in the same style as every other check. */
    public static <T> T requireNonNull(String field, T value) {
        if (value == null) {
            throw new InvalidInputException(field, null, "is required");
        }
        return value;
    }

    /** A required, strictly positive duration (builder settings such as TTLs and intervals). */
    public static java.time.Duration requirePositive(String field, java.time.Duration value) {
        requireNonNull(field, value);
        if (value.isNegative() || value.isZero()) {
            throw new InvalidInputException(field, value, "must be positive");
        }
        return value;
    }

    /**
     * {@link #requirePositive(String, java.time.Duration)} and at most {@code max}: a setting is added to
     * instants that stores must keep, so an absurd one would fail at every trade instead of at start-up.
     */
    public static java.time.Duration requirePositive(String field, java.time.Duration value, java.time.Duration max) {
        requirePositive(field, value);
        if (value.compareTo(max) > 0) {
            throw new InvalidInputException(field, value, "must be at most " + max);
        }
        return value;
    }

    /**
     * An id written to the store and to logs (an instance id, a lease owner): 1..{@code maxLength}
     * characters, not blank, no control characters (PostgreSQL refuses a NUL in text, so every write
     * carrying it would fail).
     */
    public static String requirePrintable(String field, String value, int maxLength) {
        requireNonNull(field, value);
        boolean ok = !value.isBlank() && value.length() <= maxLength;
        for (int i = 0; ok && i < value.length(); i++) {
            ok = !Character.isISOControl(value.charAt(i));
        }
        if (!ok) {
            throw new InvalidInputException(field, value,
                    "must be 1.." + maxLength + " characters, not blank, without control characters");
        }
        return value;
    }
}
