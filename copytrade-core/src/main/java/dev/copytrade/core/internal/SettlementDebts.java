package dev.copytrade.core.internal;

import dev.copytrade.core.chain.SettlementLeg;
import dev.copytrade.core.debt.DebtDraft;
import dev.copytrade.core.record.Transition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns the failed settlement legs of an outcome into debts carried by the record's final transition. */
public final class SettlementDebts {
    /** The record detail naming the legs that left a debt (comma separated), for whoever reads the record. */
    public static final String DETAIL_KEY = "debt.legs";

    private SettlementDebts() {}

    /**
     * {@code t} carrying one debt per failed leg (and the legs' ids in its detail), so the store writes
     * the final state and the debts in one step; {@code t} itself when no leg failed.
     */
    public static Transition attach(Transition t, List<SettlementLeg> legs) {
        List<SettlementLeg> failed = SettlementLeg.failedOnly(legs);
        if (failed.isEmpty()) {
            return t;
        }
        List<DebtDraft> debts = new ArrayList<>(failed.size());
        List<String> ids = new ArrayList<>(failed.size());
        for (SettlementLeg leg : failed) {
            debts.add(DebtDraft.fromFailedLeg(t.id(), leg, t.at()));
            ids.add(leg.legId());
        }
        Map<String, String> detail = new LinkedHashMap<>(t.detail());
        detail.put(DETAIL_KEY, String.join(",", ids));
        return new Transition(t.id(), t.from(), t.to(), t.at(), t.reason(), detail, t.venueRef(), t.nonce(), t.fill(),
                t.lastError(), t.leaseOwner(), t.leaseUntil(), debts);
    }
}
