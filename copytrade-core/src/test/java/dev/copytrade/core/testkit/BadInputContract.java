package dev.copytrade.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.cap.Budget;
import dev.copytrade.core.cap.BudgetWindow;
import dev.copytrade.core.cap.CapLedger;
import dev.copytrade.core.cap.CapPolicy;
import dev.copytrade.core.config.GuardrailConfig;
import dev.copytrade.core.debt.DebtLedger;
import dev.copytrade.core.debt.DebtRecoveryLoop;
import dev.copytrade.core.debt.DebtRecoveryReport;
import dev.copytrade.core.sim.SimulatedDebtSettler;
import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyResult.Outcome;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.memory.InMemoryDebtLedger;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.sweep.StaleSweeper;
import dev.copytrade.core.sweep.SweepReport;
import dev.copytrade.core.testkit.BadInput.Case;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Bad input thrown at the public API, checked against a real store. Subclass it with the store and
 * cap ledger under test. For every generated case (seeded; the seed is in every assertion message):
 *
 * <ul>
 *   <li>input with a broken field is refused with an {@link InvalidInputException} that names one of the
 *       broken fields and says what it was; no other exception type escapes; input with no broken field
 *       is accepted;
 *   <li>what is accepted is copied (EXECUTED) or becomes a SKIPPED record with a reason code, never
 *       anything else, and a configuration that was accepted works on this store;
 *   <li>a refused input leaves the store's counts, the venue's ledger and the cap budgets as they were;
 *       no record is left PENDING or SUBMITTED; the venue received an order exactly for each EXECUTED
 *       record, and the budgets hold exactly what those records spent.
 * </ul>
 *
 * <p>Tolerates a store shared by its tests (a database is not wiped between them): every check is on
 * deltas and on the records a test made itself.
 */
public abstract class BadInputContract {
    /** Midday, so the whole run is one UTC day for the daily budgets. */
    private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
    private static final Budget GLOBAL = new Budget("usd:global", Usdc.MAX_MICROS,
            BudgetWindow.utcDay());
    private static final CapPolicy GLOBAL_ONLY = CapPolicy.builder().global(Usdc.ofMicros(Usdc.MAX_MICROS)).build();
    private static final Set<Outcome> ACCEPTED = EnumSet.of(Outcome.EXECUTED, Outcome.SKIPPED);

    protected abstract CopyTradeStore store();

    protected abstract CapLedger capLedger();

    /** The debt ledger the recovery loop settings are tried on; default: one in memory. */
    protected DebtLedger debtLedger() {
        return defaultDebts;
    }

    private final DebtLedger defaultDebts = new InMemoryDebtLedger();

    /** How many cases each property tries; a database subclass may try fewer. */
    protected int cases() {
        return 2_000;
    }

    private long seed;
    private Random random;
    private BadInput gen;
    private SettableClock clock;
    private SimulatedChainAdapter venue;
    private CopyTradeExecutor executor;
    private Follower follower;

    @BeforeEach
    void rig() {
        seed = Seeds.seed();
        random = new Random(seed);
        gen = new BadInput(random);
        clock = new SettableClock(NOW);
        venue = new SimulatedChainAdapter(clock, Duration.ZERO);
        executor = base(CopyTradeExecutor.builder()).caps(capLedger(), GLOBAL_ONLY).build();
        // leader trades under $1 are not copied: the first delivery of a duplicate pair is sometimes skipped
        follower = Follower.eoa("door-" + seed, gen.validAddress(),
                CopyPolicy.fixed(Usdc.of("5")).minLeaderNotional(Usdc.of("1")).build());
    }

    private CopyTradeExecutor.Builder base(CopyTradeExecutor.Builder b) {
        return b.store(store()).chainAdapter(venue).clock(clock).parallelism(1);
    }

    @Test
    @DisplayName("Scenario: Malformed leader trades are refused at the door")
    void malformedLeaderTrades() {
        Snapshot start = snapshot();
        for (int i = 0; i < cases(); i++) {
            Case<LeaderTrade> c = random.nextInt(4) == 0 ? gen.typedTrade() : gen.trade();
            String ctx = "seed=" + seed + " case=" + i;
            LeaderTrade trade = attempt(c, ctx);
            if (trade != null) {
                copyAccepted(trade, follower, ctx + " " + c);
            }
        }
        assertNothingHalfWritten(start);
    }

