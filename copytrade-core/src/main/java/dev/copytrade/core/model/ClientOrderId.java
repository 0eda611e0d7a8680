package dev.copytrade.core.model;

import java.util.regex.Pattern;

/** The id an order carries to the venue; venues dedup on it, and the reconciler looks orders up by it. */
public record ClientOrderId(String value) {
    private static final Pattern OK = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public ClientOrderId {
        InvalidInputException.requireNonNull("clientOrderId", value);
        if (!OK.matcher(value).matches()) {
            throw new InvalidInputException("clientOrderId", value, "must be 1..64 of [A-Za-z0-9_-]");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
