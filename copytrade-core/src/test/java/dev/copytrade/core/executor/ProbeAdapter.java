package dev.copytrade.core.executor;

import dev.copytrade.core.chain.ChainAdapter;
import dev.copytrade.core.chain.LookupResult;
import dev.copytrade.core.chain.OrderLookup;
import dev.copytrade.core.chain.OrderRequest;
import dev.copytrade.core.chain.PreparedOrder;
import dev.copytrade.core.chain.SubmitResult;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Wraps the simulated venue to measure what the executor does around a submit: how many submits are
 * in flight at once (overall and per signer), and a hook that runs inside the submit, where a test can
 * look at the store or the MDC, or hold submits at a barrier.
 */
final class ProbeAdapter implements ChainAdapter {
    final SimulatedChainAdapter venue = new SimulatedChainAdapter();
    private final boolean realMoney;
    private final Consumer<PreparedOrder> insideSubmit;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final Map<Address, AtomicInteger> perSigner = new ConcurrentHashMap<>();
    private final Map<Address, AtomicInteger> maxPerSigner = new ConcurrentHashMap<>();

    ProbeAdapter(boolean realMoney, Consumer<PreparedOrder> insideSubmit) {
        this.realMoney = realMoney;
        this.insideSubmit = insideSubmit;
    }

    ProbeAdapter(Consumer<PreparedOrder> insideSubmit) {
        this(false, insideSubmit);
    }

    @Override
    public String venue() {
        return venue.venue();
    }

    @Override
    public boolean movesRealMoney() {
        return realMoney;
    }

    @Override
    public SubmitResult submit(PreparedOrder order) {
        Address signer = order.request().signer();
        AtomicInteger mine = perSigner.computeIfAbsent(signer, s -> new AtomicInteger());
        raiseMax(maxInFlight, inFlight.incrementAndGet());
        raiseMax(maxPerSigner.computeIfAbsent(signer, s -> new AtomicInteger()), mine.incrementAndGet());
        try {
            insideSubmit.accept(order);
            return venue.submit(order);
        } finally {
            mine.decrementAndGet();
            inFlight.decrementAndGet();
        }
    }

    @Override
    public LookupResult lookup(OrderLookup lookup) {
        return venue.lookup(lookup);
    }

    @Override
    public PreparedOrder prepare(OrderRequest request) {
        return venue.prepare(request);
    }

    int maxInFlight() {
        return maxInFlight.get();
    }

    /** The most submits one signer ever had in flight at once. */
    int maxPerSigner() {
        return maxPerSigner.values().stream().mapToInt(AtomicInteger::get).max().orElse(0);
    }

    private static void raiseMax(AtomicInteger max, int seen) {
        max.accumulateAndGet(seen, Math::max);
    }
}
