package dev.copytrade.examples.bench.pg;

import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.Fill;
import dev.copytrade.core.record.RecordDraft;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.record.Transition;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.store.PrewriteResult;
import dev.copytrade.jdbi.Dialect;
import dev.copytrade.jdbi.JdbiCopyTradeStore;
import dev.copytrade.jdbi.TableNames;
import dev.copytrade.examples.bench.pg.CountingDataSource.Counts;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measurements 1 and 2: the same durable work per trade (insert the record, then mark it EXECUTED,
 * each its own commit), once as two hand-written statements and once through the whole pipeline,
 * each thread driving its own signer so nothing but the database is shared.
 */
final class WriteBenchmark implements AutoCloseable {
    /** One measured (or warm-up) run. Latencies are per trade as its thread saw them. */
    record Sample(String label, int trades, long elapsedNanos, long p50Nanos, long p99Nanos, Counts counts,
            long walBytes, long workerCpuNanos, long jvmCpuNanos, long serverCpuNanos, double load) {
        double tradesPerSecond() {
            return trades * 1e9 / elapsedNanos;
        }

        double perTrade(long n) {
            return (double) n / trades;
        }
    }

    private static final ThreadMXBean THREAD_CPU = ManagementFactory.getThreadMXBean();
    private static final Duration IN_FLIGHT_TTL = Duration.ofMinutes(10);
    private static final String MARKET_CONDITION = "0x" + "5eed".repeat(16);
    private static final String MARKET_TOKEN =
            "71321045679252212594626385532706912750332728571942532289631379312455583992563";
    private static final String LEADER = "0x" + "1eade7".repeat(6) + "abcd";

    private final ServerProbe server;
    private final CountingDataSource counted;
    private final String rawTable;
    private final String rawInsert;
    private final String rawUpdate;
    private final List<Follower> followers;
    private final JdbiCopyTradeStore storeOnly;
    private final CopyTradeExecutor executor;
    private final ExecutorService threads;

    WriteBenchmark(ServerProbe server, CountingDataSource counted, TableNames rawNames, TableNames storeNames,
            TableNames pipelineNames, int threadCount) {
        this.server = server;
        this.counted = counted;
        this.rawTable = rawNames.recordTable();
        this.rawInsert = "INSERT INTO " + rawTable + " (idempotency_key, client_order_id, signal_id, leader,"
                + " condition_id, token_id, slug, leader_side, leader_price, leader_size, leader_time, follower_id,"
                + " wallet, signer, order_side, order_price, order_shares, order_notional, status, reason, detail,"
                + " dry_run, lease_owner, lease_until, created_at, updated_at, version)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', NULL, CAST(? AS jsonb),"
                + " ?, ?, ?, ?, ?, 0) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id";
        this.rawUpdate = "UPDATE " + rawTable + " SET status = 'EXECUTED', updated_at = ?, version = version + 1,"
                + " venue_ref = ?, fill_shares = ?, fill_notional = ?, fill_ref = ?, lease_owner = NULL,"
                + " lease_until = NULL WHERE id = ? AND status = 'PENDING'";
        this.followers = BenchFollowers.fiveDollars("bench-follower-", 0xf011_0000L, threadCount);
        this.storeOnly = JdbiCopyTradeStore.builder(counted).dialect(Dialect.POSTGRESQL).tableNames(storeNames)
                .build();
        JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(counted).dialect(Dialect.POSTGRESQL)
                .tableNames(pipelineNames).build();
        this.executor = CopyTradeExecutor.builder()
                .store(store)
                .chainAdapter(new SimulatedChainAdapter())
                .guardrails(BenchFollowers.guardrails(followers))
                .inFlightTtl(IN_FLIGHT_TTL)
                .instanceId("bench-pipeline")
                .parallelism(1)
                .build();
        this.threads = Executors.newFixedThreadPool(threadCount, r -> {
            Thread th = new Thread(r, "bench-signer");
            th.setDaemon(true);
            return th;
        });
    }

