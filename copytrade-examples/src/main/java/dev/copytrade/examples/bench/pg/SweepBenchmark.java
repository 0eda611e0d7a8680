package dev.copytrade.examples.bench.pg;

import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.sweep.StaleSweeper;
import dev.copytrade.core.sweep.SweepReport;
import dev.copytrade.examples.bench.pg.CountingDataSource.Counts;
import dev.copytrade.jdbi.CopyTradeSchema;
import dev.copytrade.jdbi.Dialect;
import dev.copytrade.jdbi.JdbiCopyTradeStore;
import dev.copytrade.jdbi.TableNames;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Measurement 3: a sweep of the same number of stale in-flight records in a small and in a large
 * table. The tables are filled set-based on the server (one {@code INSERT … SELECT generate_series}
 * per chunk), with rows the store's mapper reads back, then vacuumed and analysed.
 */
final class SweepBenchmark {
    private static final int FILL_CHUNK = 200_000;
    private static final String STALE_OWNER = "crashed-bot";

    /** A filled table and the store (timed) the sweeper works through. */
    record Table(TableNames names, int rows, int stale, TimedStore store) {
        String name() {
            return names.recordTable();
        }

        String inflightIndex() {
            return names.recordName() + "_inflight_ix";
        }
    }

    /** One timed sweep. */
    record Sample(Table table, long elapsedNanos, long claimNanos, int claims, SweepReport report, Counts counts,
            long walBytes, double load) {}

    private final ServerProbe server;
    private final CountingDataSource counted;

    SweepBenchmark(ServerProbe server, CountingDataSource counted) {
        this.server = server;
        this.counted = counted;
    }

    /**
     * Creates the real table (the store's own migration) and fills it: {@code stale} SUBMITTED rows
     * with a lease an hour in the past, spread evenly through the table; every tenth other row
     * SKIPPED, the rest EXECUTED with a fill. Keys are md5(i)||md5(i+1): 64 hex, unique.
     */
    Table fill(TableNames names, int rows, int stale) {
        CopyTradeSchema.migrate(server.pool(), Dialect.POSTGRESQL, names);
        String sql = "INSERT INTO " + names.recordTable() + " (idempotency_key, client_order_id, signal_id, leader,"
                + " condition_id, token_id, slug, leader_side, leader_price, leader_size, leader_time, follower_id,"
                + " wallet, signer, order_side, order_price, order_shares, order_notional, status, reason, detail,"
                + " venue_ref, fill_shares, fill_notional, fill_ref, dry_run, lease_owner, lease_until, created_at,"
                + " updated_at, version)"
                + " SELECT k, 'ct-' || left(k, 32), 'venue:bench:fill-' || i, leader, cond, token, slug, side, price,"
                + " 20000000, ts, 'follower-' || (i % 8), wallet, wallet, side, price, 10000000, price * 10, st,"
                + " CASE WHEN st = 'SKIPPED' THEN 'EMERGENCY_PAUSE' END, '{}'::jsonb,"
                + " CASE WHEN st = 'EXECUTED' THEN 'sim-' || i END, CASE WHEN st = 'EXECUTED' THEN 10000000 END,"
                + " CASE WHEN st = 'EXECUTED' THEN price * 10 END, CASE WHEN st = 'EXECUTED' THEN 'sim-' || i END,"
                + " false, CASE WHEN st = 'SUBMITTED' THEN '" + STALE_OWNER + "' END,"
                + " CASE WHEN st = 'SUBMITTED' THEN now() - interval '1 hour' - i * interval '1 millisecond' END,"
                + " ts, ts, CASE WHEN st = 'SKIPPED' THEN 0 ELSE 1 END"
                + " FROM (SELECT i, md5(i::text) || md5((i + 1)::text) AS k,"
                + " '0x' || left(md5('leader' || (i % 50)) || md5('LEADER' || (i % 50)), 40) AS leader,"
                + " '0x' || md5('cond' || (i % 500)) || md5('COND' || (i % 500)) AS cond,"
                + " ((i % 500) + 1)::text || '2174263314346390629056905015582842' AS token,"
                + " 'bench-market-' || (i % 500) AS slug,"
                + " CASE WHEN i % 2 = 0 THEN 'BUY' ELSE 'SELL' END AS side,"
                + " ((i % 98) + 1) * 10000 AS price,"
                + " now() - (:rows - i) * interval '1 second' AS ts,"
                + " '0x' || left(md5('wallet' || (i % 8)) || md5('WALLET' || (i % 8)), 40) AS wallet,"
                + " CASE WHEN i % :step = 0 AND i / :step <= :stale THEN 'SUBMITTED'"
                + " WHEN i % 10 = 3 THEN 'SKIPPED' ELSE 'EXECUTED' END AS st"
                + " FROM generate_series(:from, :to) AS i) g";
        int step = rows / stale;
        for (int from = 1; from <= rows; from += FILL_CHUNK) {
            int lo = from;
            int hi = Math.min(rows, from + FILL_CHUNK - 1);
            server.jdbi().useHandle(h -> h.createUpdate(sql).bind("rows", rows).bind("step", step)
                    .bind("stale", stale).bind("from", lo).bind("to", hi).execute());
        }
        vacuum(names);
        JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(counted).dialect(Dialect.POSTGRESQL).tableNames(names)
                .build();
        return new Table(names, rows, stale, new TimedStore(store));
    }