    @Test
    @DisplayName("Scenario: Malformed followers and policies are refused at the door")
    void malformedFollowersAndPolicies() {
        Snapshot start = snapshot();
        for (int i = 0; i < cases(); i++) {
            Case<Follower> c = gen.follower();
            String ctx = "seed=" + seed + " case=" + i;
            Follower f = attempt(c, ctx);
            if (f != null) {
                copyAccepted(validTrade(), f, ctx + " " + c);
            }
        }
        assertNothingHalfWritten(start);
    }

    @Test
    @DisplayName("Scenario: A signal delivered again with a different payload returns the first record")
    void sameSignalDifferentPayload() {
        Snapshot start = snapshot();
        for (int i = 0; i < cases() / 10; i++) {
            String ctx = "seed=" + seed + " pair=" + i;
            SignalId id = gen.validSignal().get();
            // the first delivery is sometimes one sizing skips (a leader trade of a few cents)
            LeaderTrade first = trade(id, random.nextInt(4) == 0 ? "0.01" : "0.40", random.nextInt(4) == 0 ? "1" : "200");
            LeaderTrade second = trade(id, random.nextBoolean() ? "0.90" : "0.05", Integer.toString(1 + random.nextInt(10_000)));
            CopyResult a = executor.execute(first, follower);
            assertThat(a.outcome()).as(ctx).isIn(ACCEPTED);
            Snapshot between = snapshot();

            CopyResult b = executor.execute(second, follower);

            assertThat(b.outcome()).as(ctx + " second delivery").isEqualTo(Outcome.DUPLICATE);
            assertThat(b.record().id()).as(ctx).isEqualTo(a.record().id());
            assertThat(b.record().trade()).as(ctx + ": the first payload wins").isEqualTo(a.record().trade());
            assertThat(b.record().status()).as(ctx).isEqualTo(a.record().status());
            assertThat(snapshot()).as(ctx + ": the second delivery changed nothing").isEqualTo(between);
            assertThat(venue.find(a.record().clientOrderId()).isPresent()).as(ctx)
                    .isEqualTo(a.outcome() == Outcome.EXECUTED);
        }
        assertNothingHalfWritten(start);
    }

    @Test
    @DisplayName("Scenario: Malformed configuration fails at start naming the setting")
    void malformedConfiguration() {
        Snapshot start = snapshot();
        for (int i = 0; i < cases() / 4; i++) {
            String ctx = "seed=" + seed + " case=" + i;
            switch (random.nextInt(5)) {
                case 0 -> {
                    Case<GuardrailConfig> c = gen.environment();
                    GuardrailConfig config = attempt(c, ctx);
                    if (config != null) {
                        CopyTradeExecutor configured = config.applyTo(base(CopyTradeExecutor.builder()), capLedger(),
                                debtLedger()).build();
                        copyAccepted(configured, config.capPolicy(), validTrade(), follower, ctx + " " + c);
                    }
                }
                case 1 -> {
                    Case<CopyTradeExecutor> c = executorSettings();
                    CopyTradeExecutor configured = attempt(c, ctx);
                    if (configured != null) {
                        copyAccepted(configured, GLOBAL_ONLY, validTrade(), follower, ctx + " " + c);
                        configured.close();
                    }
                }
                case 2 -> {
                    Case<CapPolicy> c = capPolicy();
                    CapPolicy caps = attempt(c, ctx);
                    if (caps != null) {
                        CopyTradeExecutor capped = base(CopyTradeExecutor.builder()).caps(capLedger(), caps).build();
                        copyAccepted(capped, caps, validTrade(), follower, ctx + " " + c);
                    }
                }
                case 3 -> {
                    Case<DebtRecoveryLoop> c = debtLoopSettings();
                    DebtRecoveryLoop loop = attempt(c, ctx);
                    if (loop != null) {
                        DebtRecoveryReport report;
                        try {
                            report = loop.runOnce();
                            loop.start().close();
                        } catch (RuntimeException e) {
                            throw new AssertionError(ctx + " " + c + ": the recovery loop threw " + e, e);
                        }
                        assertThat(report.errors()).as(ctx + " " + c + ": " + report).isZero();
                    }
                }
                default -> {
                    Case<StaleSweeper> c = sweeperSettings();
                    StaleSweeper sweeper = attempt(c, ctx);
                    if (sweeper != null) {
                        // a stale record of this test to settle, so a setting the store cannot take shows
                        CopyTradeRecord stale = store().prewrite(Records.pending(NOW.minusSeconds(1))).record();
                        SweepReport report;
                        try {
                            report = sweeper.runOnce();
                            sweeper.start().close();
                        } catch (RuntimeException e) {
                            throw new AssertionError(ctx + " " + c + ": the sweeper threw " + e, e);
                        }
                        assertThat(report.errors()).as(ctx + " " + c + ": " + report).isZero();
                        assertThat(store().findById(stale.id()).orElseThrow().status()).as(ctx + " " + c)
                                .isEqualTo(RecordStatus.EXPIRED);
                    }
                }
            }
        }
        assertNothingHalfWritten(start);
    }

