package dev.copytrade.core.testkit.evm;

import dev.copytrade.core.chain.ChainAdapter;
import dev.copytrade.core.chain.OrderRequest;
import dev.copytrade.core.chain.PreparedOrder;
import dev.copytrade.core.mutex.TxScope;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * An adapter whose first prepare (or each prepare {@code when} picks), once done, makes the executor lose
 * the signer's lease ({@code loseLease} gets the signer's scope: revoke it, end the database session
 * holding it), as if the lease died between prepare and broadcast. Remembers what the executor reported
 * as {@link #notSent}.
 */
public final class LosesLeaseWhilePreparing extends ForwardingChainAdapter {
    private final Consumer<TxScope> loseLease;
    private final Predicate<OrderRequest> when;
    /** The prepared orders the executor said it would not send. */
    public final List<PreparedOrder> notSent = new CopyOnWriteArrayList<>();

    /** Loses the lease during the first prepare only. */
    public LosesLeaseWhilePreparing(ChainAdapter real, Consumer<TxScope> loseLease) {
        this(real, loseLease, firstOnly());
    }

    public LosesLeaseWhilePreparing(ChainAdapter real, Consumer<TxScope> loseLease, Predicate<OrderRequest> when) {
        super(real);
        this.loseLease = loseLease;
        this.when = when;
    }

    private static Predicate<OrderRequest> firstOnly() {
        AtomicBoolean armed = new AtomicBoolean(true);
        return r -> armed.getAndSet(false);
    }

    @Override
    public PreparedOrder prepare(OrderRequest request) {
        PreparedOrder p = super.prepare(request);
        if (when.test(request)) {
            loseLease.accept(TxScope.signer(request.chainId(), request.signer()));
        }
        return p;
    }

    @Override
    public void notSent(PreparedOrder order) {
        notSent.add(order);
        super.notSent(order);
    }
}
