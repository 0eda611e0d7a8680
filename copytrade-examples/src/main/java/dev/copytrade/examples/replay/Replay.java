package dev.copytrade.examples.replay;

import dev.copytrade.core.chain.OrderRequest;
import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.guardrail.EmergencyPause;
import dev.copytrade.core.guardrail.FollowerAllowlist;
import dev.copytrade.core.guardrail.Guardrail;
import dev.copytrade.core.guardrail.GuardrailChain;
import dev.copytrade.core.guardrail.MaxNotionalPerTrade;
import dev.copytrade.core.guardrail.RealTradingSwitch;
import dev.copytrade.core.model.ClientOrderId;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Direction;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.policy.SideFilter;
import dev.copytrade.core.policy.VenueRules;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.sim.SimulatedChainAdapter.Behavior;
import dev.copytrade.core.store.CopyTradeStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The replay bot's engine: copies every trade of a feed for a fixed set of demo followers through one
 * {@link CopyTradeExecutor} (a {@link ReplayStore} that may hold earlier runs' records, a simulated venue
 * that is new every run) and returns what happened as a {@link ReplaySummary}. No printing here, so
 * tests can check the numbers.
 *
 * <p>The venue fills most orders but, decided by a hash of the client order id (so the same orders on
 * every run), rejects about 1 in 25 and times out after receiving about 1 in 50: a timed-out order
 * is at the venue but its record stays SUBMITTED for the reconciler, and is never sent again.
 */
public final class Replay {

    /** The per-order cap every follower is held to, whatever its own policy says. */
    public static final Usdc CAP = Usdc.of("25");

    /** Why the fourth follower is not on the execution allowlist. */
    public static final String NOT_ALLOWLISTED_WHY =
            "its wallet has no USDC allowance yet, so the operator has not enabled it; its copies are still"
                    + " recorded (FOLLOWER_NOT_ALLOWED), so the audit shows what it would have traded";

    private Replay() {}

    /** A follower and the one-line description the summary prints for it. */
    public record DemoFollower(Follower follower, String description, boolean allowlisted) {}

    /**
     * Four followers with deliberately different policies, so that every sizing path shows up in the
     * summary. Each has its own wallet and signer, so their orders run in parallel.
     */
    public static List<DemoFollower> demoFollowers() {
        return List.of(
                new DemoFollower(Follower.eoa("alice-fixed5", "0x5a1ce0b7e4d2c3a8f9e61b2d7c4a3e5f60718293",
                        CopyPolicy.fixed(Usdc.of("5")).sideFilter(SideFilter.BUY_ONLY)
                                .minLeaderNotional(Usdc.of("25")).build()),
                        "fixed $5 per copy, BUYs only, only leader trades worth >= $25", true),
                new DemoFollower(Follower.eoa("bob-prop10", "0xb0b5e11e2f3a4b5c6d7e8f9012a3b4c5d6e7f809",
                        CopyPolicy.proportional("0.1").minPerTrade(Usdc.of("0.5")).maxPerTrade(Usdc.of("20"))
                                .build()),
                        "0.1 x leader notional, $0.50..$20, copies SELLs too (RequirePosition not enabled in this demo)", true),
                new DemoFollower(Follower.eoa("carol-counter", "0xca201c0de7f6e5d4c3b2a1908f7e6d5c4b3a2910",
                        CopyPolicy.proportional("0.5").direction(Direction.COUNTER).maxPerTrade(Usdc.of("40"))
                                .raiseToVenueMinimum(true).build()),
                        "0.5 x leader, COUNTER (sells when the leader buys and vice versa), up to $40 (cap clamps to $25),"
                                + " small copies raised to the venue's $1", true),
                new DemoFollower(Follower.eoa("dave-onboarding", "0xdae0e1f2a3b4c5d6e7f8091a2b3c4d5e6f7a8b9c",
                        CopyPolicy.proportional("0.25").raiseToVenueMinimum(true).build()),
                        "0.25 x leader, both sides, raised to the venue minimum; NOT on the allowlist (below)",
                        false));
    }

    /** Pause (off), master switch (off: passes the simulated venue), $25 cap (clamp), allowlist. */
    public static List<Guardrail> guardrails(List<DemoFollower> followers) {
        List<String> allowed = new ArrayList<>();
        for (DemoFollower f : followers) {
            if (f.allowlisted()) {
                allowed.add(f.follower().wallet().value());
            }
        }
        return List.of(new EmergencyPause(false), RealTradingSwitch.disabled(),
                new MaxNotionalPerTrade(CAP, MaxNotionalPerTrade.OverCap.CLAMP),
                FollowerAllowlist.of(allowed.toArray(String[]::new)));
    }

