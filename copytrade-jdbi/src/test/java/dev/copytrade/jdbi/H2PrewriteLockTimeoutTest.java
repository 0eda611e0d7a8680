package dev.copytrade.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.RecordDraft;
import dev.copytrade.core.store.PrewriteResult;
import dev.copytrade.core.testkit.Concurrently;
import dev.copytrade.core.testkit.Records;
import java.sql.Connection;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * H2 makes an insert wait for another transaction's uncommitted change to the same unique key for at most
 * its lock timeout (2 s by default) and then fails it (SQLState HYT00). Nothing was written, so the store
 * tries again rather than failing a delivery whose competitor was merely slow.
 */
class H2PrewriteLockTimeoutTest {

    @Test
    @DisplayName("Scenario: An H2 prewrite that outwaits the lock timeout on its key tries again")
    void prewriteOutlastsAHolderSlowerThanTheLockTimeout() throws Exception {
        String database = "prewrite-lock-" + UUID.randomUUID();
        try (HikariDataSource pool = H2.pool(database, 2); HikariDataSource holderPool = H2.pool(database, 1)) {
            JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(pool).migrate(true).build();
            RecordDraft draft = Records.pending(Records.T0.plusSeconds(600));
            CopyTradeRecord original = store.prewrite(draft).record();

            try (Connection holder = holderPool.getConnection(); Statement st = holder.createStatement()) {
                // another transaction is inserting the same key (its row taken out and put back uncommitted)
                // and stalls for 3 s, longer than H2's 2 s lock timeout, before it commits
                String key = "'" + draft.key().value() + "'";
                st.execute("CREATE TABLE stash AS SELECT * FROM copytrade_record WHERE idempotency_key = " + key);
                st.execute("DELETE FROM copytrade_record WHERE idempotency_key = " + key);
                holder.setAutoCommit(false);
                assertThat(st.executeUpdate("INSERT INTO copytrade_record SELECT * FROM stash")).isEqualTo(1);
                CompletableFuture<PrewriteResult> again = CompletableFuture.supplyAsync(() -> store.prewrite(draft));
                Thread.sleep(3_000);  // the holder's stall, longer than H2's lock timeout
                holder.commit();

                PrewriteResult result = again.get(Concurrently.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertThat(result.inserted()).as("the key's record came back: a duplicate, not a failure").isFalse();
                assertThat(result.record().id()).isEqualTo(original.id());
            }
        }
    }
}
