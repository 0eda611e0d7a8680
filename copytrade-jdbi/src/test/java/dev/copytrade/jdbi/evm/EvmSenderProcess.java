package dev.copytrade.jdbi.evm;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.chain.PreparedOrder;
import dev.copytrade.core.chain.SubmitResult;
import dev.copytrade.core.evm.EvmChainAdapter;
import dev.copytrade.core.evm.SignerKeys;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.testkit.Records;
import dev.copytrade.core.testkit.evm.EvmRig;
import dev.copytrade.core.testkit.evm.ForwardingChainAdapter;
import dev.copytrade.jdbi.CopyTradeDataSources;
import dev.copytrade.jdbi.JdbiCopyTradeStore;
import dev.copytrade.jdbi.JdbiScopedTxMutex;
import dev.copytrade.jdbi.TableNames;
import dev.copytrade.core.testkit.evm.AnvilNode;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A bot process for the kill test, run in a JVM of its own: copies one trade through the EVM adapter and
 * the PostgreSQL store, and once the transaction is broadcast — before the SUBMITTED → EXECUTED write —
 * prints {@link #MARKER} and the hash and stops there until it is killed. Arguments: JDBC URL, table
 * prefix, RPC URL, wallet, follower id, signal id; the signer key comes in {@code EVM_SIGNER_KEY}.
 */
public final class EvmSenderProcess {
    static final String MARKER = "BROADCAST ";
    static final String KEY_VARIABLE = "EVM_SIGNER_KEY";

    private EvmSenderProcess() {}

    public static void main(String[] args) throws Exception {
        HikariDataSource pool = CopyTradeDataSources.pool(args[0], "postgres", null, 4);
        TableNames tables = new TableNames(null, args[1]);
        JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(pool).tableNames(tables).migrate(true).build();
        JdbiScopedTxMutex mutex = JdbiScopedTxMutex.builder(CopyTradeDataSources.pool(args[0], "postgres", null, 2))
                .tableNames(tables).holder("child-" + ProcessHandle.current().pid()).build();
        SignerKeys keys = SignerKeys.fromEnvironment(KEY_VARIABLE);
        EvmChainAdapter evm = EvmRig.adapter(args[2], keys).build();
        Address signer = keys.signers().iterator().next();
        Follower follower = EvmRig.follower(args[4], signer, Address.of(args[3]));
        CopyTradeExecutor executor = CopyTradeExecutor.builder().store(store).mutex(mutex)
                .chainAdapter(new ForwardingChainAdapter(evm) {
                    @Override
                    public SubmitResult awaitOutcome(PreparedOrder order, SubmitResult.Unknown sent) {
                        System.out.println(MARKER + order.venueRef());
                        System.out.flush();
                        try {
                            // never counted down: the process is killed here, the receipt never read
                            new CountDownLatch(1).await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return sent;
                    }
                }).chainId(AnvilNode.CHAIN_ID).instanceId("child").lockTimeout(Duration.ofSeconds(30)).build();
        executor.execute(Records.trade(SignalId.venueFill("evm-kill", args[5])), follower);
    }

}
