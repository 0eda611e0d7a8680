package dev.copytrade.core.evm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copytrade.core.chain.LookupResult;
import dev.copytrade.core.chain.OrderLookup;
import dev.copytrade.core.chain.OrderRequest;
import dev.copytrade.core.chain.PreparedOrder;
import dev.copytrade.core.chain.SubmitResult;
import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.sweep.StaleSweeper;
import dev.copytrade.core.sweep.SweepReport;
import dev.copytrade.core.testkit.Records;
import dev.copytrade.core.testkit.Seeds;
import dev.copytrade.core.testkit.evm.Anvil;
import dev.copytrade.core.testkit.evm.AnvilNode;
import dev.copytrade.core.testkit.evm.EvmRig;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Confirmation depth: a receipt counts only once its block is deep enough and still canonical. A node of
 * its own that mines only on demand, where {@code anvil_reorg} replaces the latest blocks by empty ones.
 */
class EvmReorgTest {
    private static final long SEED = Seeds.seed();
    private static final Random RANDOM = new Random(SEED);
    private static final Duration TTL = Duration.ofMinutes(10);
    private static final int DEPTH = 3;
    private static AnvilNode node;

    private final SettableClock clock = new SettableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryCopyTradeStore store = new InMemoryCopyTradeStore();

    @BeforeAll
    static void start() {
        node = Anvil.start(AnvilNode.Mining.MANUAL, Duration.ZERO);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static String seeded() {
        return " (seed " + SEED + ")";
    }

    private static EvmChainAdapter adapter(String key) {
        return EvmRig.adapter(node, SignerKeys.of(key)).confirmations(DEPTH).receiptWait(Duration.ofMillis(300))
                .build();
    }

    private static void mine(int blocks) {
        for (int i = 0; i < blocks; i++) {
            node.mine();
        }
    }

    /** The latest {@code depth} blocks are replaced by as many empty ones: their transactions are gone. */
    private static void reorg(int depth) {
        node.call("anvil_reorg", depth, List.of());
    }

    /** One sweep, once every lease has run out. */
    private SweepReport sweep(EvmChainAdapter adapter) {
        clock.advance(TTL.plusSeconds(1));
        return StaleSweeper.builder(store, adapter).chainId(node.chainId()).clock(clock).build().runOnce();
    }

    @Test
    @DisplayName("Scenario: A receipt counts only once its block is deep enough")
    void shallowReceiptIsNotAnOutcome() {
        String key = node.newFundedKey(RANDOM);
        Address signer = AnvilNode.addressOf(key);
        Follower follower = EvmRig.follower(signer, EvmRig.recipient(RANDOM));
        try (EvmChainAdapter adapter = adapter(key)) {
            CopyTradeRecord r = store.prewrite(Records.pending(Records.trade(), follower, Map.of(), Records.OWNER,
                    Records.T0.plusSeconds(600))).record();
            PreparedOrder p = adapter.prepare(new OrderRequest(r.id(), r.key(), r.clientOrderId(), r.order(),
                    r.wallet(), r.signer(), node.chainId(), 1));
            SubmitResult sent = adapter.send(p);
            assertThat(sent).isInstanceOf(SubmitResult.Unknown.class);
            mine(1);

            SubmitResult oneDeep = adapter.awaitOutcome(p, (SubmitResult.Unknown) sent);
            assertThat(oneDeep).as("mined one block deep" + seeded()).isInstanceOfSatisfying(SubmitResult.Unknown.class,
                    u -> assertThat(u.reason()).contains("1 of 3 confirmations"));
            OrderLookup lookup = new OrderLookup(r.clientOrderId(), p.venueRef(), p.nonce(), signer, node.chainId(),
                    r.order(), List.of());
            assertThat(adapter.lookup(lookup)).isInstanceOf(LookupResult.Unknown.class);

            mine(DEPTH - 1);
            assertThat(adapter.awaitOutcome(p, (SubmitResult.Unknown) sent)).isInstanceOf(SubmitResult.Confirmed.class);
            assertThat(adapter.lookup(lookup)).isInstanceOf(LookupResult.Filled.class);
        }
        assertThatThrownBy(() -> EvmRig.adapter(node, SignerKeys.of(key)).confirmations(0).build())
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("confirmations");
    }

    @Test
    @DisplayName("Scenario: A transaction reorged out before the confirmation depth is sent again and executed once")
    void reorgedOutIsNotExecutedUntilItIsDeepAgain() throws Exception {
        String key = node.newFundedKey(RANDOM);
        Address signer = AnvilNode.addressOf(key);
        Address wallet = EvmRig.recipient(RANDOM);
        try (EvmChainAdapter adapter = adapter(key)) {
            CopyTradeExecutor executor = CopyTradeExecutor.builder().store(store).chainAdapter(adapter)
                    .chainId(node.chainId()).clock(clock).inFlightTtl(TTL).instanceId("reorg").build();
            CopyResult sent = executor.execute(Records.trade(), EvmRig.follower(signer, wallet));
            assertThat(sent.outcome()).as("not mined in the wait" + seeded()).isEqualTo(CopyResult.Outcome.IN_FLIGHT);
            long id = sent.record().id();
            String hash = store.findById(id).orElseThrow().venueRef();

            mine(DEPTH - 1);
            assertThat(node.minedCount(signer)).isEqualTo(1);
            assertThat(sweep(adapter).executed()).as("two blocks deep: not yet").isZero();
            assertThat(store.findById(id).orElseThrow().status()).as("the reconciler could not tell yet; re-checked later")
                    .isEqualTo(RecordStatus.UNKNOWN);

            reorg(DEPTH - 1);
            assertThat(node.minedCount(signer)).as("reorged out").isZero();
            assertThat(node.web3j().ethGetTransactionReceipt(hash).send().getTransactionReceipt()).isEmpty();
            SweepReport afterReorg = sweep(adapter);
            assertThat(afterReorg.executed()).isZero();
            CopyTradeRecord waiting = store.findById(id).orElseThrow();
            assertThat(waiting.status()).as("not expired: its nonce is free, not used by another transaction")
                    .isEqualTo(RecordStatus.UNKNOWN);
            assertThat(node.pendingCount(signer)).as("the lookup sent the identical bytes again").isEqualTo(1);

            mine(1);
            assertThat(sweep(adapter).executed()).as("re-included, one block deep").isZero();
            mine(DEPTH - 1);
            SweepReport deep = sweep(adapter);
            assertThat(deep.executed()).as(deep.toString()).isEqualTo(1);
            CopyTradeRecord settled = store.findById(id).orElseThrow();
            assertThat(settled.status()).isEqualTo(RecordStatus.EXECUTED);
            assertThat(settled.fill().venueRef()).isEqualTo(hash);
            assertThat(node.minedCount(signer)).as("executed once").isEqualTo(1);
            assertThat(node.balance(wallet)).isEqualTo(EvmRig.weiOf(settled.order().notional()));
        }
    }
}
