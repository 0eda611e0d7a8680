package dev.copytrade.jdbi.evm;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.evm.EvmChainAdapter;
import dev.copytrade.core.evm.SignerKeys;
import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.testkit.Records;
import dev.copytrade.core.testkit.Seeds;
import dev.copytrade.core.testkit.evm.Anvil;
import dev.copytrade.core.testkit.evm.AnvilNode;
import dev.copytrade.core.testkit.evm.EvmRig;
import dev.copytrade.jdbi.JdbiCopyTradeStore;
import dev.copytrade.jdbi.JdbiScopedTxMutex;
import dev.copytrade.jdbi.SharedPostgres;
import dev.copytrade.jdbi.TableNames;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.methods.response.Transaction;

/**
 * Two bot processes (two connection pools, each with its own store, PostgreSQL mutex and EVM adapter,
 * so each has its own nonce allocator) copy for followers on eight shared signers against one anvil
 * node that mines a block a second (auto-mining stalls under concurrent senders).
 */
class EvmSignersAcrossProcessesTest {
    private static final int SIGNERS = 8;
    private static final int TRANSFERS_PER_SIGNER = 200;
    private static final int THREADS_PER_PROCESS = 4;

    @Test
    @DisplayName("Scenario: Eight signers shared by two processes send every transfer once with contiguous nonces")
    void eightSignersTwoProcesses() throws Exception {
        long seed = Seeds.seed();
        Random random = new Random(seed);
        TableNames tables = SharedPostgres.freshTables();
        try (AnvilNode node = Anvil.start(AnvilNode.Mining.INTERVAL, Duration.ofSeconds(1));
                HikariDataSource poolA = SharedPostgres.newPool(SIGNERS * THREADS_PER_PROCESS + 2);
                HikariDataSource poolB = SharedPostgres.newPool(SIGNERS * THREADS_PER_PROCESS + 2);
                // each held lease keeps a connection: the mutexes get pools of their own, or the store starves
                HikariDataSource locksA = SharedPostgres.newPool(SIGNERS + 1);
                HikariDataSource locksB = SharedPostgres.newPool(SIGNERS + 1)) {
            List<String> keys = new ArrayList<>();
            List<Follower> followers = new ArrayList<>();
            for (int s = 0; s < SIGNERS; s++) {
                String key = node.newFundedKey(random);
                keys.add(key);
                followers.add(EvmRig.follower(AnvilNode.addressOf(key), EvmRig.recipient(random)));
            }
            SignerKeys signerKeys = SignerKeys.of(keys);
            try (EvmChainAdapter adapterA = EvmRig.adapter(node, signerKeys).receiptWait(Duration.ofSeconds(60))
                            .receiptPoll(Duration.ofMillis(200)).build();
                    EvmChainAdapter adapterB = EvmRig.adapter(node, signerKeys).receiptWait(Duration.ofSeconds(60))
                            .receiptPoll(Duration.ofMillis(200)).build();
                    CopyTradeExecutor a = process(poolA, locksA, tables, adapterA, "A");
                    CopyTradeExecutor b = process(poolB, locksB, tables, adapterB, "B")) {
                List<CopyTradeExecutor> processes = List.of(a, b);
                int workers = 2 * THREADS_PER_PROCESS;
                // each worker copies its share of the leader trades for all eight followers at once
                ExecutorService threads = Executors.newFixedThreadPool(workers);
                List<Future<Map<CopyResult.Outcome, Integer>>> runs = new ArrayList<>();
                List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
                long started = System.nanoTime();
                for (int worker = 0; worker < workers; worker++) {
                    int w = worker;
                    runs.add(threads.submit(() -> {
                        Map<CopyResult.Outcome, Integer> c = new EnumMap<>(CopyResult.Outcome.class);
                        for (int t = w; t < TRANSFERS_PER_SIGNER; t += workers) {
                            for (CopyResult r : processes.get(w % 2).executeAll(Records.trade(), followers)) {
                                c.merge(r.outcome(), 1, Integer::sum);
                                if (r.outcome() != CopyResult.Outcome.EXECUTED) {
                                    problems.add(r.outcome() + " " + (r.record() == null ? null : r.record().lastError())
                                            + " " + r.error());
                                }
                            }
                        }
                        return c;
                    }));
                }
                Map<CopyResult.Outcome, Integer> outcomes = new EnumMap<>(CopyResult.Outcome.class);
                for (Future<Map<CopyResult.Outcome, Integer>> run : runs) {
                    // bounded far above the ~30 blocks a passing run needs, so a stall fails instead of hanging
                    run.get(10, TimeUnit.MINUTES).forEach((k, v) -> outcomes.merge(k, v, Integer::sum));
                }
                threads.shutdown();
                System.out.printf("%d transfers from 8 signers, 2 processes × %d threads: %d ms%n",
                        SIGNERS * TRANSFERS_PER_SIGNER, THREADS_PER_PROCESS,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                String ctx = "seed " + seed + ", outcomes " + outcomes + " " + problems;
                assertThat(outcomes).as(ctx).containsOnlyKeys(CopyResult.Outcome.EXECUTED)
                        .containsEntry(CopyResult.Outcome.EXECUTED, SIGNERS * TRANSFERS_PER_SIGNER);

                JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(poolA).tableNames(tables).build();
                List<CopyTradeRecord> executed = all(store, RecordStatus.EXECUTED);
                assertThat(executed).as(ctx).hasSize(SIGNERS * TRANSFERS_PER_SIGNER);
                assertThat(executed).as("no nonce error on any record").allSatisfy(r -> assertThat(r.lastError()).isNull());
                Set<String> hashes = new HashSet<>();
                Map<Address, Set<Long>> nonces = new HashMap<>();
                for (CopyTradeRecord r : executed) {
                    assertThat(hashes.add(r.venueRef())).as("one transaction per record: " + r.venueRef()).isTrue();
                    nonces.computeIfAbsent(r.signer(), s -> new TreeSet<>()).add(r.nonce());
                }
                for (Follower f : followers) {
                    Address signer = f.signer();
                    assertThat(node.minedCount(signer)).as(ctx + " mined for " + signer + ": nothing sent twice")
                            .isEqualTo(TRANSFERS_PER_SIGNER);
                    assertThat(nonces.get(signer)).as(ctx + " nonces of " + signer)
                            .containsExactlyElementsOf(LongStream.range(0, TRANSFERS_PER_SIGNER).boxed().toList());
                    BigInteger perTransfer = EvmRig.weiOf(executed.get(0).order().notional());
                    assertThat(node.balance(f.wallet())).as("each transfer paid once to " + f.wallet())
                            .isEqualTo(perTransfer.multiply(BigInteger.valueOf(TRANSFERS_PER_SIGNER)));
                }
                // on chain: every recorded hash is mined from its signer with the recorded nonce
                for (CopyTradeRecord r : executed) {
                    Transaction tx = node.web3j().ethGetTransactionByHash(r.venueRef()).send().getTransaction()
                            .orElseThrow();
                    assertThat(tx.getFrom()).isEqualTo(r.signer().value());
                    assertThat(tx.getNonce().longValueExact()).as("on-chain nonce of record " + r.id())
                            .isEqualTo(r.nonce());
                    assertThat(tx.getBlockNumber()).isNotNull();
                }
            }
        }
    }

    private static CopyTradeExecutor process(HikariDataSource pool, HikariDataSource locks, TableNames tables,
            EvmChainAdapter adapter, String id) {
        JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(pool).tableNames(tables).migrate(true).build();
        JdbiScopedTxMutex mutex = JdbiScopedTxMutex.builder(locks).tableNames(tables).holder("process-" + id).build();
        return CopyTradeExecutor.builder().store(store).chainAdapter(adapter).mutex(mutex)
                .chainId(AnvilNode.CHAIN_ID).instanceId(id).lockTimeout(Duration.ofSeconds(60)).parallelism(SIGNERS * THREADS_PER_PROCESS)
                .build();
    }

    private static List<CopyTradeRecord> all(JdbiCopyTradeStore store, RecordStatus status) {
        List<CopyTradeRecord> out = new ArrayList<>();
        long after = 0;
        while (true) {
            List<CopyTradeRecord> page = store.findByStatus(status, after, 500);
            out.addAll(page);
            if (page.size() < 500) {
                return out;
            }
            after = page.get(page.size() - 1).id();
        }
    }
}
