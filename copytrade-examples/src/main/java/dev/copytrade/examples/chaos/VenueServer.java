package dev.copytrade.examples.chaos;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.copytrade.core.chain.LookupResult;
import dev.copytrade.core.chain.OrderLookup;
import dev.copytrade.core.chain.OrderRequest;
import dev.copytrade.core.chain.PreparedOrder;
import dev.copytrade.core.chain.SubmitResult;
import dev.copytrade.core.debt.RepayResult;
import dev.copytrade.core.debt.Repayment;
import dev.copytrade.core.debt.RepaymentLookup;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.ClientOrderId;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.IdempotencyKey;
import dev.copytrade.core.model.Market;
import dev.copytrade.core.model.Price;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.model.Side;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.sim.SimulatedChainAdapter.Behavior;
import dev.copytrade.core.sim.SimulatedDebtSettler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ground-truth venue of a chaos run, outside every bot process: a {@link SimulatedChainAdapter} (its
 * ledger of every order received, deduplicated by client order id like a real venue) served over loopback
 * HTTP. Each order's fate is a seeded function of its client order id: filled, partly filled, rejected,
 * received but answered with a timeout or a reset, lost before receipt, or answered after the client gave
 * up. Lookups answer from the ledger, except for about 1 % of orders the venue can never answer about and
 * a share of transient failures.
 *
 * <p>Orders carry an expiry set by the bot when it prepared them; an order arriving after it is refused
 * and not recorded, as a venue does with a signed order past its expiration. That is what makes a slow
 * process harmless: a sweeper asks about an order only after its record's lease ran out, and the lease
 * always outlives the order's expiry.
 *
 * <p>Money: every filled BUY is paid from the bot's float and followed by a reimbursement leg from the
 * follower's wallet; about 15 % of those legs fail, which the bot must record as debts. Repayments go to
 * a {@link SimulatedDebtSettler} (its ledger is the ground truth of "paid once"), which refuses some,
 * loses some answers before or after paying, and never pays for one follower whose wallet is empty (its
 * debts must end ESCALATED).
 *
 * <p>Kill windows: the coordinator arms one {@link Window}; the next request of that kind kills its sender
 * (SIGKILL, waited for) at exactly that point, before the venue answers.
 */
final class VenueServer implements AutoCloseable {

    /** Where a targeted kill lands. */
    enum Window {
        /** The record is durable, the order is on its way, the venue has not received it. */
        BEFORE_RECEIVE,
        /** The venue received (and decided) the order; the sender never learns the answer. */
        AFTER_RECEIVE,
        /** A sweeper is asking about a stale record it claimed. */
        MID_SWEEP,
        /** A recovery loop is repaying a debt. */
        MID_REPAYMENT
    }

    /** Kills the process that sent a request; true if it was killed now. */
    interface Killer {
        boolean kill(String bot, Window window);
    }

    private final long seed;
    private final SimulatedChainAdapter sim = new SimulatedChainAdapter(Clock.systemUTC(), Duration.ZERO);
    private final SimulatedDebtSettler settler = new SimulatedDebtSettler();
    private final AtomicLong repaymentKills = new AtomicLong();
    private final HttpServer server;
    private final ExecutorService threads;
    private final Duration slowAnswer;
    private final AtomicReference<Window> armed = new AtomicReference<>();
    private final Random transientFailures;
    private volatile Killer killer = (bot, w) -> false;
    private volatile int transientLookupFailurePercent;
    private final AtomicLong expiredRefused = new AtomicLong();
    private final AtomicLong lookups = new AtomicLong();
    private final AtomicLong unknownLookups = new AtomicLong();
    private final Map<Window, AtomicLong> fired = new EnumMap<>(Window.class);

