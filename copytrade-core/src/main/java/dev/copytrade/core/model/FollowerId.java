package dev.copytrade.core.model;

import java.util.regex.Pattern;

/**
 * The host's id for a follower: 1..128 printable characters (unicode letters allowed), no control chars.
 * Characters are counted as Java counts them (UTF-16 units: an emoji is two), which is how H2 sizes its
 * VARCHAR(128) column; PostgreSQL counts code points and takes every id this accepts.
 */
public record FollowerId(String value) {
    // Unicode classes, so C1 controls (U+0085) and Unicode spaces (U+2028, U+00A0) are refused as well
    private static final Pattern OK = Pattern.compile("[^\\p{Cntrl}\\s|]{1,128}", Pattern.UNICODE_CHARACTER_CLASS);

    public FollowerId {
        InvalidInputException.requireNonNull("follower.id", value);
        if (value.length() > 128 || !OK.matcher(value).matches() || hasUnpairedSurrogate(value)) {
            throw new InvalidInputException("follower.id", value,
                    "must be 1..128 characters without spaces, control characters, '|' or unpaired surrogates");
        }
    }

    /**
     * An unpaired surrogate is not text: UTF-8 encodes it as '?', so "f\uD800" would hash to the same
     * idempotency key as "f?" (and be stored as it), and two followers would share every key.
     */
    private static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    public static FollowerId of(String value) {
        return new FollowerId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
