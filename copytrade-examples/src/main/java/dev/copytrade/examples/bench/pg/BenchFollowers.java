package dev.copytrade.examples.bench.pg;

import dev.copytrade.core.guardrail.EmergencyPause;
import dev.copytrade.core.guardrail.FollowerAllowlist;
import dev.copytrade.core.guardrail.GuardrailChain;
import dev.copytrade.core.guardrail.MaxNotionalPerTrade;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Follower;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The followers and guardrails the PostgreSQL benchmarks share, so their numbers compare. */
final class BenchFollowers {
    private BenchFollowers() {}

    /** {@code n} followers copying $5 a trade, each its own wallet and signer (wallets from {@code firstWallet}). */
    static List<Follower> fiveDollars(String idPrefix, long firstWallet, int n) {
        CopyPolicy fiveDollars = CopyPolicy.fixed(Usdc.of("5")).build();
        List<Follower> followers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            followers.add(Follower.eoa(idPrefix + i, "0x" + String.format("%040x", firstWallet + i), fiveDollars));
        }
        return followers;
    }

    /** EmergencyPause(off), MaxNotionalPerTrade($100, skip) and an allowlist of the followers' wallets. */
    static GuardrailChain guardrails(List<Follower> followers) {
        Set<Address> wallets = new LinkedHashSet<>();
        followers.forEach(f -> wallets.add(f.wallet()));
        return GuardrailChain.of(new EmergencyPause(false),
                new MaxNotionalPerTrade(Usdc.of("100"), MaxNotionalPerTrade.OverCap.SKIP),
                new FollowerAllowlist(wallets));
    }
}
