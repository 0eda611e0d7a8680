package dev.copytrade.core.model;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An outcome market: the CTF condition id, the outcome token traded, and the human slug when known.
 * The token id is a decimal uint256 as the venue prints it.
 */
public record Market(String conditionId, String tokenId, String slug) {
    private static final Pattern CONDITION = Pattern.compile("0x[0-9a-f]{64}");
    private static final Pattern TOKEN = Pattern.compile("[0-9]{1,78}");
    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9._-]{0,199}");

    public Market {
        InvalidInputException.requireNonNull("market.conditionId", conditionId);
        InvalidInputException.requireNonNull("market.tokenId", tokenId);
        String c = conditionId.trim().toLowerCase(Locale.ROOT);
        if (!CONDITION.matcher(c).matches()) {
            throw new InvalidInputException("market.conditionId", conditionId, "is not a 32-byte hex id");
        }
        String t = normaliseTokenId("market.tokenId", tokenId);
        String s = slug == null || slug.isBlank() ? null : slug.trim().toLowerCase(Locale.ROOT);
        if (s != null && !SLUG.matcher(s).matches()) {
            throw new InvalidInputException("market.slug", slug, "is not a slug ([a-z0-9._-], up to 200 chars)");
        }
        conditionId = c;
        tokenId = t;
        slug = s;
    }

    public static Market of(String conditionId, String tokenId, String slug) {
        return new Market(conditionId, tokenId, slug);
    }

    /**
     * Validates a decimal uint256 token id and returns its canonical spelling (trimmed, no leading
     * zeros), so {@code "0123"} and {@code "123"} can never become two signal ids for one trade.
     */
    public static String normaliseTokenId(String field, String tokenId) {
        InvalidInputException.requireNonNull(field, tokenId);
        String t = tokenId.trim();
        if (!TOKEN.matcher(t).matches()) {
            throw new InvalidInputException(field, tokenId, "is not a decimal token id");
        }
        int firstNonZero = 0;
        while (firstNonZero < t.length() - 1 && t.charAt(firstNonZero) == '0') {
            firstNonZero++;
        }
        return t.substring(firstNonZero);
    }

    /**
     * True if {@code label} (trimmed, lower-cased) can name a market: a slug or a condition id. A per-market
     * setting under any other key could never apply, so it is refused rather than silently ignored.
     */
    public static boolean isLabel(String label) {
        return label != null && (SLUG.matcher(label).matches() || CONDITION.matcher(label).matches());
    }

    /** The slug when known, otherwise the condition id: what operators configure per-market rules by. */
    public String label() {
        return slug != null ? slug : conditionId;
    }
}