    /** Deterministic venue behaviour per order: ~4% rejected, ~2% time out after the venue received them. */
    public static Behavior venueBehaviour(OrderRequest request) {
        int bucket = Math.floorMod(request.clientOrderId().value().hashCode(), 100);
        if (bucket < 4) {
            return Behavior.reject("simulated: no liquidity at the limit price");
        }
        if (bucket < 6) {
            return Behavior.timeoutAfterReceive();
        }
        return Behavior.fill();
    }

    /** Replays {@code feed} into a fresh in-memory store: the behaviour before the store was persistent. */
    public static ReplaySummary run(FeedReader.Result feed, boolean dryRun) {
        try (ReplayStore store = ReplayStore.inMemory()) {
            return run(feed, dryRun, store);
        }
    }

    /**
     * Replays {@code feed} for {@link #demoFollowers()} into {@code replayStore}, which may hold the
     * records of earlier runs; {@code dryRun} records everything and sends nothing. The venue is new
     * every run, so it is compared with the records this run created, never with earlier runs' records.
     *
     * @throws dev.copytrade.core.store.StoreException if the store cannot be read before or after the run
     */
    public static ReplaySummary run(FeedReader.Result feed, boolean dryRun, ReplayStore replayStore) {
        CopyTradeStore store = replayStore.store();
        List<DemoFollower> demo = demoFollowers();
        List<Follower> followers = demo.stream().map(DemoFollower::follower).toList();
        List<Guardrail> guardrails = guardrails(demo);
        List<String> described = new ArrayList<>();
        for (Guardrail g : guardrails) {
            described.add(describe(g, demo));
        }
        Map<RecordStatus, Long> atStart = store.countByStatus();
        SimulatedChainAdapter venue = new SimulatedChainAdapter().setRule(Replay::venueBehaviour);
        List<ReplaySummary.Tally> tallies = new ArrayList<>();
        for (int i = 0; i < followers.size(); i++) {
            tallies.add(new ReplaySummary.Tally());
        }
        List<CopyTradeRecord> inFlight = new ArrayList<>();
        List<CopyResult> all = new ArrayList<>();
        try (CopyTradeExecutor executor = CopyTradeExecutor.builder()
                .store(store)
                .chainAdapter(venue)
                .guardrails(GuardrailChain.of(guardrails))
                .venueRules(VenueRules.polymarketMarketOrders())
                .dryRun(dryRun)
                .instanceId("replay-bot")
                .build()) {
            for (FeedReader.Entry entry : feed.entries()) {
                List<CopyResult> results = executor.executeAll(entry.trade(), followers);
                all.addAll(results);
                for (int i = 0; i < results.size(); i++) {
                    CopyResult r = results.get(i);
                    tallies.get(i).add(r);
                    if (r.outcome() == CopyResult.Outcome.IN_FLIGHT) {
                        inFlight.add(r.record());
                    }
                }
            }
        }
        RunRecords records = RunRecords.of(all);
        List<ReplaySummary.FollowerRow> rows = new ArrayList<>();
        for (int i = 0; i < demo.size(); i++) {
            rows.add(tallies.get(i).toRow(demo.get(i)));
        }
        ReplaySummary.Earlier earlier = new ReplaySummary.Earlier(records.earlierExecutions,
                records.used.size() - records.created.size(),
                atStart.getOrDefault(RecordStatus.PENDING, 0L) + atStart.getOrDefault(RecordStatus.SUBMITTED, 0L),
                atStart.getOrDefault(RecordStatus.UNKNOWN, 0L));
        long storeTotal = store.countByStatus().values().stream().mapToLong(Long::longValue).sum();
        return new ReplaySummary(feed, dryRun, replayStore.label(), rows, described,
                new ReplaySummary.Venue(venue.receivedCount(), venue.submitCalls(), venue.duplicateSubmissions()),
                check(records.created.values(), venue.receivedOrders()), inFlight, records.byStatus(),
                records.created.size(), earlier, storeTotal);
    }

