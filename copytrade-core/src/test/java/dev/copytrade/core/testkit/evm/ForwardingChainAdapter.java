package dev.copytrade.core.testkit.evm;

import dev.copytrade.core.chain.ChainAdapter;
import dev.copytrade.core.chain.LookupResult;
import dev.copytrade.core.chain.OrderLookup;
import dev.copytrade.core.chain.OrderRequest;
import dev.copytrade.core.chain.PreparedOrder;
import dev.copytrade.core.chain.SubmitResult;

/** Passes every call to another adapter; tests override the one step they watch or stop. */
public class ForwardingChainAdapter implements ChainAdapter {
    private final ChainAdapter real;

    public ForwardingChainAdapter(ChainAdapter real) {
        this.real = real;
    }

    @Override
    public String venue() {
        return real.venue();
    }

    @Override
    public boolean movesRealMoney() {
        return real.movesRealMoney();
    }

    @Override
    public PreparedOrder prepare(OrderRequest request) {
        return real.prepare(request);
    }

    @Override
    public SubmitResult send(PreparedOrder order) {
        return real.send(order);
    }

    @Override
    public SubmitResult awaitOutcome(PreparedOrder order, SubmitResult.Unknown sent) {
        return real.awaitOutcome(order, sent);
    }

    @Override
    public SubmitResult submit(PreparedOrder order) {
        return real.submit(order);
    }

    @Override
    public void notSent(PreparedOrder order) {
        real.notSent(order);
    }

    @Override
    public LookupResult lookup(OrderLookup lookup) {
        return real.lookup(lookup);
    }
}
