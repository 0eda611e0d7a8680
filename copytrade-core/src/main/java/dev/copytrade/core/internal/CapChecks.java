package dev.copytrade.core.internal;

import dev.copytrade.core.cap.Budget;
import dev.copytrade.core.cap.BudgetWindow;
import dev.copytrade.core.cap.CommitRequest;
import dev.copytrade.core.cap.ReserveRequest;
import dev.copytrade.core.model.InvalidInputException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Argument checks and budget identity shared by every {@code CapLedger}, so the in-memory and the
 * database ledgers reject the same input with the same field names and count the same budgets together.
 */
public final class CapChecks {
    private static final Pattern RESERVATION_ID = Pattern.compile("[\\x21-\\x7e]{1,200}");

    private CapChecks() {}

    public static void reserve(String reservationId, List<Budget> budgets, long units, Instant at, Instant expiresAt) {
        reservationId(reservationId);
        InvalidInputException.requireNonNull("budgets", budgets);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < budgets.size(); i++) {
            Budget b = InvalidInputException.requireNonNull("budgets[" + i + "]", budgets.get(i));
            if (!seen.add(identity(b))) {
                // two limits on one counter: which one would hold is a guess, so refuse it
                throw new InvalidInputException("budgets", identity(b), "names the same budget twice");
            }
        }
        if (units <= 0) {
            throw new InvalidInputException("units", units, "must be positive");
        }
        InvalidInputException.requireNonNull("at", at);
        InvalidInputException.requireNonNull("expiresAt", expiresAt);
        if (expiresAt.isBefore(at)) {
            throw new InvalidInputException("expiresAt", expiresAt, "must not be before at (" + at + ")");
        }
    }

    /** The list of {@code reserveAll}: present, with no null item (each item checked itself when built). */
    public static List<ReserveRequest> requests(List<ReserveRequest> requests) {
        InvalidInputException.requireNonNull("requests", requests);
        for (int i = 0; i < requests.size(); i++) {
            InvalidInputException.requireNonNull("requests[" + i + "]", requests.get(i));
        }
        return requests;
    }

    /**
     * The arguments of {@code commitAll}: present, ids well formed. A ledger checks each {@code actualUnits}
     * against its reservation with {@link #actualUnits(String, long, long)} before it settles anything.
     */
    public static void commits(List<CommitRequest> commits, Instant at) {
        InvalidInputException.requireNonNull("commits", commits);
        for (int i = 0; i < commits.size(); i++) {
            reservationId(InvalidInputException.requireNonNull("commits[" + i + "]", commits.get(i)).reservationId());
        }
        InvalidInputException.requireNonNull("at", at);
    }

    /** The arguments of {@code releaseAll}. */
    public static void releases(List<String> reservationIds, Instant at) {
        InvalidInputException.requireNonNull("reservationIds", reservationIds);
        for (int i = 0; i < reservationIds.size(); i++) {
            reservationId(InvalidInputException.requireNonNull("reservationIds[" + i + "]", reservationIds.get(i)));
        }
        InvalidInputException.requireNonNull("at", at);
    }

    /** Checks the arguments of {@code commit} and {@code release}. */
    public static void settle(String reservationId, Instant at) {
        reservationId(reservationId);
        InvalidInputException.requireNonNull("at", at);
    }

    /** {@code actualUnits} of item {@code field} of a {@code commitAll} against what its reservation holds. */
    public static void actualUnits(String field, long actualUnits, long reservedUnits) {
        if (actualUnits < 0 || actualUnits > reservedUnits) {
            throw new InvalidInputException(field, actualUnits,
                    "must be between 0 and the " + reservedUnits + " units reserved");
        }
    }

    /** {@code actualUnits} of a commit against what the reservation holds. */
    public static void actualUnits(long actualUnits, long reservedUnits) {
        actualUnits("actualUnits", actualUnits, reservedUnits);
    }

    private static void reservationId(String reservationId) {
        InvalidInputException.requireNonNull("reservationId", reservationId);
        if (!RESERVATION_ID.matcher(reservationId).matches()) {
            throw new InvalidInputException("reservationId", reservationId, "must be 1..200 printable ASCII characters");
        }
    }

    /** A stable name of a window, e.g. {@code UTC_DAY} or {@code ROLLING/PT24H}. */
    public static String windowName(BudgetWindow window) {
        return window.kind() == BudgetWindow.Kind.UTC_DAY ? "UTC_DAY" : "ROLLING/" + window.length();
    }

    /**
     * What makes two budgets one counter: key and window, not the limit, so a limit changed in the
     * configuration applies to the spend already counted. Keys hold no spaces, so the space cannot be
     * ambiguous.
     */
    public static String identity(Budget budget) {
        return budget.key() + " " + windowName(budget.window());
    }
}
