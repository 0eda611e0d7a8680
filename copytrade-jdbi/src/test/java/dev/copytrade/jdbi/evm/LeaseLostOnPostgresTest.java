package dev.copytrade.jdbi.evm;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.cap.Budget;
import dev.copytrade.core.cap.CapPolicy;
import dev.copytrade.core.chain.ChainAdapter;
import dev.copytrade.core.evm.EvmChainAdapter;
import dev.copytrade.core.evm.SignerKeys;
import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.mutex.ScopedTxMutex;
import dev.copytrade.core.mutex.TxScope;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.sim.SimulatedChainAdapter;
import dev.copytrade.core.testkit.Records;
import dev.copytrade.core.testkit.Seeds;
import dev.copytrade.core.testkit.evm.Anvil;
import dev.copytrade.core.testkit.evm.AnvilNode;
import dev.copytrade.core.testkit.evm.EvmRig;
import dev.copytrade.core.testkit.evm.LosesLeaseWhilePreparing;
import dev.copytrade.jdbi.JdbiCapLedger;
import dev.copytrade.jdbi.JdbiCopyTradeStore;
import dev.copytrade.jdbi.JdbiScopedTxMutex;
import dev.copytrade.jdbi.SharedPostgres;
import dev.copytrade.jdbi.TableNames;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The executor's check of the signer's lease right before the send, with the PostgreSQL mutex: the
 * session holding the lease is ended ({@code pg_terminate_backend}) between prepare and broadcast, and
 * another "process" (a second pool) takes the scope, so the executor must not send.
 */
class LeaseLostOnPostgresTest {
    private static final CapPolicy CAPS = CapPolicy.builder().global(Usdc.of("1000")).build();
    private static final Budget GLOBAL = new Budget("usd:global", Usdc.of("1000").micros(), CAPS.moneyWindow());

    private static TableNames tables;
    private static HikariDataSource pool;
    private static HikariDataSource otherProcess;
    private static JdbiScopedTxMutex mutex;
    private static JdbiScopedTxMutex otherMutex;
    private static JdbiCopyTradeStore store;
    private static JdbiCapLedger ledger;
    private static Jdbi admin;

    private final List<Long> tokensOfTheNextHolder = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void open() {
        tables = SharedPostgres.freshTables();
        pool = SharedPostgres.newPool(8);
        otherProcess = SharedPostgres.newPool(2);
        mutex = JdbiScopedTxMutex.builder(pool).tableNames(tables).holder("executor").migrate(true).build();
        otherMutex = JdbiScopedTxMutex.builder(otherProcess).tableNames(tables).holder("other").build();
        store = JdbiCopyTradeStore.builder(pool).tableNames(tables).migrate(true).build();
        ledger = JdbiCapLedger.builder(pool).tableNames(tables).migrate(true).build();
        admin = Jdbi.create(otherProcess);
    }

    @AfterAll
    static void close() {
        pool.close();
        otherProcess.close();
    }

    /** Ends the database session holding {@code scope} (waiting until it is gone), then another process takes it. */
    private void endTheHolderSession(TxScope scope) {
        long key = mutex.lockKey(scope);
        Boolean ended = admin.withHandle(h -> h.createQuery("SELECT bool_and(pg_terminate_backend(pid, 10000))"
                + " FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1"
                + " AND classid::bigint = :hi AND objid::bigint = :lo")
                .bind("hi", key >>> 32).bind("lo", key & 0xffff_ffffL).mapTo(Boolean.class).one());
        assertThat(ended).as("the executor's lease session was found and ended").isTrue();
        try (ScopedTxMutex.Lease next = otherMutex.acquire(scope, Duration.ofSeconds(10))) {
            tokensOfTheNextHolder.add(next.fencingToken());
        }
    }

    private CopyTradeExecutor executor(ChainAdapter adapter, long chainId) {
        return CopyTradeExecutor.builder().store(store).caps(ledger, CAPS).chainAdapter(adapter).mutex(mutex)
                .chainId(chainId).instanceId("lease-lost-pg").build();
    }

    /** The lost order's record, after the checks every adapter shares. */
    private CopyTradeRecord assertLost(CopyResult lost, LosesLeaseWhilePreparing adapter, long usedBefore, long seed) {
        assertThat(lost.outcome()).as("outcome (seed " + seed + ")").isEqualTo(CopyResult.Outcome.FAILED);
        CopyTradeRecord r = store.findById(lost.record().id()).orElseThrow();
        assertThat(r.status()).isEqualTo(RecordStatus.FAILED);
        assertThat(r.reason()).isEqualTo(ReasonCode.SIGNER_LEASE_LOST);
        assertThat(adapter.notSent).extracting(p -> p.request().recordId()).containsExactly(r.id());
        assertThat(tokensOfTheNextHolder).as("another process held the scope meanwhile").hasSize(1);
        assertThat(used()).as("the reservation was given back").isEqualTo(usedBefore);
        return r;
    }

    private static long used() {
        return ledger.used(GLOBAL, java.time.Instant.now());
    }

    @Test
    @DisplayName("Scenario: A lease whose database session ended before the send sends nothing")
    void simulatedVenue() {
        long seed = Seeds.seed();
        SimulatedChainAdapter venue = new SimulatedChainAdapter();
        LosesLeaseWhilePreparing adapter = new LosesLeaseWhilePreparing(venue, this::endTheHolderSession);
        Follower follower = Records.follower();
        try (CopyTradeExecutor executor = executor(adapter, 137)) {
            long before = used();
            assertLost(executor.execute(Records.trade(), follower), adapter, before, seed);
            assertThat(venue.submitCalls()).as("the venue was never called").isZero();

            CopyResult next = executor.execute(Records.trade(), follower);
            assertThat(next.outcome()).as("a fresh lease sends").isEqualTo(CopyResult.Outcome.EXECUTED);
            assertThat(venue.submitCalls()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("Scenario: A lease whose database session ended before the broadcast leaves no transaction and no gap")
    void evmChain() throws Exception {
        long seed = Seeds.seed();
        Random random = new Random(seed);
        AnvilNode node = Anvil.shared();
        String key = node.newFundedKey(random);
        Address signer = AnvilNode.addressOf(key);
        Follower follower = EvmRig.follower(signer, EvmRig.recipient(random));
        try (EvmChainAdapter evm = EvmRig.adapter(node, SignerKeys.of(key)).build();
                CopyTradeExecutor executor = executor(
                        new LosesLeaseWhilePreparing(evm, this::endTheHolderSession), node.chainId())) {
            LosesLeaseWhilePreparing adapter = (LosesLeaseWhilePreparing) executor.chainAdapter();
            long before = used();
            CopyTradeRecord lost = assertLost(executor.execute(Records.trade(), follower), adapter, before, seed);
            assertThat(lost.nonce()).isZero();
            assertThat(node.pendingCount(signer)).as("nothing reached the node").isZero();

            CopyResult next = executor.execute(Records.trade(), follower);
            assertThat(next.outcome()).isEqualTo(CopyResult.Outcome.EXECUTED);
            assertThat(next.record().nonce()).as("the unsent nonce is used: no gap").isZero();
            assertThat(node.awaitMinedCount(signer, 1, Duration.ofSeconds(10))).isEqualTo(1);
        }
    }
}
