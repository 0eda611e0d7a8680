package dev.copytrade.core.cap;

import dev.copytrade.core.internal.CapChecks;
import java.time.Instant;
import java.util.List;

/**
 * One reservation of a {@link CapLedger#reserveAll} batch: the arguments of {@link CapLedger#reserve}, checked
 * here as {@code reserve} checks them (an {@code InvalidInputException} naming the field).
 */
public record ReserveRequest(String reservationId, List<Budget> budgets, long units, Instant at, Instant expiresAt) {
    public ReserveRequest {
        CapChecks.reserve(reservationId, budgets, units, at, expiresAt);
        budgets = List.copyOf(budgets);
    }
}
