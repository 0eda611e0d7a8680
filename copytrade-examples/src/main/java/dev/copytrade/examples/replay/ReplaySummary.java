package dev.copytrade.examples.replay;

import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyResult.Outcome;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordStatus;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a replay did, in numbers that must add up: every (accepted trade, follower) pair lands in
 * exactly one outcome, and this run's venue ledger matches the records this run created, order by order.
 *
 * @param feed what was read (accepted, rejected, normalised lines)
 * @param dryRun whether the executor ran in dry-run mode
 * @param store which store the run used, in words
 * @param followers one row per follower, in the order they were executed
 * @param guardrails the guardrail chain, described, in evaluation order
 * @param venue what the simulated venue saw
 * @param invariant the records this run created compared with the venue's ledger
 * @param inFlight records this run left with an unknown outcome (for the reconciler), in the order they happened
 * @param recordsByStatus the records this run's executions ended on (created now or by an earlier run), by status
 * @param createdRecords of those, the records this run created
 * @param earlier what this run found from earlier runs
 * @param storeTotal records in the store after the run, whichever run wrote them
 */
public record ReplaySummary(FeedReader.Result feed, boolean dryRun, String store, List<FollowerRow> followers,
        List<String> guardrails, Venue venue, Invariant invariant, List<CopyTradeRecord> inFlight,
        Map<RecordStatus, Long> recordsByStatus, int createdRecords, Earlier earlier, long storeTotal) {

    public ReplaySummary {
        followers = List.copyOf(followers);
        guardrails = List.copyOf(guardrails);
        inFlight = List.copyOf(inFlight);
        recordsByStatus = Map.copyOf(recordsByStatus);
    }

    /**
     * What earlier runs left in the store, as this run met it.
     *
     * @param executions this run's executions that found a record an earlier run wrote (DUPLICATE, nothing sent)
     * @param records distinct earlier records those executions found
     * @param inFlightAtStart PENDING/SUBMITTED records in the store when this run began
     * @param unknownAtStart UNKNOWN records in the store when this run began
     */
    public record Earlier(int executions, int records, long inFlightAtStart, long unknownAtStart) {}

    /**
     * One follower's outcomes.
     *
     * @param outcomes how many executions ended in each outcome (zeros included)
     * @param skippedBy the SKIPPED ones by reason code (only reasons that occurred)
     * @param clamped orders the per-trade cap reduced (in a dry run: would have reduced)
     * @param filled USDC the venue reports as filled for this follower
     */
    public record FollowerRow(String id, String description, Map<Outcome, Integer> outcomes,
            Map<ReasonCode, Integer> skippedBy, int clamped, Usdc filled) {
        public FollowerRow {
            outcomes = Map.copyOf(outcomes);
            skippedBy = Map.copyOf(skippedBy);
        }

        public int count(Outcome o) {
            return outcomes.getOrDefault(o, 0);
        }

        public int total() {
            return outcomes.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /**
     * @param receivedOrders distinct orders in the venue's ledger
     * @param submitCalls submit calls made, whatever happened
     * @param duplicateSubmissions submits of a client order id the venue already had: must be 0
     */
    public record Venue(int receivedOrders, long submitCalls, long duplicateSubmissions) {}

    /**
     * The store compared with the venue.
     *
     * @param venueOrders orders the venue received
     * @param sentRecords records that must have reached the venue (EXECUTED, SUBMITTED/UNKNOWN, FAILED by rejection)
     * @param executed of those, EXECUTED
     * @param failedAtVenue of those, FAILED because the venue rejected them
     * @param inFlight of those, still SUBMITTED/UNKNOWN (outcome unknown)
     * @param venueOrdersWithoutOneRecord venue orders that do not map to exactly one sent record
     * @param sentRecordsNotAtVenue sent records the venue never received
     * @param fillMismatches EXECUTED records whose fill differs from the venue's
     */
    public record Invariant(int venueOrders, int sentRecords, int executed, int failedAtVenue, int inFlight,
            int venueOrdersWithoutOneRecord, int sentRecordsNotAtVenue, int fillMismatches) {

        public boolean holds() {
            return venueOrders == sentRecords && venueOrdersWithoutOneRecord == 0 && sentRecordsNotAtVenue == 0
                    && fillMismatches == 0;
        }
    }

    /** Accepted trades × followers: how many executions were asked for. */
    public int executions() {
        return feed.entries().size() * followers.size();
    }

    /** Executions that ended in some outcome; equals {@link #executions()} when nothing went missing. */
    public int accountedFor() {
        return followers.stream().mapToInt(FollowerRow::total).sum();
    }

    public int total(Outcome o) {
        return followers.stream().mapToInt(r -> r.count(o)).sum();
    }

    /** Records this run's executions ended on: one per (distinct signal, follower) when deduplication works. */
    public long runRecords() {
        return recordsByStatus.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Executions that created their record: all but the duplicates and the prewrites the store refused. */
    public int creatingExecutions() {
        return accountedFor() - total(Outcome.DUPLICATE) - total(Outcome.NOT_RECORDED);
    }

    /** Everything adds up and nothing was sent twice: the replay's exit status. */
    public boolean consistent() {
        return accountedFor() == executions()
                && runRecords() == (long) feed.distinctSignals() * followers.size()
                && createdRecords == creatingExecutions()
                && venue.duplicateSubmissions() == 0
                && invariant.holds()
                && (!dryRun || venue.receivedOrders() == 0);
    }

    /** Counts one follower's results while the replay runs. Not thread-safe: the replay tallies on one thread. */
    static final class Tally {
        private final Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
        private final Map<ReasonCode, Integer> skipped = new EnumMap<>(ReasonCode.class);
        private int clamped;
        private Usdc filled = Usdc.ZERO;

        Tally() {
            for (Outcome o : Outcome.values()) {
                outcomes.put(o, 0);
            }
        }

        void add(CopyResult r) {
            outcomes.merge(r.outcome(), 1, Integer::sum);
            if (r.outcome() == Outcome.SKIPPED) {
                skipped.merge(r.record().reason(), 1, Integer::sum);
            }
            if (r.outcome() != Outcome.DUPLICATE && r.record() != null
                    && r.record().detail().keySet().stream().anyMatch(k -> k.startsWith("resized."))) {
                clamped++;
            }
            if (r.outcome() == Outcome.EXECUTED) {
                filled = filled.plus(r.record().fill().notional());
            }
        }

        FollowerRow toRow(Replay.DemoFollower f) {
            return new FollowerRow(f.follower().id().value(), f.description(), outcomes, skipped, clamped, filled);
        }
    }
}
