package dev.copytrade.core.model;

import java.util.Locale;
import java.util.regex.Pattern;

/** A 32-byte transaction hash, normalised to lower-case {@code 0x}-prefixed hex. */
public record TxHash(String value) {
    private static final Pattern HEX64 = Pattern.compile("0x[0-9a-f]{64}");

    public TxHash {
        InvalidInputException.requireNonNull("txHash", value);
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (!HEX64.matcher(v).matches()) {
            throw new InvalidInputException("txHash", value, "is not a 32-byte hex hash");
        }
        value = v;
    }

    public static TxHash of(String value) {
        return new TxHash(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