    // ---- generators that need the rig ----

    private Case<CopyTradeExecutor> executorSettings() {
        Set<String> bad = new LinkedHashSet<>();
        long chainId = gen.oneOf(List.of(137L, 1L, Long.MAX_VALUE, 0L, -1L));
        if (chainId <= 0) {
            bad.add("chainId");
        }
        Duration ttl = gen.duration();
        if (ttl == null || ttl.isZero() || ttl.isNegative() || ttl.compareTo(MAX_TTL) > 0) {
            bad.add("inFlightTtl");
        }
        Duration lock = gen.duration();
        if (lock == null || lock.isNegative() || (!bad.contains("inFlightTtl") && lock.compareTo(ttl) >= 0)) {
            bad.add("lockTimeout");
        }
        int parallelism = gen.oneOf(List.of(1, 8, 1024, 0, -1, 1025, Integer.MAX_VALUE));
        if (parallelism < 1 || parallelism > 1024) {
            bad.add("parallelism");
        }
        String instanceId = random.nextBoolean() ? null : gen.instanceId();
        if (instanceId != null && !printable(instanceId, 100)) {
            bad.add("instanceId");
        }
        String what = "executor chainId=" + chainId + " ttl=" + ttl + " lock=" + lock + " parallelism=" + parallelism
                + " instanceId=" + instanceId;
        return new Case<>(what, bad, () -> base(CopyTradeExecutor.builder()).chainId(chainId).inFlightTtl(ttl)
                .lockTimeout(lock).parallelism(parallelism).instanceId(instanceId).caps(capLedger(), GLOBAL_ONLY)
                .build());
    }

    private Case<StaleSweeper> sweeperSettings() {
        Set<String> bad = new LinkedHashSet<>();
        Duration interval = gen.duration();
        if (interval == null || interval.isZero() || interval.isNegative() || interval.compareTo(MAX_TTL) > 0) {
            bad.add("interval");
        }
        Duration claimLease = gen.duration();
        if (claimLease == null || claimLease.isZero() || claimLease.isNegative() || claimLease.compareTo(MAX_TTL) > 0) {
            bad.add("claimLease");
        }
        int batch = gen.oneOf(List.of(1, 100, 10_000, 0, -5, 10_001));
        if (batch < 1 || batch > 10_000) {
            bad.add("batchSize");
        }
        String instanceId = random.nextBoolean() ? null : gen.instanceId();
        if (instanceId != null && !printable(instanceId, 100)) {
            bad.add("instanceId");
        }
        String what = "sweeper interval=" + interval + " claimLease=" + claimLease + " batch=" + batch
                + " instanceId=" + instanceId;
        return new Case<>(what, bad, () -> StaleSweeper.builder(store(), venue).clock(clock).interval(interval)
                .claimLease(claimLease).batchSize(batch).instanceId(instanceId).caps(capLedger()).build());
    }

    private Case<DebtRecoveryLoop> debtLoopSettings() {
        Set<String> bad = new LinkedHashSet<>();
        Duration interval = gen.duration();
        if (interval == null || interval.isZero() || interval.isNegative() || interval.compareTo(MAX_TTL) > 0) {
            bad.add("interval");
        }
        Duration claimLease = gen.duration();
        if (claimLease == null || claimLease.isZero() || claimLease.isNegative() || claimLease.compareTo(MAX_TTL) > 0) {
            bad.add("claimLease");
        }
        int attempts = gen.oneOf(List.of(1, 5, 0, -1));
        if (attempts < 1) {
            bad.add("maxAttempts");
        }
        String instanceId = random.nextBoolean() ? null : gen.instanceId();
        if (instanceId != null && !printable(instanceId, 100)) {
            bad.add("instanceId");
        }
        String what = "debt loop interval=" + interval + " claimLease=" + claimLease + " maxAttempts=" + attempts
                + " instanceId=" + instanceId;
        return new Case<>(what, bad, () -> DebtRecoveryLoop.builder(debtLedger(), new SimulatedDebtSettler()).clock(clock)
                .interval(interval).claimLease(claimLease).maxAttempts(attempts).instanceId(instanceId).build());
    }

