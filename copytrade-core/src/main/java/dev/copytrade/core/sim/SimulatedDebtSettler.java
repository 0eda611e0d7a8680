package dev.copytrade.core.sim;

import dev.copytrade.core.debt.BalanceSource;
import dev.copytrade.core.debt.Debt;
import dev.copytrade.core.debt.DebtSettler;
import dev.copytrade.core.debt.RepayResult;
import dev.copytrade.core.debt.Repayment;
import dev.copytrade.core.debt.RepaymentLookup;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.InvalidInputException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A settler in memory that keeps a ledger of every repayment it received: the ground truth tests
 * compare debts against ("each debt paid exactly once"). It dedups by idempotency key like a real
 * settler must (a second repay of a key returns the first outcome and is counted in
 * {@link #duplicateRepayments()}), tracks debtors' balances when told to (a repayment larger than the
 * balance fails), and can be told, per repayment or by default, to pay, fail, or lose the answer or
 * throw before or after applying. It moves no real money. Also a {@link BalanceSource} over those
 * balances.
 */
public final class SimulatedDebtSettler implements DebtSettler, BalanceSource {

    /** What the settler does with the next repayment. */
    public enum Outcome {
        /** Received and paid (or failed for lack of funds, when balances are tracked). */
        PAY,
        /** Received and refused: nothing paid. */
        FAIL,
        /** Received and applied, but the answer is lost: the caller sees an unknown outcome. */
        UNKNOWN_AFTER_APPLY,
        /** Received and applied, then the call throws (the process dies between paying and recording it). */
        THROW_AFTER_APPLY,
        /** Never received; the caller sees an unknown outcome. */
        UNKNOWN_BEFORE_APPLY,
        /** Never received; the call throws. */
        THROW_BEFORE_APPLY
    }

    /** One repayment in the settler's ledger; {@code paid} false means it was received and refused. */
    public record Payment(long sequence, Repayment repayment, boolean paid, String reference, String error) {}

    private record Purse(Address debtor, String asset) {}

    private final ConcurrentHashMap<String, Payment> ledger = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Purse, Long> balances = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Outcome> script = new ConcurrentLinkedQueue<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong repayCalls = new AtomicLong();
    private final AtomicLong lookupCalls = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private volatile Function<Repayment, Outcome> rule = r -> Outcome.PAY;
    private volatile boolean lookupsUnavailable;

    /** Every repay without a scripted outcome gets {@code rule.apply(repayment)}. */
    public SimulatedDebtSettler setRule(Function<Repayment, Outcome> rule) {
        this.rule = Objects.requireNonNull(rule, "rule");
        return this;
    }

    public SimulatedDebtSettler setDefault(Outcome outcome) {
        Objects.requireNonNull(outcome, "outcome");
        return setRule(r -> outcome);
    }

    /** The next repays get these outcomes, in order, before the rule applies again. */
    public SimulatedDebtSettler enqueue(Outcome... outcomes) {
        script.addAll(List.of(outcomes));
        return this;
    }

    /** While set, lookups answer {@link RepaymentLookup.Unknown}. */
    public void setLookupsUnavailable(boolean unavailable) {
        this.lookupsUnavailable = unavailable;
    }

    /**
     * Tracks {@code debtor}'s balance of {@code asset}: repayments draw on it and fail when it is short.
     * Without a balance set, a debtor can pay anything.
     */
    public SimulatedDebtSettler setBalance(Address debtor, String asset, long baseUnits) {
        if (baseUnits < 0) {
            throw new InvalidInputException("balance", baseUnits, "must not be negative");
        }
        balances.put(new Purse(debtor, Debt.normalizeAsset(asset)), baseUnits);
        return this;
    }

    @Override
    public long available(Address debtor, String asset) {
        return balances.getOrDefault(new Purse(debtor, Debt.normalizeAsset(asset)), Long.MAX_VALUE);
    }

    @Override
    public RepayResult repay(Repayment repayment) {
        repayCalls.incrementAndGet();
        Outcome o = script.poll();
        if (o == null) {
            o = rule.apply(repayment);
        }
        if (o == Outcome.UNKNOWN_BEFORE_APPLY) {
            return new RepayResult.Unknown("simulated timeout before the settler received the repayment");
        }
        if (o == Outcome.THROW_BEFORE_APPLY) {
            throw new IllegalStateException("simulated connection refused");
        }
        Outcome outcome = o;
        boolean[] fresh = {false};
        Payment p = ledger.compute(repayment.idempotencyKey(), (key, existing) -> {
            if (existing != null) {
                return existing;
            }
            fresh[0] = true;
            return apply(repayment, outcome);
        });
        if (!fresh[0]) {
            duplicates.incrementAndGet();
        } else if (outcome == Outcome.UNKNOWN_AFTER_APPLY) {
            return new RepayResult.Unknown("simulated timeout after the settler applied the repayment");
        } else if (outcome == Outcome.THROW_AFTER_APPLY) {
            throw new IllegalStateException("simulated crash after the repayment was applied");
        }
        return p.paid() ? new RepayResult.Repaid(p.reference()) : new RepayResult.Failed(p.error());
    }

    private Payment apply(Repayment r, Outcome outcome) {
        long seq = sequence.incrementAndGet();
        if (outcome == Outcome.FAIL) {
            return new Payment(seq, r, false, null, "simulated refusal");
        }
        Purse purse = new Purse(r.debtor(), r.asset());
        boolean[] covered = {true};
        balances.computeIfPresent(purse, (k, balance) -> {
            if (balance < r.amount()) {
                covered[0] = false;
                return balance;
            }
            return balance - r.amount();
        });
        if (!covered[0]) {
            return new Payment(seq, r, false, null, "insufficient funds");
        }
        return new Payment(seq, r, true, "repay-" + seq, null);
    }

    @Override
    public RepaymentLookup lookup(String idempotencyKey) {
        lookupCalls.incrementAndGet();
        if (lookupsUnavailable) {
            return new RepaymentLookup.Unknown("simulated settler unavailable");
        }
        Payment p = ledger.get(idempotencyKey);
        if (p == null) {
            return new RepaymentLookup.NotFound();
        }
        return p.paid() ? new RepaymentLookup.Repaid(p.reference()) : new RepaymentLookup.Failed(p.error());
    }

    /** Every repayment received, in arrival order. */
    public List<Payment> payments() {
        List<Payment> all = new ArrayList<>(ledger.values());
        all.sort(Comparator.comparingLong(Payment::sequence));
        return all;
    }

    /** How many received repayments paid {@code debtId}: must never exceed one. */
    public int timesPaid(long debtId) {
        int n = 0;
        for (Payment p : ledger.values()) {
            if (p.paid() && p.repayment().debtIds().contains(debtId)) {
                n++;
            }
        }
        return n;
    }

    /** Base units paid by {@code debtor}, all assets and creditors together. */
    public long totalPaidBy(Address debtor) {
        long sum = 0;
        for (Payment p : ledger.values()) {
            if (p.paid() && p.repayment().debtor().equals(debtor)) {
                sum = Math.addExact(sum, p.repayment().amount());
            }
        }
        return sum;
    }

    /** How many times repay was called, whatever happened. */
    public long repayCalls() {
        return repayCalls.get();
    }

    public long lookupCalls() {
        return lookupCalls.get();
    }

    /** Repays of a key the settler had already received: the loop must keep this at zero. */
    public long duplicateRepayments() {
        return duplicates.get();
    }
}