    private void vacuum(TableNames names) {
        server.jdbi().useHandle(h -> h.execute("VACUUM ANALYZE " + names.recordTable()));
    }

    /**
     * Proves the fill is what it claims: the counts by status, and a few rows of each status read back
     * through the store (its mapper validates every field).
     */
    List<String> check(Table t) {
        Map<RecordStatus, Long> counts = t.store().countByStatus();
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        if (total != t.rows() || counts.get(RecordStatus.SUBMITTED) != t.stale()) {
            throw new IllegalStateException(t.name() + " holds " + counts + ", expected " + t.rows() + " rows with "
                    + t.stale() + " SUBMITTED");
        }
        int mapped = 0;
        for (RecordStatus s : List.of(RecordStatus.EXECUTED, RecordStatus.SKIPPED, RecordStatus.SUBMITTED)) {
            for (CopyTradeRecord r : t.store().findByStatus(s, 5)) {
                if (r.status() != s) {
                    throw new IllegalStateException("record " + r.id() + " read back as " + r.status());
                }
                mapped++;
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format("%s: %,d rows %s; %d rows of each status read back through the store's mapper (%d ok)",
                t.name(), total, nonZero(counts), 5, mapped));
        lines.add(String.format("  sizes: table+indexes %s, partial index %s %s", size("pg_total_relation_size", t.name()),
                t.inflightIndex(), size("pg_relation_size", qualifiedIndex(t))));
        return lines;
    }

    private static String nonZero(Map<RecordStatus, Long> counts) {
        StringBuilder sb = new StringBuilder("(");
        counts.forEach((s, n) -> {
            if (n > 0) {
                sb.append(sb.length() > 1 ? ", " : "").append(s).append(' ').append(String.format("%,d", n));
            }
        });
        return sb.append(')').toString();
    }

    private static String qualifiedIndex(Table t) {
        return t.names().schema() == null ? t.inflightIndex() : t.names().schema() + "." + t.inflightIndex();
    }

    private String size(String function, String relation) {
        return server.jdbi().withHandle(h -> h.createQuery("SELECT pg_size_pretty(" + function + "(CAST(:r AS regclass)))")
                .bind("r", relation).mapTo(String.class).one());
    }

    /**
     * EXPLAIN (ANALYZE, BUFFERS) of the claim statement exactly as the store issues it, inside a
     * transaction that is rolled back, so the rows are left as they were (the next reset vacuums the
     * dead versions it made).
     */
    List<String> explainClaim(Table t, int limit) {
        String table = t.name();
        String claim = "WITH stale AS (SELECT id, lease_until AS old_lease FROM " + table
                + " WHERE status IN ('PENDING', 'SUBMITTED') AND lease_until <= :now ORDER BY lease_until, id"
                + " LIMIT :limit FOR UPDATE SKIP LOCKED) UPDATE " + table + " t SET lease_owner = :owner,"
                + " lease_until = :until FROM stale WHERE t.id = stale.id RETURNING t.*, stale.old_lease";
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return server.jdbi().withHandle(h -> {
            h.begin();
            try {
                return h.createQuery("EXPLAIN (ANALYZE, BUFFERS) " + claim).bind("now", now).bind("limit", limit)
                        .bind("owner", "explain").bind("until", now.plusMinutes(2)).mapTo(String.class).list();
            } finally {
                h.rollback();
            }
        });
    }

    /**
     * Puts the stale rows back (the previous sweep expired them), vacuums and analyses, then times one
     * {@link StaleSweeper#runOnce()} against a venue that never saw the orders, so each is proven not
     * found and EXPIRED.
     */
    Sample sweep(Table t) {
        server.jdbi().useHandle(h -> h.createUpdate("UPDATE " + t.name() + " SET status = 'SUBMITTED', reason = NULL,"
                + " last_error = NULL, lease_owner = :owner, lease_until = now() - interval '1 hour' - id * interval"
                + " '1 microsecond', version = version + 1 WHERE status = 'EXPIRED'").bind("owner", STALE_OWNER)
                .execute());
        vacuum(t.names());
        StaleSweeper sweeper = StaleSweeper.builder(t.store(), new SimulatedChainAdapter()).batchSize(100)
                .instanceId("bench-sweeper").build();
        t.store().reset();
        Counts before = counted.snapshot();
        long wal0 = server.walPosition();
        long start = System.nanoTime();
        SweepReport report = sweeper.runOnce();
        long elapsed = System.nanoTime() - start;
        long wal = server.walPosition() - wal0;
        Counts counts = counted.snapshot().minus(before);
        if (report.claimed() != t.stale() || report.expired() != t.stale()) {
            throw new IllegalStateException("sweep of " + t.name() + " claimed " + report.claimed() + " and expired "
                    + report.expired() + ", expected " + t.stale() + ": " + report);
        }
        return new Sample(t, elapsed, t.store().claimNanos(), t.store().claims(), report, counts, wal,
                ServerProbe.loadAverage());
    }
}
