package dev.copytrade.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.cap.Budget;
import dev.copytrade.core.cap.BudgetWindow;
import dev.copytrade.core.debt.Debt;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.testkit.Debts;
import dev.copytrade.core.testkit.Records;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * H2 (2.3) honours {@code FOR UPDATE SKIP LOCKED}: while one connection holds a row lock, another's claim
 * returns the other rows at once instead of waiting. The holder runs with a long lock timeout on the
 * claimer's side, so a claim that waited would fail with H2's lock timeout rather than pass slowly.
 */
class H2SkipLockedTest {
    private static final Instant NOW = Records.T0.plus(Duration.ofDays(1));
    private HikariDataSource pool;
    private HikariDataSource holderPool;

    @BeforeEach
    void open() {
        String database = "skip-locked-" + UUID.randomUUID();
        pool = H2.pool(database, 4);
        holderPool = H2.pool(database, 2);
    }

    @AfterEach
    void close() {
        pool.close();
        holderPool.close();
    }

    /** A connection of the other pool, in a transaction that holds the lock on {@code table}'s row {@code key}. */
    private Connection lockRow(String table, String column, Object key) throws SQLException {
        Connection c = holderPool.getConnection();
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM " + table + " WHERE " + column
                + " = ? FOR UPDATE")) {
            ps.setObject(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("the row to hold exists").isTrue();
            }
        }
        return c;
    }

    @Test
    @DisplayName("Scenario: H2 skips a row another connection holds and returns the others at once")
    void h2SkipsLockedRows() throws SQLException {
        try (Connection setup = pool.getConnection(); Statement st = setup.createStatement()) {
            st.execute("CREATE TABLE probe (id INT PRIMARY KEY, v INT)");
            st.execute("INSERT INTO probe VALUES (1, 0), (2, 0), (3, 0), (4, 0), (5, 0)");
        }
        try (Connection holder = lockRow("probe", "id", 2); Connection updater = holderPool.getConnection();
                Connection claimer = pool.getConnection()) {
            updater.setAutoCommit(false);
            try (Statement st = updater.createStatement()) {
                st.executeUpdate("UPDATE probe SET v = 1 WHERE id = 4");  // an uncommitted write locks too
            }
            claimer.setAutoCommit(false);
            try (Statement st = claimer.createStatement()) {
                st.execute("SET LOCK_TIMEOUT 30000");
                List<Integer> got = new ArrayList<>();
                try (ResultSet rs = st.executeQuery("SELECT id FROM probe ORDER BY id LIMIT 3 FOR UPDATE SKIP LOCKED")) {
                    while (rs.next()) {
                        got.add(rs.getInt(1));
                    }
                }
                assertThat(got).as("the held rows skipped, the limit filled from the rest").containsExactly(1, 3, 5);
            }
            claimer.rollback();
            holder.rollback();
            updater.rollback();
        }
    }

    @Test
    @DisplayName("Scenario: An H2 stale claim skips a record another connection holds")
    void staleClaimSkipsAHeldRecord() throws SQLException {
        JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(pool).migrate(true).build();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(store.prewrite(Records.pending(Records.T0.plusSeconds(i))).record().id());
        }
        try (Connection holder = lockRow(TableNames.defaults().recordTable(), "id", ids.get(1))) {
            List<CopyTradeRecord> claimed = store.claimStale(NOW, 10, "sweeper-a", NOW.plusSeconds(60));
            assertThat(claimed).extracting(CopyTradeRecord::id).containsExactly(ids.get(0), ids.get(2), ids.get(3));
            holder.rollback();
        }
        assertThat(store.claimStale(NOW, 10, "sweeper-b", NOW.plusSeconds(60))).extracting(CopyTradeRecord::id)
                .as("released by its holder, the skipped record is claimed next").containsExactly(ids.get(1));
    }

    @Test
    @DisplayName("Scenario: An H2 debt claim skips a debt another connection holds")
    void debtClaimSkipsAHeldDebt() throws SQLException {
        JdbiDebtLedger ledger = JdbiDebtLedger.builder(pool).migrate(true).build();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(ledger.accrue(Debts.draft(Records.T0.plusSeconds(i))).debt().id());
        }
        try (Connection holder = lockRow(TableNames.defaults().debtTable(), "id", ids.get(2))) {
            List<Debt> claimed = ledger.claimDue(NOW, 10, "loop-a", NOW.plusSeconds(60));
            assertThat(claimed).extracting(Debt::id).containsExactly(ids.get(0), ids.get(1), ids.get(3));
            holder.rollback();
        }
        assertThat(ledger.claimDue(NOW, 10, "loop-b", NOW.plusSeconds(60))).extracting(Debt::id)
                .containsExactly(ids.get(2));
    }

    @Test
    @DisplayName("Scenario: H2 expiry of cap reservations skips a reservation another connection holds")
    void expirySkipsAHeldReservation() throws SQLException {
        JdbiCapLedger ledger = JdbiCapLedger.builder(pool).migrate(true).build();
        Budget day = new Budget("skip:" + UUID.randomUUID(), 1_000, BudgetWindow.utcDay());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String id = "skip-" + i + "-" + UUID.randomUUID();
            ledger.reserve(id, List.of(day), 10, Records.T0, Records.T0.plusSeconds(i));
            ids.add(id);
        }
        try (Connection holder = lockRow(TableNames.defaults().capReservationTable(), "reservation_id", ids.get(0))) {
            assertThat(ledger.releaseExpired(NOW, 10)).as("three released, the held one skipped").isEqualTo(3);
            holder.rollback();
        }
        assertThat(ledger.used(day, Records.T0)).isEqualTo(10);
        assertThat(ledger.releaseExpired(NOW, 10)).isEqualTo(1);
        assertThat(ledger.used(day, Records.T0)).isZero();
    }
}
