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
}
