package dev.copytrade.jdbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.RecordDraft;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.store.StoreException;
import dev.copytrade.core.testkit.Records;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** PostgreSQL-only behaviour the dialect-neutral contract cannot state. */
class PostgresStoreBehaviourTest {
    private static HikariDataSource pool;

    @BeforeAll
    static void open() {
        pool = SharedPostgres.newPool(8);
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @Test
    @DisplayName("Scenario: A failed batch prewrite commits none of its drafts")
    void failedBatchCommitsNothing() {
        TableNames names = SharedPostgres.freshTables();
        JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(pool).tableNames(names).migrate(true).build();
        // a real server-side failure in the last statement of a batch of two (2,000 rows each, sorted by
        // key): a trigger refuses the draft whose key sorts last
        List<RecordDraft> drafts = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            drafts.add(Records.pending(Records.T0.plusSeconds(600)));
        }
        String last = drafts.stream().map(d -> d.key().value()).max(String::compareTo).orElseThrow();
        Jdbi.create(pool).useHandle(h -> {
            h.execute("CREATE FUNCTION " + names.recordName() + "_poison() RETURNS trigger AS $$ BEGIN"
                    + " IF NEW.idempotency_key = '" + last + "' THEN RAISE EXCEPTION 'poisoned row'; END IF;"
                    + " RETURN NEW; END $$ LANGUAGE plpgsql");
            h.execute("CREATE TRIGGER " + names.recordName() + "_poison BEFORE INSERT ON " + names.recordTable()
                    + " FOR EACH ROW EXECUTE FUNCTION " + names.recordName() + "_poison()");
        });
        assertThatThrownBy(() -> store.prewriteAll(drafts)).isInstanceOf(StoreException.class)
                .hasMessageContaining("poisoned row");
        assertThat(store.countByStatus().values().stream().mapToLong(Long::longValue).sum())
                .as("the first chunk was rolled back with the second").isZero();
    }

    @Test
    @DisplayName("Scenario: The stale claim reads the partial index, not the table")
    void claimUsesThePartialIndex() {
        TableNames names = SharedPostgres.freshTables();
        JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(pool).tableNames(names).migrate(true).build();
        Jdbi jdbi = Jdbi.create(pool);
        List<RecordDraft> drafts = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            drafts.add(i % 100 == 0 ? Records.pending(Records.T0.plusSeconds(60)) : Records.skipped());
        }
        store.prewriteAll(drafts);
        jdbi.useHandle(h -> h.execute("ANALYZE " + names.recordTable()));
        List<String> lines = jdbi.withHandle(h -> h.createQuery("EXPLAIN SELECT id FROM "
                + names.recordTable() + " WHERE status IN ('PENDING', 'SUBMITTED') AND lease_until <= now()"
                + " ORDER BY lease_until, id LIMIT 100 FOR UPDATE SKIP LOCKED").mapTo(String.class).list());
        String plan = String.join("\n", lines);
        assertThat(plan).as(plan).contains(names.recordName() + "_inflight_ix").doesNotContain("Seq Scan");
    }

    @Test
    @DisplayName("Scenario: Processes starting at once migrate the schema once")
    void concurrentMigrationsApplyOnce() throws Exception {
        TableNames names = SharedPostgres.freshTables();
        int processes = 4;
        CyclicBarrier start = new CyclicBarrier(processes);
        ExecutorService threads = Executors.newFixedThreadPool(processes);
        List<Future<?>> runs = new ArrayList<>();
        List<HikariDataSource> pools = new ArrayList<>();
        try {
            for (int i = 0; i < processes; i++) {
                HikariDataSource own = SharedPostgres.newPool(1);
                pools.add(own);
                runs.add(threads.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return JdbiCopyTradeStore.builder(own).tableNames(names).migrate(true).build();
                }));
            }
            for (Future<?> f : runs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdown();
            pools.forEach(HikariDataSource::close);
        }
        List<Integer> versions = Jdbi.create(pool).withHandle(h -> h.createQuery("SELECT version FROM "
                + names.versionTable() + " ORDER BY version").mapTo(Integer.class).list());
        assertThat(versions).hasSize(CopyTradeSchema.MIGRATIONS.size()).doesNotHaveDuplicates();
    }

    @Test
    @DisplayName("Scenario: Stores with different table prefixes share a database without seeing each other's records")
    void prefixesIsolate() {
        JdbiCopyTradeStore a = JdbiCopyTradeStore.builder(pool).tableNames(SharedPostgres.freshTables()).migrate(true)
                .build();
        JdbiCopyTradeStore b = JdbiCopyTradeStore.builder(pool).tableNames(SharedPostgres.freshTables()).migrate(true)
                .build();
        RecordDraft d = Records.pending(Records.T0.plusSeconds(60));
        CopyTradeRecord inA = a.prewrite(d).record();
        assertThat(b.findByKey(d.key())).isEmpty();
        assertThat(b.prewrite(d).inserted()).as("the same key is new to the other prefix").isTrue();
        assertThat(a.findById(inA.id())).contains(inA);
        assertThat(b.countByStatus().get(RecordStatus.PENDING)).isEqualTo(1);
    }
}
