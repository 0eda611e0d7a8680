package dev.copytrade.jdbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.mutex.TxScope;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.store.StoreException;
import dev.copytrade.core.testkit.Records;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What the mutex refuses and how it fails, apart from the contract and the cross-process behaviour. */
class JdbiScopedTxMutexBehaviourTest {

    @Test
    @DisplayName("Scenario: A lease timeout is refused where the database cannot enforce it")
    void leaseTimeoutNeedsPostgres() {
        try (HikariDataSource h2 = H2.newPool()) {
            assertThatThrownBy(() -> JdbiScopedTxMutex.builder(h2).migrate(true).leaseTimeout(Duration.ofSeconds(30))
                    .build()).isInstanceOf(InvalidInputException.class)
                    .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("leaseTimeout"))
                    .hasMessageContaining("PostgreSQL 14");
        }
        try (HikariDataSource pg = SharedPostgres.newPool(2)) {
            assertThatThrownBy(() -> JdbiScopedTxMutex.builder(pg).tableNames(SharedPostgres.freshTables())
                    .leaseTimeout(Duration.ofMillis(10)).build()).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("leaseTimeout").hasMessageContaining("PT0.01S");
            JdbiScopedTxMutex ok = JdbiScopedTxMutex.builder(pg).tableNames(SharedPostgres.freshTables())
                    .leaseTimeout(Duration.ofSeconds(30)).build();
            assertThat(ok.leaseTimeout()).contains(Duration.ofSeconds(30));
        }
    }

    @Test
    @DisplayName("bad configuration and bad arguments are refused naming the field")
    void badInputNamesTheField() {
        assertThatThrownBy(() -> JdbiScopedTxMutex.builder(null)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("dataSource:");
        try (HikariDataSource h2 = H2.newPool()) {
            assertThatThrownBy(() -> JdbiScopedTxMutex.builder(h2).holder(" ").build())
                    .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("holder:");
            assertThatThrownBy(() -> JdbiScopedTxMutex.builder(h2).holder("a\nb").build())
                    .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("holder:");
            assertThatThrownBy(() -> JdbiScopedTxMutex.builder(h2).clock(null).build())
                    .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("clock:");
            JdbiScopedTxMutex mutex = JdbiScopedTxMutex.builder(h2).migrate(true).holder("bot-1").build();
            assertThat(mutex.holder()).isEqualTo("bot-1");
            assertThat(mutex.dialect()).isEqualTo(Dialect.H2);
            assertThatThrownBy(() -> mutex.acquire(null, Duration.ZERO)).isInstanceOf(InvalidInputException.class)
                    .hasMessageStartingWith("scope:");
            assertThatThrownBy(() -> mutex.acquire(TxScope.of("x"), Duration.ofMillis(-1)))
                    .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("timeout:");
            assertThatThrownBy(() -> mutex.tryAcquire(null)).isInstanceOf(InvalidInputException.class)
                    .hasMessageStartingWith("scope:");
        }
    }

    @Test
    @DisplayName("Scenario: A database failure while taking the signer lock fails the record and sends nothing")
    void unreachableMutexDatabaseFailsTheRecord() {
        TableNames tables = SharedPostgres.freshTables();
        SettableClock clock = new SettableClock(Records.T0);
        SimulatedChainAdapter venue = new SimulatedChainAdapter(clock, Duration.ZERO);
        try (HikariDataSource storePool = SharedPostgres.newPool(2); HikariDataSource mutexPool = SharedPostgres.newPool(2)) {
            JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(storePool).tableNames(tables).migrate(true).build();
            JdbiScopedTxMutex mutex = JdbiScopedTxMutex.builder(mutexPool).tableNames(tables).build();
            mutexPool.close();

            TxScope scope = TxScope.of("unreachable");
            assertThatThrownBy(() -> mutex.acquire(scope, Duration.ofSeconds(1))).isInstanceOf(StoreException.class)
                    .hasMessageContaining("unreachable");
            assertThatThrownBy(() -> mutex.tryAcquire(scope)).isInstanceOf(StoreException.class);

            try (CopyTradeExecutor ex = CopyTradeExecutor.builder().store(store).chainAdapter(venue).mutex(mutex)
                    .clock(clock).build()) {
                CopyResult r = ex.execute(Records.trade(), Records.follower());
                assertThat(r.outcome()).isEqualTo(CopyResult.Outcome.FAILED);
                assertThat(r.record().status()).isEqualTo(RecordStatus.FAILED);
                assertThat(r.record().reason()).isEqualTo(ReasonCode.SIGNER_LOCK_TIMEOUT);
                assertThat(venue.submitCalls()).as("nothing was sent").isZero();
            }
        }
    }
}
