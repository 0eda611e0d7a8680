package dev.copytrade.core.debt;

import dev.copytrade.core.model.InvalidInputException;
import java.util.Locale;
import java.util.regex.Pattern;

/** The checks the debt value types share, so a leg id or an asset is spelled one way everywhere. */
final class DebtText {
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9:._\\-]{1,100}");
    static final int MAX_TEXT = 2000;

    private DebtText() {}

    /** A leg id: 1..100 of letters, digits and {@code : . _ -}. */
    static String legId(String field, String value) {
        InvalidInputException.requireNonNull(field, value);
        if (!TOKEN.matcher(value).matches()) {
            throw new InvalidInputException(field, value, "must be 1..100 of letters, digits and : . _ -");
        }
        return value;
    }

    /** An asset, upper-cased once so {@code usdc} and {@code USDC} are one identity. */
    static String asset(String field, String value) {
        InvalidInputException.requireNonNull(field, value);
        String v = value.trim();
        if (!TOKEN.matcher(v).matches()) {
            throw new InvalidInputException(field, value, "must be 1..100 of letters, digits and : . _ -");
        }
        return v.toUpperCase(Locale.ROOT);
    }

    /** Required, not blank; cut to {@link #MAX_TEXT} characters (it is audit text, never a reason to fail). */
    static String required(String field, String value) {
        InvalidInputException.requireNonNull(field, value);
        if (value.isBlank()) {
            throw new InvalidInputException(field, value, "must not be blank");
        }
        return cut(value);
    }

    static String cut(String value) {
        return value == null || value.length() <= MAX_TEXT ? value : value.substring(0, MAX_TEXT);
    }

    /** An optional short identifier (owner, actor, key, reference): null, or 1..200 characters. */
    static String optionalId(String field, String value) {
        if (value != null && (value.isBlank() || value.length() > 200)) {
            throw new InvalidInputException(field, value, "must be 1..200 characters");
        }
        return value;
    }
}
