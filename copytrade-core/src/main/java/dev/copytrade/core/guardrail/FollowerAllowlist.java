package dev.copytrade.core.guardrail;

import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.record.ReasonCode;
import java.util.Set;

/**
 * Only followers whose wallet is listed may trade ({@code FOLLOWER_NOT_ALLOWED} otherwise). An empty
 * list is refused at construction: to allow everyone, leave the guardrail out.
 */
public final class FollowerAllowlist implements Guardrail {
    private final Set<Address> wallets;

    public FollowerAllowlist(Set<Address> wallets) {
        InvalidInputException.requireNonNull("executionAllowlist", wallets);
        if (wallets.isEmpty()) {
            throw new InvalidInputException("executionAllowlist", "[]", "must name at least one wallet");
        }
        this.wallets = Set.copyOf(wallets);
    }

    public static FollowerAllowlist of(String... wallets) {
        Set<Address> set = new java.util.HashSet<>();
        for (String w : wallets) {
            set.add(Address.parse("executionAllowlist", w));
        }
        return new FollowerAllowlist(set);
    }

    @Override
    public Decision evaluate(CopyOrder order, GuardrailContext context) {
        Address wallet = context.follower().wallet();
        return wallets.contains(wallet) ? Decision.allow()
                : Decision.skip(ReasonCode.FOLLOWER_NOT_ALLOWED, "wallet", wallet.value());
    }
}
