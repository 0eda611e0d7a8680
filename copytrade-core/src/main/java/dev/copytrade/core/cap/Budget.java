package dev.copytrade.core.cap;

import dev.copytrade.core.model.InvalidInputException;
import java.util.regex.Pattern;

/**
 * One limit: at most {@code limit} units may be reserved plus committed within {@code window} under
 * {@code key}. Units are micro-USDC for money budgets and whole trades for count budgets.
 *
 * @param key what the budget is for, e.g. {@code "global"}, {@code "wallet:0xabc…"},
 *     {@code "market:btc-updown"}, {@code "leader:0x…"}, {@code "trades:follower:f1"}
 * @param limit the most that may count at once, in units (positive)
 * @param window the window it counts over
 */
public record Budget(String key, long limit, BudgetWindow window) {
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,200}");

    public Budget {
        InvalidInputException.requireNonNull("budget.key", key);
        if (!KEY.matcher(key).matches()) {
            throw new InvalidInputException("budget.key", key, "must be 1..200 printable ASCII characters");
        }
        if (limit <= 0) {
            throw new InvalidInputException("budget.limit", limit, "must be positive");
        }
        InvalidInputException.requireNonNull("budget.window", window);
    }
}