    /**
     * The records a run's executions ended on, split into those it created and those an earlier run
     * left in the store. Nothing but the executor touches a record during a replay (no sweeper runs),
     * so the record a creating call returned is the one the store holds at the end.
     */
    private record RunRecords(Map<Long, CopyTradeRecord> created, Map<Long, CopyTradeRecord> used,
            int earlierExecutions) {

        static RunRecords of(List<CopyResult> results) {
            Map<Long, CopyTradeRecord> created = new LinkedHashMap<>();
            for (CopyResult r : results) {
                if (r.record() != null && r.outcome() != CopyResult.Outcome.DUPLICATE) {
                    created.put(r.record().id(), r.record());
                }
            }
            Map<Long, CopyTradeRecord> used = new LinkedHashMap<>(created);
            int earlier = 0;
            for (CopyResult r : results) {
                // a duplicate of a record this run created is a repeated delivery, not an earlier run's decision
                if (r.outcome() == CopyResult.Outcome.DUPLICATE && !created.containsKey(r.record().id())) {
                    earlier++;
                    used.putIfAbsent(r.record().id(), r.record());
                }
            }
            return new RunRecords(created, used, earlier);
        }

        Map<RecordStatus, Long> byStatus() {
            Map<RecordStatus, Long> counts = new EnumMap<>(RecordStatus.class);
            for (RecordStatus s : RecordStatus.values()) {
                counts.put(s, 0L);
            }
            used.values().forEach(r -> counts.merge(r.status(), 1L, Long::sum));
            return counts;
        }
    }

    /** A record the venue must have received: it reached SUBMITTED, and a FAILED one only by the venue's rejection. */
    static boolean wasSent(CopyTradeRecord r) {
        return switch (r.status()) {
            case SUBMITTED, UNKNOWN, EXECUTED -> true;
            case FAILED -> r.reason() == ReasonCode.VENUE_REJECTED;
            default -> false;
        };
    }

    /** Compares a run's records with that run's venue ledger, order by order. */
    static ReplaySummary.Invariant check(Collection<CopyTradeRecord> records,
            List<SimulatedChainAdapter.ReceivedOrder> venueOrders) {
        Map<ClientOrderId, List<CopyTradeRecord>> byOrderId = new HashMap<>();
        int executed = 0;
        int failed = 0;
        int inFlight = 0;
        Set<ClientOrderId> sent = new HashSet<>();
        for (CopyTradeRecord r : records) {
            byOrderId.computeIfAbsent(r.clientOrderId(), k -> new ArrayList<>()).add(r);
            if (!wasSent(r)) {
                continue;
            }
            sent.add(r.clientOrderId());
            if (r.status() == RecordStatus.EXECUTED) {
                executed++;
            } else if (r.status() == RecordStatus.FAILED) {
                failed++;
            } else {
                inFlight++;
            }
        }
        int withoutOneRecord = 0;
        int fillMismatches = 0;
        Set<ClientOrderId> atVenue = new HashSet<>();
        for (SimulatedChainAdapter.ReceivedOrder o : venueOrders) {
            atVenue.add(o.clientOrderId());
            List<CopyTradeRecord> mine = byOrderId.getOrDefault(o.clientOrderId(), List.of());
            if (mine.size() != 1 || !wasSent(mine.get(0))) {
                withoutOneRecord++;
                continue;
            }
            CopyTradeRecord r = mine.get(0);
            if (r.status() == RecordStatus.EXECUTED && !r.fill().equals(o.fill())) {
                fillMismatches++;
            }
        }
        int sentNotAtVenue = 0;
        for (ClientOrderId id : sent) {
            if (!atVenue.contains(id)) {
                sentNotAtVenue++;
            }
        }
        return new ReplaySummary.Invariant(venueOrders.size(), sent.size(), executed, failed, inFlight,
                withoutOneRecord, sentNotAtVenue, fillMismatches);
    }

    private static String describe(Guardrail g, List<DemoFollower> followers) {
        if (g instanceof EmergencyPause p) {
            return "EmergencyPause(" + (p.isPaused() ? "paused" : "off") + ")";
        }
        if (g instanceof RealTradingSwitch) {
            return "RealTradingSwitch(disabled: real-money adapters are blocked, the simulated venue passes)";
        }
        if (g instanceof MaxNotionalPerTrade m) {
            return "MaxNotionalPerTrade($" + m.cap().toBigDecimal().stripTrailingZeros().toPlainString() + ", CLAMP)";
        }
        if (g instanceof FollowerAllowlist) {
            List<String> in = new ArrayList<>();
            List<String> out = new ArrayList<>();
            for (DemoFollower f : followers) {
                (f.allowlisted() ? in : out).add(f.follower().id().value());
            }
            return "FollowerAllowlist(" + String.join(", ", in) + ")\n     left out: " + String.join(", ", out) + ": "
                    + NOT_ALLOWLISTED_WHY;
        }
        return g.name();
    }
}
