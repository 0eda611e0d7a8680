package dev.copytrade.jdbi.evm;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.evm.EvmChainAdapter;
import dev.copytrade.core.evm.SignerKeys;
import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.sweep.StaleSweeper;
import dev.copytrade.core.sweep.SweepReport;
import dev.copytrade.core.testkit.Concurrently;
import dev.copytrade.core.testkit.Records;
import dev.copytrade.core.testkit.Seeds;
import dev.copytrade.core.testkit.evm.Anvil;
import dev.copytrade.core.testkit.evm.AnvilNode;
import dev.copytrade.core.testkit.evm.EvmRig;
import dev.copytrade.jdbi.JdbiCopyTradeStore;
import dev.copytrade.jdbi.SharedPostgres;
import dev.copytrade.jdbi.TableNames;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bot process killed (SIGKILL) after its transaction was broadcast and before the record could say
 * EXECUTED: on restart the reconciler settles it from the receipt, and nothing is sent again.
 */
class EvmKilledAfterBroadcastTest {

    @Test
    @DisplayName("Scenario: A process killed between broadcast and the EXECUTED write is reconciled from the receipt")
    void killedAfterBroadcast(@TempDir Path dir) throws Exception {
        long seed = Seeds.seed();
        Random random = new Random(seed);
        AnvilNode node = Anvil.shared();
        String key = node.newFundedKey(random);
        Address signer = AnvilNode.addressOf(key);
        Address wallet = EvmRig.recipient(random);
        String followerId = Records.unique("killed");
        String signal = Records.unique("signal");
        TableNames tables = SharedPostgres.freshTables();

        Path stderr = dir.resolve("child-stderr.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                EvmSenderProcess.class.getName(), SharedPostgres.jdbcUrl(), tables.prefix(), node.rpcUrl(),
                wallet.value(), followerId, signal).redirectError(stderr.toFile());
        pb.environment().put(EvmSenderProcess.KEY_VARIABLE, key);
        Process child = pb.start();
        String hash;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            hash = Concurrently.onOtherThread(() -> {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith(EvmSenderProcess.MARKER)) {
                        return line.substring(EvmSenderProcess.MARKER.length()).trim();
                    }
                }
                throw new AssertionError("the child ended before broadcasting: " + Files.readString(stderr));
            }, Concurrently.CHILD_JVM_SECONDS);
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.waitFor(Concurrently.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as("killed by SIGKILL (seed " + seed + ")").isEqualTo(137);

        try (HikariDataSource pool = SharedPostgres.newPool(4);
                EvmChainAdapter adapter = EvmRig.adapter(node, SignerKeys.of(key)).build()) {
            JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(pool).tableNames(tables).build();
            List<CopyTradeRecord> inFlight = store.findByStatus(RecordStatus.SUBMITTED, 10);
            assertThat(inFlight).as("left SUBMITTED, with its hash and nonce stored before the broadcast").hasSize(1);
            CopyTradeRecord left = inFlight.get(0);
            assertThat(left.venueRef()).isEqualTo(hash);
            assertThat(left.nonce()).isZero();
            assertThat(node.awaitMinedCount(signer, 1, Duration.ofSeconds(10)))
                    .as("the broadcast transaction was mined").isEqualTo(1);

            // the restarted process: its sweeper, once the dead process's lease has run out
            Clock later = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(11));
            SweepReport report = StaleSweeper.builder(store, adapter).chainId(node.chainId()).clock(later).build()
                    .runOnce();
            assertThat(report.executed()).isEqualTo(1);
            CopyTradeRecord settled = store.findById(left.id()).orElseThrow();
            assertThat(settled.status()).isEqualTo(RecordStatus.EXECUTED);
            assertThat(settled.fill().venueRef()).isEqualTo(hash);

            // the same trade delivered again after the restart: the record answers, nothing leaves
            Follower follower = EvmRig.follower(followerId, signer, wallet);
            CopyTradeExecutor restarted = CopyTradeExecutor.builder().store(store).chainAdapter(adapter)
                    .chainId(node.chainId()).build();
            CopyResult again = restarted.execute(Records.trade(SignalId.venueFill("evm-kill", signal)), follower);
            assertThat(again.outcome()).isEqualTo(CopyResult.Outcome.DUPLICATE);
            assertThat(node.minedCount(signer)).as("the signer's nonce advanced by exactly one").isEqualTo(1);
            assertThat(node.pendingCount(signer)).isEqualTo(1);
            assertThat(node.balance(wallet)).isEqualTo(EvmRig.weiOf(settled.order().notional()));
        }
    }
}