    /** One leader trade per (thread, index), distinct across runs by {@code tag}. */
    private LeaderTrade trade(String tag, int thread, int i, Instant now) {
        return LeaderTrade.builder().signalId(SignalId.venueFill("bench", tag + "-" + thread + "-" + i))
                .leader(LEADER).market(MARKET_CONDITION, MARKET_TOKEN, "bench-market")
                .side("BUY").price("0.5").size("20").timestamp(now).build();
    }

    Sample raw(String tag, int trades) throws Exception {
        return drive("raw " + tag, trades, drafts(tag, trades), this::insertThenExecute);
    }

    /** The drafts the pipeline would prewrite for these trades: $5 at 0.5 is 10 shares. */
    private List<List<RecordDraft>> drafts(String tag, int trades) {
        Instant now = Instant.now();
        return split(trades, (t, i) -> {
            Follower f = followers.get(t);
            LeaderTrade lt = trade(tag, t, i, now);
            return RecordDraft.pending(lt, f.id(), f.wallet(), f.signer(),
                    CopyOrder.of(lt.market(), lt.side(), lt.price(), Shares.of("10")), Map.of(), false,
                    "bench-raw", now.plus(IN_FLIGHT_TTL), now);
        });
    }

    /**
     * Diagnostic between the two: the store's own prewrite and EXECUTED transition, without the
     * executor (no sizing, guardrails, hashing or signer lock), to tell store cost from pipeline cost.
     */
    Sample storeOnly(String tag, int trades) throws Exception {
        return drive("store " + tag, trades, drafts(tag, trades), d -> {
            PrewriteResult w = storeOnly.prewrite(d);
            CopyTradeRecord r = w.record();
            Fill fill = new Fill(r.order().shares(), r.order().notional(), "sim-" + r.id());
            if (!w.inserted() || !storeOnly.transition(Transition.executed(r.id(), RecordStatus.PENDING,
                    Instant.now(), fill, Map.of())).applied()) {
                throw new IllegalStateException("store-only trade " + d.key() + " was not inserted and executed");
            }
        });
    }

