package dev.copytrade.core.guardrail;

import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Only followers whose wallet is listed may trade ({@code FOLLOWER_NOT_ALLOWED} otherwise). An empty
 * list is refused at construction: to allow everyone, leave the guardrail out. The same check as
 * {@code AccessList.allow(Subject.FOLLOWER_WALLET, ...)}, kept under its own name.
 */
public final class FollowerAllowlist implements Guardrail {
    private final AccessList list;

    public FollowerAllowlist(Set<Address> wallets) {
        InvalidInputException.requireNonNull("executionAllowlist", wallets);
        List<String> values = new ArrayList<>(wallets.size());
        for (Address w : wallets) {
            values.add(InvalidInputException.requireNonNull("executionAllowlist", w).value());
        }
        this.list = new AccessList(AccessList.Subject.FOLLOWER_WALLET, AccessList.Mode.ALLOW, values);
    }

    private FollowerAllowlist(AccessList list) {
        this.list = list;
    }

    public static FollowerAllowlist of(String... wallets) {
        return new FollowerAllowlist(
                new AccessList(AccessList.Subject.FOLLOWER_WALLET, AccessList.Mode.ALLOW, Arrays.asList(wallets)));
    }

    @Override
    public Decision evaluate(CopyOrder order, GuardrailContext context) {
        return list.evaluate(order, context);
    }
}
