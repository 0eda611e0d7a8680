package dev.copytrade.core.model;

import java.util.regex.Pattern;

/** The host's id for a follower: 1..128 printable characters (unicode letters allowed), no control chars. */
public record FollowerId(String value) {
    // Unicode classes, so C1 controls (U+0085) and Unicode spaces (U+2028, U+00A0) are refused as well
    private static final Pattern OK = Pattern.compile("[^\\p{Cntrl}\\s|]{1,128}", Pattern.UNICODE_CHARACTER_CLASS);

    public FollowerId {
        InvalidInputException.requireNonNull("follower.id", value);
        if (!OK.matcher(value).matches()) {
            throw new InvalidInputException("follower.id", value,
                    "must be 1..128 characters without spaces, control characters or '|'");
        }
    }

    public static FollowerId of(String value) {
        return new FollowerId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