    private void insertThenExecute(RecordDraft d) throws SQLException {
        try (Connection c = counted.getConnection()) {
            long id;
            try (PreparedStatement ins = c.prepareStatement(rawInsert)) {
                LeaderTrade t = d.trade();
                CopyOrder o = d.order();
                Instant created = Instant.now();
                ins.setString(1, d.key().value());
                ins.setString(2, d.clientOrderId().value());
                ins.setString(3, t.signalId().value());
                ins.setString(4, t.leader().value());
                ins.setString(5, t.market().conditionId());
                ins.setString(6, t.market().tokenId());
                ins.setString(7, t.market().slug());
                ins.setString(8, t.side().name());
                ins.setLong(9, t.price().micros());
                ins.setLong(10, t.size().micros());
                ins.setObject(11, timestamp(t.timestamp()));
                ins.setString(12, d.followerId().value());
                ins.setString(13, d.wallet().value());
                ins.setString(14, d.signer().value());
                ins.setString(15, o.side().name());
                ins.setLong(16, o.limitPrice().micros());
                ins.setLong(17, o.shares().micros());
                ins.setLong(18, o.notional().micros());
                ins.setString(19, "{}");
                ins.setBoolean(20, d.dryRun());
                ins.setString(21, d.leaseOwner());
                ins.setObject(22, timestamp(d.leaseUntil()));
                ins.setObject(23, timestamp(created));
                ins.setObject(24, timestamp(created));
                try (ResultSet rs = ins.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("raw insert found key " + d.key() + " already present");
                    }
                    id = rs.getLong(1);
                }
            }
            try (PreparedStatement up = c.prepareStatement(rawUpdate)) {
                up.setObject(1, timestamp(Instant.now()));
                up.setString(2, "sim-" + id);
                up.setLong(3, d.order().shares().micros());
                up.setLong(4, d.order().notional().micros());
                up.setString(5, "sim-" + id);
                up.setLong(6, id);
                if (up.executeUpdate() != 1) {
                    throw new IllegalStateException("raw update did not move record " + id + " to EXECUTED");
                }
            }
        }
    }

    private static OffsetDateTime timestamp(Instant i) {
        return OffsetDateTime.ofInstant(i.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    private record Copy(LeaderTrade trade, Follower follower) {}

    Sample pipeline(String tag, int trades) throws Exception {
        Instant now = Instant.now();
        List<List<Copy>> work = split(trades, (t, i) -> new Copy(trade(tag, t, i, now), followers.get(t)));
        return drive("pipeline " + tag, trades, work, c -> {
            CopyResult r = executor.execute(c.trade, c.follower);
            if (r.outcome() != CopyResult.Outcome.EXECUTED) {
                throw new IllegalStateException("pipeline trade " + c.trade.signalId() + " ended " + r.outcome()
                        + (r.record() == null ? "" : " " + r.record().reason() + " " + r.record().detail()), r.error());
            }
        });
    }

    @FunctionalInterface
    private interface ItemFactory<T> {
        T make(int thread, int index);
    }

    @FunctionalInterface
    private interface Action<T> {
        void run(T item) throws Exception;
    }

    /** Divides {@code trades} over the threads (the first ones take the remainder), built before any timing. */
    private <T> List<List<T>> split(int trades, ItemFactory<T> factory) {
        int n = followers.size();
        List<List<T>> work = new ArrayList<>(n);
        for (int t = 0; t < n; t++) {
            int count = trades / n + (t < trades % n ? 1 : 0);
            List<T> items = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                items.add(factory.make(t, i));
            }
            work.add(items);
        }
        return work;
    }

    /**
     * Starts every thread at once (they wait at a gate, so thread start-up is not timed) and times
     * from the gate opening to the last thread finishing.
     */
    private record Worked(long[] nanos, long cpuNanos) {}

    private <T> Sample drive(String label, int trades, List<List<T>> work, Action<T> action) throws Exception {
        CountDownLatch ready = new CountDownLatch(work.size());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Worked>> done = new ArrayList<>(work.size());
        for (List<T> items : work) {
            done.add(threads.submit(() -> {
                long[] nanos = new long[items.size()];
                ready.countDown();
                go.await();
                long cpu0 = THREAD_CPU.getCurrentThreadCpuTime();
                for (int i = 0; i < nanos.length; i++) {
                    long t0 = System.nanoTime();
                    action.run(items.get(i));
                    nanos[i] = System.nanoTime() - t0;
                }
                return new Worked(nanos, THREAD_CPU.getCurrentThreadCpuTime() - cpu0);
            }));
        }
        ready.await();
        Counts before = counted.snapshot();
        long wal0 = server.walPosition();
        long jvm0 = ServerProbe.processCpuNanos();
        long pg0 = server.serverCpuNanos();
        long start = System.nanoTime();
        go.countDown();
        List<Worked> all = new ArrayList<>(work.size());
        try {
            for (Future<Worked> f : done) {
                all.add(f.get());
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(label + " failed: " + e.getCause(), e.getCause());
        }
        long elapsed = System.nanoTime() - start;
        long jvm = ServerProbe.processCpuNanos() - jvm0;
        long pg = pg0 < 0 ? -1 : server.serverCpuNanos() - pg0;
        Counts counts = counted.snapshot().minus(before);
        long wal = server.walPosition() - wal0;
        long[] latencies = all.stream().flatMapToLong(w -> Arrays.stream(w.nanos)).sorted().toArray();
        long cpu = all.stream().mapToLong(Worked::cpuNanos).sum();
        return new Sample(label, trades, elapsed, Stats.percentile(latencies, 50), Stats.percentile(latencies, 99),
                counts, wal, cpu, jvm, pg, ServerProbe.loadAverage());
    }

    @Override
    public void close() {
        executor.close();
        threads.shutdownNow();
    }
}