    /**
     * @param seed the run's seed: every order's fate derives from it and the client order id
     * @param slowAnswer how long a "slow" order's answer takes (longer than the client waits)
     * @param transientLookupFailurePercent share of lookups answered "cannot tell right now"
     */
    VenueServer(long seed, Duration slowAnswer, int transientLookupFailurePercent, Address floatWallet,
            Address brokeDebtor) throws IOException {
        this.seed = seed;
        this.slowAnswer = slowAnswer;
        this.transientLookupFailurePercent = transientLookupFailurePercent;
        this.transientFailures = new Random(seed ^ 0x5eed);
        for (Window w : Window.values()) {
            fired.put(w, new AtomicLong());
        }
        sim.setRule(this::behaviour);
        sim.floatAndReimburse(floatWallet, r -> bucket(r.clientOrderId().value(), "reimburse") < 150);
        settler.setRule(this::repayment);
        settler.setBalance(brokeDebtor, "USDC", 0);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        threads = Executors.newFixedThreadPool(32, r -> {
            Thread t = new Thread(r, "chaos-venue");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/submit", ex -> handle(ex, this::submit));
        server.createContext("/lookup", ex -> handle(ex, this::lookup));
        server.createContext("/repay", ex -> handle(ex, this::repay));
        server.createContext("/repay-lookup", ex -> handle(ex, this::repayLookup));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void killer(Killer k) {
        this.killer = k;
    }

    /** The next request of this kind kills its sender; false if another window is still armed. */
    boolean arm(Window w) {
        return armed.compareAndSet(null, w);
    }

    /** Disarms {@code w} if it has not fired; true if it was still armed. */
    boolean disarm(Window w) {
        return armed.compareAndSet(w, null);
    }

    /** From now on every lookup is answered (the end of a run: the venue is healthy again). */
    void healLookups() {
        transientLookupFailurePercent = 0;
    }

    // ---- the fate of an order, a pure function of the seed and its client order id ----

    private int bucket(String id, String salt) {
        // SplitMix64's finaliser over the seed and String.hashCode (specified, so equal in every JVM)
        long z = seed + 0x9E3779B97F4A7C15L * (salt + ":" + id).hashCode();
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (int) Math.floorMod(z ^ (z >>> 31), 1000L);
    }

    private Behavior behaviour(OrderRequest request) {
        int b = bucket(request.clientOrderId().value(), "fate");
        if (b < 40) {
            return Behavior.reject("simulated rejection: price moved");
        }
        if (b < 80) {
            return Behavior.partial("0.5");
        }
        if (b < 120) {
            return Behavior.timeoutAfterReceive();
        }
        if (b < 140) {
            return Behavior.throwAfterReceive();
        }
        if (b < 160) {
            return Behavior.lostBeforeReceive();
        }
        if (b < 170) {
            return Behavior.throwBeforeReceive();
        }
        return Behavior.fill();
    }

    private boolean slow(ClientOrderId id) {
        int b = bucket(id.value(), "fate");
        return b >= 170 && b < 190;
    }

    private SimulatedDebtSettler.Outcome repayment(Repayment r) {
        int b = bucket(r.idempotencyKey(), "repay");
        if (b < 100) {
            return SimulatedDebtSettler.Outcome.FAIL;
        }
        if (b < 180) {
            return SimulatedDebtSettler.Outcome.UNKNOWN_AFTER_APPLY;
        }
        if (b < 220) {
            return SimulatedDebtSettler.Outcome.THROW_AFTER_APPLY;
        }
        if (b < 270) {
            return SimulatedDebtSettler.Outcome.UNKNOWN_BEFORE_APPLY;
        }
        if (b < 300) {
            return SimulatedDebtSettler.Outcome.THROW_BEFORE_APPLY;
        }
        return SimulatedDebtSettler.Outcome.PAY;
    }

    /** True if the venue can answer lookups of this order (about 99 % of orders). */
    boolean answerable(ClientOrderId id) {
        return bucket(id.value(), "lookup") >= 10;
    }

    // ---- handlers ----

    private record Answer(int status, Map<String, String> fields) {}

    private interface Handler {
        Answer handle(String bot, Map<String, String> request) throws InterruptedException;
    }

    private void handle(HttpExchange ex, Handler h) throws IOException {
        try (ex) {
            String body;
            try (InputStream in = ex.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Answer a;
            try {
                a = h.handle(ex.getRequestHeaders().getFirst(Wire.BOT_HEADER), Wire.decode(body));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                a = new Answer(503, Map.of("outcome", "UNKNOWN", "reason", "venue shutting down"));
            } catch (RuntimeException e) {
                a = new Answer(400, Map.of("outcome", "BAD_REQUEST", "reason", String.valueOf(e)));
            }
            byte[] out = Wire.encode(a.fields()).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(out);
                }
            }
        } catch (IOException e) {
            // the sender was killed or gave up: nothing to answer
        }
    }

    /** Fires the armed window if it is {@code w}: kills the sender now. */
    private boolean trap(Window w, String bot) {
        if (bot != null && armed.compareAndSet(w, null)) {
            if (killer.kill(bot, w)) {
                fired.get(w).incrementAndGet();
                return true;
            }
        }
        return false;
    }

    private Answer submit(String bot, Map<String, String> f) throws InterruptedException {
        OrderRequest request = request(f);
        if (trap(Window.BEFORE_RECEIVE, bot)) {
            return new Answer(503, Map.of("outcome", "UNKNOWN", "reason", "sender killed"));
        }
        Instant expires = Instant.ofEpochMilli(Long.parseLong(Wire.require(f, "expiresAt")));
        if (!Instant.now().isBefore(expires)) {
            expiredRefused.incrementAndGet();
            return new Answer(200, Map.of("outcome", "REJECTED", "reason", "order expired before the venue received it"));
        }
        Map<String, String> answer;
        int status = 200;
        try {
            SubmitResult r = sim.submit(PreparedOrder.of(request));
            answer = fields(r);
        } catch (IllegalStateException e) {
            status = 502;
            answer = Map.of("outcome", "UNKNOWN", "reason", e.getMessage());
        }
        if (trap(Window.AFTER_RECEIVE, bot)) {
            return new Answer(503, Map.of("outcome", "UNKNOWN", "reason", "sender killed"));
        }
        if (slow(request.clientOrderId())) {
            Thread.sleep(slowAnswer.toMillis());
        }
        return new Answer(status, answer);
    }

    private Answer lookup(String bot, Map<String, String> f) {
        lookups.incrementAndGet();
        ClientOrderId id = new ClientOrderId(Wire.require(f, "clientOrderId"));
        if (trap(Window.MID_SWEEP, bot)) {
            return new Answer(503, Map.of("outcome", "UNKNOWN", "reason", "sender killed"));
        }
        boolean busy;
        synchronized (transientFailures) {
            busy = transientFailures.nextInt(100) < transientLookupFailurePercent;
        }
        if (!answerable(id) || busy) {
            unknownLookups.incrementAndGet();
            return new Answer(200, Map.of("outcome", "UNKNOWN", "reason",
                    busy ? "venue busy, try later" : "the venue cannot answer for this order"));
        }
        LookupResult r = sim.lookup(new OrderLookup(id, null, null, Address.of(Wire.require(f, "signer")), 137));
        Map<String, String> out = new LinkedHashMap<>();
        if (r instanceof LookupResult.Filled filled) {
            out.put("outcome", "FILLED");
            out.put("shares", Long.toString(filled.fill().shares().micros()));
            out.put("notional", Long.toString(filled.fill().notional().micros()));
            out.put("ref", filled.fill().venueRef());
            Wire.putLegs(out, filled.legs());
        } else if (r instanceof LookupResult.Rejected rej) {
            out.put("outcome", "REJECTED");
            out.put("reason", rej.reason());
            Wire.putLegs(out, rej.legs());
        } else if (r instanceof LookupResult.NotFound) {
            out.put("outcome", "NOTFOUND");
        } else {
            out.put("outcome", "UNKNOWN");
            out.put("reason", ((LookupResult.Unknown) r).reason());
        }
        return new Answer(200, out);
    }

    private Answer repay(String bot, Map<String, String> f) {
        Repayment r = new Repayment(Wire.require(f, "key"), Address.of(Wire.require(f, "debtor")),
                Address.of(Wire.require(f, "creditor")), Wire.require(f, "asset"),
                Long.parseLong(Wire.require(f, "amount")),
                Arrays.stream(Wire.require(f, "debtIds").split(",")).map(Long::valueOf).toList());
        // alternate where the kill lands: before the settler saw the repayment, or after it paid
        boolean afterPaying = repaymentKills.get() % 2 == 1;
        if (!afterPaying && trap(Window.MID_REPAYMENT, bot)) {
            repaymentKills.incrementAndGet();
            return new Answer(503, Map.of("outcome", "UNKNOWN", "reason", "sender killed"));
        }
        Map<String, String> out = new LinkedHashMap<>();
        try {
            RepayResult result = settler.repay(r);
            if (result instanceof RepayResult.Repaid paid) {
                out.put("outcome", "REPAID");
                out.put("ref", paid.reference());
            } else if (result instanceof RepayResult.Failed failed) {
                out.put("outcome", "FAILED");
                out.put("error", failed.error());
            } else {
                out.put("outcome", "UNKNOWN");
                out.put("reason", ((RepayResult.Unknown) result).reason());
            }
        } catch (IllegalStateException e) {
            out.put("outcome", "UNKNOWN");
            out.put("reason", e.getMessage());
        }
        if (afterPaying && trap(Window.MID_REPAYMENT, bot)) {
            repaymentKills.incrementAndGet();
            return new Answer(503, Map.of("outcome", "UNKNOWN", "reason", "sender killed"));
        }
        return new Answer(200, out);
    }

    private Answer repayLookup(String bot, Map<String, String> f) {
        boolean busy;
        synchronized (transientFailures) {
            busy = transientFailures.nextInt(100) < transientLookupFailurePercent;
        }
        if (busy) {
            return new Answer(200, Map.of("outcome", "UNKNOWN", "reason", "settler busy, try later"));
        }
        RepaymentLookup r = settler.lookup(Wire.require(f, "key"));
        if (r instanceof RepaymentLookup.Repaid paid) {
            return new Answer(200, Map.of("outcome", "REPAID", "ref", paid.reference()));
        }
        if (r instanceof RepaymentLookup.Failed failed) {
            return new Answer(200, Map.of("outcome", "FAILED", "error", failed.error()));
        }
        if (r instanceof RepaymentLookup.NotFound) {
            return new Answer(200, Map.of("outcome", "NOTFOUND"));
        }
        return new Answer(200, Map.of("outcome", "UNKNOWN", "reason", ((RepaymentLookup.Unknown) r).reason()));
    }

    private static Map<String, String> fields(SubmitResult r) {
        Map<String, String> out = new LinkedHashMap<>();
        if (r instanceof SubmitResult.Confirmed c) {
            out.put("outcome", "FILLED");
            out.put("shares", Long.toString(c.fill().shares().micros()));
            out.put("notional", Long.toString(c.fill().notional().micros()));
            out.put("ref", c.fill().venueRef());
            Wire.putLegs(out, c.legs());
        } else if (r instanceof SubmitResult.Rejected rej) {
            out.put("outcome", "REJECTED");
            out.put("reason", rej.reason());
            Wire.putLegs(out, rej.legs());
        } else {
            out.put("outcome", "UNKNOWN");
            out.put("reason", ((SubmitResult.Unknown) r).reason());
        }
        return out;
    }

    /** Rebuilds the bot's order request from the wire (the same fields the bot's adapter was handed). */
    private static OrderRequest request(Map<String, String> f) {
        CopyOrder order = CopyOrder.of(
                Market.of(Wire.require(f, "conditionId"), Wire.require(f, "tokenId"), f.get("slug")),
                Side.valueOf(Wire.require(f, "side")), Price.ofMicros(Long.parseLong(Wire.require(f, "price"))),
                Shares.ofMicros(Long.parseLong(Wire.require(f, "shares"))));
        return new OrderRequest(Long.parseLong(Wire.require(f, "recordId")), new IdempotencyKey(Wire.require(f, "key")),
                new ClientOrderId(Wire.require(f, "clientOrderId")), order, Address.of(Wire.require(f, "wallet")),
                Address.of(Wire.require(f, "signer")), Long.parseLong(Wire.require(f, "chainId")),
                Long.parseLong(Wire.require(f, "fencingToken")));
    }

    // ---- ground truth ----

    List<SimulatedChainAdapter.ReceivedOrder> receivedOrders() {
        return sim.receivedOrders();
    }

    List<SimulatedDebtSettler.Payment> payments() {
        return settler.payments();
    }

    long duplicateRepayments() {
        return settler.duplicateRepayments();
    }

    long duplicateSubmissions() {
        return sim.duplicateSubmissions();
    }

    long submitCalls() {
        return sim.submitCalls();
    }

    long expiredRefused() {
        return expiredRefused.get();
    }

    long lookups() {
        return lookups.get();
    }

    long unknownLookups() {
        return unknownLookups.get();
    }

    long fired(Window w) {
        return fired.get(w).get();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
