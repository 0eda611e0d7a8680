package dev.copytrade.core.sim;

import dev.copytrade.core.chain.ChainAdapter;
import dev.copytrade.core.chain.LookupResult;
import dev.copytrade.core.chain.OrderLookup;
import dev.copytrade.core.chain.OrderRequest;
import dev.copytrade.core.chain.PreparedOrder;
import dev.copytrade.core.chain.SettlementLeg;
import dev.copytrade.core.chain.SubmitResult;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.ClientOrderId;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.model.Side;
import dev.copytrade.core.record.Fill;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A venue in memory that keeps a ledger of every order it received: the ground truth tests compare
 * records against. It dedups by client order id like a real venue (a second submit of the same id
 * returns the first outcome and is counted in {@link #duplicateSubmissions()}), and can be told, per
 * order or by default, to fill, fill partly, reject, time out or throw, before or after receiving.
 * With {@link #floatAndReimburse} it also runs the reimbursement leg of a float-and-reimburse
 * execution for every filled BUY, and can make that leg fail. It moves no real money.
 */
public final class SimulatedChainAdapter implements ChainAdapter {

    /** What the venue does with the next order. */
    public enum Outcome {
        /** Received and filled in full. */
        FILL,
        /** Received and filled in part ({@link Behavior#fraction()}). */
        PARTIAL,
        /** Received and rejected. */
        REJECT,
        /** Received and filled, but the answer is lost: the caller sees an unknown outcome. */
        TIMEOUT_AFTER_RECEIVE,
        /** Received and filled, then the call throws (a connection reset after the send). */
        THROW_AFTER_RECEIVE,
        /** Never received; the caller sees an unknown outcome (a timeout before the venue saw it). */
        LOST_BEFORE_RECEIVE,
        /** Never received; the call throws (connection refused). */
        THROW_BEFORE_RECEIVE
    }

    /** A scripted outcome. */
    public record Behavior(Outcome outcome, BigDecimal fraction, String reason) {
        public Behavior {
            InvalidInputException.requireNonNull("outcome", outcome);
            if (outcome == Outcome.PARTIAL && (fraction == null || fraction.signum() <= 0
                    || fraction.compareTo(BigDecimal.ONE) >= 0)) {
                throw new InvalidInputException("fraction", fraction, "must be in (0, 1) for a partial fill");
            }
        }

        public static Behavior fill() {
            return new Behavior(Outcome.FILL, null, null);
        }

        public static Behavior partial(String fraction) {
            return new Behavior(Outcome.PARTIAL, new BigDecimal(fraction), null);
        }

        public static Behavior reject(String reason) {
            return new Behavior(Outcome.REJECT, null, reason);
        }

        public static Behavior timeoutAfterReceive() {
            return new Behavior(Outcome.TIMEOUT_AFTER_RECEIVE, null, null);
        }

        public static Behavior throwAfterReceive() {
            return new Behavior(Outcome.THROW_AFTER_RECEIVE, null, null);
        }

        public static Behavior lostBeforeReceive() {
            return new Behavior(Outcome.LOST_BEFORE_RECEIVE, null, null);
        }

        public static Behavior throwBeforeReceive() {
            return new Behavior(Outcome.THROW_BEFORE_RECEIVE, null, null);
        }
    }

    /**
     * One order in the venue's ledger. {@code fill} is null when it was rejected; {@code legs} are the
     * settlement legs that ran with it (empty unless {@link #floatAndReimburse} is on).
     */
    public record ReceivedOrder(long sequence, ClientOrderId clientOrderId, OrderRequest request, Instant receivedAt,
            Fill fill, String rejectReason, List<SettlementLeg> legs) {
        public ReceivedOrder {
            legs = legs == null ? List.of() : List.copyOf(legs);
        }

        public boolean filled() {
            return fill != null;
        }
    }

    /** The leg id of the reimbursement {@link #floatAndReimburse} runs. */
    public static final String REIMBURSE_LEG = "reimburse";

    private final Clock clock;
    private final Duration latency;
    private final ConcurrentHashMap<ClientOrderId, ReceivedOrder> ledger = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Behavior> script = new ConcurrentLinkedQueue<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong submitCalls = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private volatile Function<OrderRequest, Behavior> rule;
    private volatile boolean lookupsUnavailable;
    private volatile Address floatWallet;
    private volatile Predicate<OrderRequest> reimbursementFails = r -> false;

    public SimulatedChainAdapter() {
        this(Clock.systemUTC(), Duration.ZERO);
    }

    /**
     * @param clock receive timestamps
     * @param latency how long each submit takes (zero for benchmarks)
     */
    public SimulatedChainAdapter(Clock clock, Duration latency) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.latency = Objects.requireNonNull(latency, "latency");
        Behavior fill = Behavior.fill();
        this.rule = r -> fill;
    }

    /** Every submit without a scripted behaviour gets {@code rule.apply(request)}. */
    public SimulatedChainAdapter setRule(Function<OrderRequest, Behavior> rule) {
        this.rule = Objects.requireNonNull(rule, "rule");
        return this;
    }

    public SimulatedChainAdapter setDefault(Behavior behavior) {
        Objects.requireNonNull(behavior, "behavior");
        return setRule(r -> behavior);
    }

    /** The next submits get these behaviours, in order, before the rule applies again. */
    public SimulatedChainAdapter enqueue(Behavior... behaviors) {
        script.addAll(List.of(behaviors));
        return this;
    }

    /**
     * Float-and-reimburse: every filled BUY is paid from {@code floatWallet} (the bot's own USDC) and
     * followed by a reimbursement leg ({@link #REIMBURSE_LEG}) pulling the fill's notional from the
     * follower's wallet back to {@code floatWallet}; that leg fails for the orders
     * {@code reimbursementFails} picks (the proxy's transfer reverted), which leaves a debt.
     */
    public SimulatedChainAdapter floatAndReimburse(Address floatWallet, Predicate<OrderRequest> reimbursementFails) {
        this.reimbursementFails = Objects.requireNonNull(reimbursementFails, "reimbursementFails");
        this.floatWallet = Objects.requireNonNull(floatWallet, "floatWallet");
        return this;
    }

    /** While set, lookups answer {@link LookupResult.Unknown} (the venue cannot be asked). */
    public void setLookupsUnavailable(boolean unavailable) {
        this.lookupsUnavailable = unavailable;
    }

    @Override
    public String venue() {
        return "simulated";
    }

    @Override
    public boolean movesRealMoney() {
        return false;
    }

    @Override
    public SubmitResult submit(PreparedOrder prepared) {
        submitCalls.incrementAndGet();
        OrderRequest request = prepared.request();
        Behavior b = script.poll();
        if (b == null) {
            b = rule.apply(request);
        }
        pause();
        switch (b.outcome()) {
            case LOST_BEFORE_RECEIVE:
                return SubmitResult.unknown("simulated timeout before the venue received the order");
            case THROW_BEFORE_RECEIVE:
                throw new IllegalStateException("simulated connection refused");
            default:
                break;
        }
        Behavior behavior = b;
        boolean[] fresh = {false};
        ReceivedOrder received = ledger.compute(request.clientOrderId(), (id, existing) -> {
            if (existing != null) {
                return existing;
            }
            fresh[0] = true;
            return receive(request, behavior);
        });
        if (!fresh[0]) {
            duplicates.incrementAndGet();
            return received.filled() ? SubmitResult.confirmed(received.fill(), received.legs())
                    : SubmitResult.rejected(received.rejectReason());
        }
        switch (b.outcome()) {
            case TIMEOUT_AFTER_RECEIVE:
                return SubmitResult.unknown("simulated timeout after the venue received the order");
            case THROW_AFTER_RECEIVE:
                throw new IllegalStateException("simulated connection reset after send");
            case REJECT:
                return SubmitResult.rejected(received.rejectReason());
            default:
                return SubmitResult.confirmed(received.fill(), received.legs());
        }
    }

    private ReceivedOrder receive(OrderRequest request, Behavior b) {
        long seq = sequence.incrementAndGet();
        Instant now = clock.instant();
        if (b.outcome() == Outcome.REJECT) {
            return new ReceivedOrder(seq, request.clientOrderId(), request, now, null,
                    b.reason() == null ? "simulated rejection" : b.reason(), List.of());
        }
        Shares shares = request.order().shares();
        if (b.outcome() == Outcome.PARTIAL) {
            long part = b.fraction().multiply(BigDecimal.valueOf(shares.micros())).setScale(0, RoundingMode.DOWN)
                    .longValueExact();
            shares = Shares.ofMicros(Math.max(1, part));
        }
        Fill fill = new Fill(shares, request.order().limitPrice().notionalOf(shares, RoundingMode.HALF_UP),
                "sim-" + seq);
        return new ReceivedOrder(seq, request.clientOrderId(), request, now, fill, null, legsOf(request, fill));
    }

    private List<SettlementLeg> legsOf(OrderRequest request, Fill fill) {
        Address bot = floatWallet;
        if (bot == null || request.order().side() != Side.BUY || fill.notional().isZero()
                || bot.equals(request.wallet())) {
            return List.of();
        }
        long owed = fill.notional().micros();
        return List.of(reimbursementFails.test(request)
                ? SettlementLeg.failed(REIMBURSE_LEG, request.wallet(), bot, SettlementLeg.USDC, owed,
                        "simulated: the proxy's reimbursement transfer reverted")
                : SettlementLeg.settled(REIMBURSE_LEG, request.wallet(), bot, SettlementLeg.USDC, owed));
    }

    private void pause() {
        if (!latency.isZero()) {
            try {
                Thread.sleep(latency.toMillis(), latency.toNanosPart() % 1_000_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public LookupResult lookup(OrderLookup lookup) {
        if (lookupsUnavailable) {
            return new LookupResult.Unknown("simulated venue unavailable");
        }
        ReceivedOrder r = ledger.get(lookup.clientOrderId());
        if (r == null) {
            return new LookupResult.NotFound();
        }
        return r.filled() ? new LookupResult.Filled(r.fill(), r.legs()) : new LookupResult.Rejected(r.rejectReason());
    }

    /** Every order received, in arrival order. */
    public List<ReceivedOrder> receivedOrders() {
        List<ReceivedOrder> all = new ArrayList<>(ledger.values());
        all.sort(Comparator.comparingLong(ReceivedOrder::sequence));
        return all;
    }

    public Optional<ReceivedOrder> find(ClientOrderId id) {
        return Optional.ofNullable(ledger.get(id));
    }

    /** How many distinct orders the venue received. */
    public int receivedCount() {
        return ledger.size();
    }

    /** How many times submit was called, whatever happened. */
    public long submitCalls() {
        return submitCalls.get();
    }

    /** Submits of a client order id the venue had already received: must stay zero. */
    public long duplicateSubmissions() {
        return duplicates.get();
    }
}
