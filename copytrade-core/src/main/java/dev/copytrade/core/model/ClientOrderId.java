package dev.copytrade.core.model;

/** The id an order carries to the venue; venues dedup on it, and the reconciler looks orders up by it. */
public record ClientOrderId(String value) {
    public ClientOrderId {
        InvalidInputException.requireNonNull("clientOrderId", value);
        if (!isValid(value)) {
            throw new InvalidInputException("clientOrderId", value, "must be 1..64 of [A-Za-z0-9_-]");
        }
    }

    // [A-Za-z0-9_-]{1,64} by hand: derived once per copy on the hot path, where the regex showed up
    private static boolean isValid(String s) {
        int n = s.length();
        if (n < 1 || n > 64) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if ((c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '_' && c != '-') {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return value;
    }
}
