package dev.copytrade.core.model;

import java.util.Locale;

public enum Side {
    BUY,
    SELL;

    public Side opposite() {
        return this == BUY ? SELL : BUY;
    }

    /** Parses {@code BUY}/{@code SELL} in any case; anything else names the field and value. */
    public static Side parse(String field, String value) {
        if (value != null) {
            String v = value.trim().toUpperCase(Locale.ROOT);
            if (v.equals("BUY")) {
                return BUY;
            }
            if (v.equals("SELL")) {
                return SELL;
            }
        }
        throw new InvalidInputException(field, value, "must be BUY or SELL");
    }
}
