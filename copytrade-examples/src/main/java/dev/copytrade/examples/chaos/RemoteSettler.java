package dev.copytrade.examples.chaos;

import dev.copytrade.core.debt.DebtSettler;
import dev.copytrade.core.debt.RepayResult;
import dev.copytrade.core.debt.Repayment;
import dev.copytrade.core.debt.RepaymentLookup;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The bot side of the chaos venue's repayments: a {@link DebtSettler} over the same loopback connection as
 * {@link RemoteVenue}. A transport error or a silent venue is {@code Unknown}, never a failure.
 */
final class RemoteSettler implements DebtSettler {
    private final RemoteVenue venue;

    RemoteSettler(RemoteVenue venue) {
        this.venue = venue;
    }

    @Override
    public RepayResult repay(Repayment r) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("key", r.idempotencyKey());
        f.put("debtor", r.debtor().value());
        f.put("creditor", r.creditor().value());
        f.put("asset", r.asset());
        f.put("amount", Long.toString(r.amount()));
        f.put("debtIds", r.debtIds().stream().map(String::valueOf).collect(Collectors.joining(",")));
        Map<String, String> a;
        try {
            a = venue.post("/repay", f);
        } catch (IOException e) {
            return new RepayResult.Unknown("settler unreachable or silent: " + e);
        }
        return switch (a.getOrDefault("outcome", "")) {
            case "REPAID" -> new RepayResult.Repaid(a.get("ref"));
            case "FAILED" -> new RepayResult.Failed(a.getOrDefault("error", "failed"));
            default -> new RepayResult.Unknown(a.getOrDefault("reason", "no clear answer"));
        };
    }

    @Override
    public RepaymentLookup lookup(String idempotencyKey) {
        Map<String, String> a;
        try {
            a = venue.post("/repay-lookup", Map.of("key", idempotencyKey));
        } catch (IOException e) {
            return new RepaymentLookup.Unknown("settler unreachable or silent: " + e);
        }
        return switch (a.getOrDefault("outcome", "")) {
            case "REPAID" -> new RepaymentLookup.Repaid(a.get("ref"));
            case "FAILED" -> new RepaymentLookup.Failed(a.getOrDefault("error", "failed"));
            case "NOTFOUND" -> new RepaymentLookup.NotFound();
            default -> new RepaymentLookup.Unknown(a.getOrDefault("reason", "no clear answer"));
        };
    }
}