    private Case<CapPolicy> capPolicy() {
        Set<String> bad = new LinkedHashSet<>();
        StringBuilder what = new StringBuilder("caps");
        CapPolicy.Builder b = CapPolicy.builder();
        List<Consumer<CapPolicy.Builder>> steps = new ArrayList<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(5)) {
                case 0 -> {
                    boolean zero = random.nextInt(5) == 0;
                    Usdc limit = zero ? Usdc.ZERO : Usdc.ofMicros(1 + random.nextLong(Usdc.MAX_MICROS));
                    if (zero) {
                        bad.add("caps.global");
                    }
                    what.append(" global=").append(limit);
                    steps.add(c -> c.global(limit));
                }
                case 1 -> {
                    String key = gen.oneOf(List.of("btc-updown", "0x" + "ab".repeat(32), " BTC.Up_Down ",
                            "", " ", "Will Trump Win", "ünï", "a/b", "🚀"));
                    boolean okKey = key.trim().toLowerCase(Locale.ROOT)
                            .matches("[a-z0-9][a-z0-9._-]{0,199}|0x[0-9a-f]{64}");
                    if (!okKey) {
                        bad.add("caps.market");
                    }
                    what.append(" market[").append(key).append("]=10");
                    steps.add(c -> c.market(key, Usdc.of("10")));
                }
                case 2 -> {
                    int max = gen.oneOf(List.of(1, 100, Integer.MAX_VALUE, 0, -1));
                    if (max <= 0) {
                        bad.add("caps.maxTrades");
                    }
                    what.append(" maxTrades=").append(max);
                    steps.add(c -> c.maxTrades(max));
                }
                case 3 -> {
                    Duration length = gen.duration();
                    boolean ok = length != null && !length.isNegative() && !length.isZero()
                            && length.compareTo(MAX_WINDOW) <= 0;
                    if (!ok) {
                        bad.add("window.length");
                    }
                    what.append(" tradeWindow=").append(length);
                    steps.add(c -> c.tradeWindow(BudgetWindow.rolling(length)));
                }
                default -> {
                    what.append(" moneyWindow=null");
                    bad.add("caps.moneyWindow");
                    steps.add(c -> c.moneyWindow(null));
                }
            }
        }
        return new Case<>(what.toString(), bad, () -> {
            steps.forEach(s -> s.accept(b));
            return b.build();
        });
    }

    /** The longest in-flight TTL, sweep interval and claim lease the builders accept. */
    private static final Duration MAX_TTL = Duration.ofDays(7);
    /** The longest budget window accepted. */
    private static final Duration MAX_WINDOW = Duration.ofDays(366);

    private static boolean printable(String s, int max) {
        if (s.isBlank() || s.length() > max) {
            return false;
        }
        return s.chars().noneMatch(Character::isISOControl);
    }

    // ---- checks ----

    /**
     * Makes the case; asserts a refusal names a broken field (and only an InvalidInputException is
     * thrown), and acceptance happens only when nothing was broken. Returns null when refused.
     */
    private <T> T attempt(Case<T> c, String ctx) {
        Snapshot before = snapshot();
        T made = null;
        RuntimeException refused = null;
        try {
            made = c.make().get();
        } catch (RuntimeException e) {
            refused = e;
        }
        if (refused == null) {
            assertThat(c.bad()).as("%s: accepted although broken: %s", ctx, c).isEmpty();
            return made;
        }
        if (!(refused instanceof InvalidInputException e)) {
            throw new AssertionError(ctx + ": " + c + " threw " + refused + " instead of InvalidInputException",
                    refused);
        }
        assertThat(c.bad()).as("%s: refused although nothing was broken: %s (%s)", ctx, c, e.getMessage())
                .isNotEmpty();
        assertThat(c.names(e.field())).as("%s: the refusal names %s, not a broken field of %s", ctx, e.getMessage(), c)
                .isTrue();
        assertThat(e.getMessage()).as(ctx).startsWith(e.field() + ": ").contains(" (was ");
        assertThat(snapshot()).as("%s: a refused input changed the store, the venue or the budgets: %s", ctx, c)
                .isEqualTo(before);
        return null;
    }

    private void copyAccepted(LeaderTrade trade, Follower f, String ctx) {
        copyAccepted(executor, GLOBAL_ONLY, trade, f, ctx);
    }

    /**
     * Accepted input is copied or skipped with a reason; exactly what was executed reached the venue and
     * was charged to the global budget (when {@code caps} charge it).
     */
    private void copyAccepted(CopyTradeExecutor ex, CapPolicy caps, LeaderTrade trade, Follower f, String ctx) {
        Snapshot before = snapshot();
        CopyResult r;
        try {
            r = ex.execute(trade, f);
        } catch (RuntimeException e) {
            throw new AssertionError(ctx + ": execute threw " + e, e);
        }
        assertThat(r.outcome()).as("%s: %s", ctx, r).isIn(ACCEPTED);
        CopyTradeRecord rec = r.record();
        Snapshot after = snapshot();
        if (r.outcome() == Outcome.SKIPPED) {
            assertThat(rec.reason()).as(ctx).isNotNull();
            assertThat(after).as(ctx + ": a skip wrote one SKIPPED record and nothing else")
                    .isEqualTo(before.plus(RecordStatus.SKIPPED, 0, 0));
        } else {
            assertThat(venue.find(rec.clientOrderId())).as(ctx).isPresent();
            boolean charged = caps.moneyBudgets(rec.order(), trade, f).stream()
                    .anyMatch(b -> b.key().equals(GLOBAL.key()) && b.window().equals(GLOBAL.window()));
            long spent = charged ? Math.min(rec.fill().notional().micros(), rec.order().notional().micros()) : 0;
            assertThat(after).as(ctx + ": an execution wrote one EXECUTED record, one order and its spend")
                    .isEqualTo(before.plus(RecordStatus.EXECUTED, 1, spent));
        }
    }

    private void assertNothingHalfWritten(Snapshot start) {
        Snapshot end = snapshot();
        String ctx = "seed=" + seed;
        assertThat(end.counts().get(RecordStatus.PENDING)).as(ctx).isEqualTo(start.counts().get(RecordStatus.PENDING));
        assertThat(end.counts().get(RecordStatus.SUBMITTED)).as(ctx)
                .isEqualTo(start.counts().get(RecordStatus.SUBMITTED));
        assertThat(end.counts().get(RecordStatus.UNKNOWN)).as(ctx).isEqualTo(start.counts().get(RecordStatus.UNKNOWN));
        assertThat(venue.duplicateSubmissions()).as(ctx).isZero();
        assertThat(venue.submitCalls()).as(ctx + ": every submit reached the venue once").isEqualTo(venue.receivedCount());
    }

    /** What bad input must not change: the store's counts, the venue's ledger and the global budget. */
    private record Snapshot(Map<RecordStatus, Long> counts, int received, long spent) {
        Snapshot plus(RecordStatus status, int orders, long units) {
            Map<RecordStatus, Long> c = new EnumMap<>(counts);
            c.merge(status, 1L, Long::sum);
            return new Snapshot(Map.copyOf(c), received + orders, spent + units);
        }
    }

    private Snapshot snapshot() {
        Map<RecordStatus, Long> counts = new EnumMap<>(store().countByStatus());
        // the sweeper settings case expires stale records of its own: not what bad input did
        counts.remove(RecordStatus.EXPIRED);
        return new Snapshot(Map.copyOf(counts), venue.receivedCount(), capLedger().used(GLOBAL, NOW));
    }

    // ---- valid input ----

    private LeaderTrade validTrade() {
        return trade(gen.validSignal().get(), "0.40", "200");
    }

    private LeaderTrade trade(SignalId id, String price, String size) {
        return LeaderTrade.builder().signalId(id).leader(gen.validAddress()).market(gen.validHash(), "7", null)
                .side(random.nextInt(5) == 0 ? "SELL" : "BUY").price(price).size(size).timestamp(NOW).build();
    }
}
