package dev.copytrade.core.model;

import java.util.regex.Pattern;

/**
 * A 20-byte EVM address, normalised once to lower-case {@code 0x}-prefixed hex so that two spellings
 * of the same wallet can never become two identities. Mixed-case (EIP-55) input is accepted and
 * lower-cased; its checksum is not verified here.
 */
public record Address(String value) {
    private static final Pattern HEX40 = Pattern.compile("0x[0-9a-f]{40}");

    public Address {
        InvalidInputException.requireNonNull("address", value);
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        if (!v.startsWith("0x") && v.length() == 40) {
            v = "0x" + v;
        }
        if (!HEX40.matcher(v).matches()) {
            throw new InvalidInputException("address", value, "is not a 20-byte hex address");
        }
        value = v;
    }

    public static Address of(String value) {
        return new Address(value);
    }

    /** Parses with the field name of the caller, so the error names e.g. {@code follower.wallet}. */
    public static Address parse(String field, String value) {
        try {
            return new Address(value);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(field, value, "is not a 20-byte hex address");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
