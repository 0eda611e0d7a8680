package dev.copytrade.core.evm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.chain.ChainAdapter;
import dev.copytrade.core.chain.LookupResult;
import dev.copytrade.core.chain.OrderLookup;
import dev.copytrade.core.chain.OrderRequest;
import dev.copytrade.core.chain.PreparedOrder;
import dev.copytrade.core.chain.SubmitResult;
import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.mutex.LocalScopedTxMutex;
import dev.copytrade.core.mutex.TxScope;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.record.Transition;
import dev.copytrade.core.store.CopyTradeStore;
import dev.copytrade.core.store.TransitionResult;
import dev.copytrade.core.sweep.StaleSweeper;
import dev.copytrade.core.sweep.SweepReport;
import dev.copytrade.core.testkit.Concurrently;
import dev.copytrade.core.testkit.ForwardingStore;
import dev.copytrade.core.testkit.Records;
import dev.copytrade.core.testkit.RevocableScopedTxMutex;
import dev.copytrade.core.testkit.Seeds;
import dev.copytrade.core.testkit.evm.Anvil;
import dev.copytrade.core.testkit.evm.AnvilNode;
import dev.copytrade.core.testkit.evm.EvmRig;
import dev.copytrade.core.testkit.evm.ForwardingChainAdapter;
import dev.copytrade.core.time.SettableClock;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What needs blocks on demand: receipts that do not come in time, the same bytes sent twice, and a
 * transaction stuck under a base fee that rose past its cap. A node of its own, mining only on
 * {@link AnvilNode#mine()}.
 */
class EvmManualMiningTest {
    private static final long SEED = Seeds.seed();
    private static final Random RANDOM = new Random(SEED);
    private static final Duration TTL = Duration.ofMinutes(10);
    private static AnvilNode node;

    private final SettableClock clock = new SettableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryCopyTradeStore store = new InMemoryCopyTradeStore();
    private final LocalScopedTxMutex mutex = new LocalScopedTxMutex();

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

    private EvmChainAdapter adapter(String key, Duration receiptWait) {
        // fees read fresh for every transaction: the tests move the base fee
        return EvmRig.adapter(node, SignerKeys.of(key)).receiptWait(receiptWait)
                .fees(FeeProvider.fromNode(Duration.ZERO)).build();
    }

    private CopyTradeExecutor executor(ChainAdapter adapter) {
        return CopyTradeExecutor.builder().store(store).chainAdapter(adapter).mutex(mutex).chainId(node.chainId())
                .clock(clock).inFlightTtl(TTL).instanceId("manual-mining-executor").build();
    }

    private StaleSweeper sweeper(ChainAdapter adapter) {
        return StaleSweeper.builder(store, adapter).chainId(node.chainId()).clock(clock).build();
    }

    private StuckTransactionReplacer replacer(EvmChainAdapter adapter) {
        return StuckTransactionReplacer.builder(store, adapter, mutex, "manual-mining-executor").clock(clock)
                .stuckAfter(Duration.ZERO).leaseExtension(TTL).build();
    }

    @Test
    @DisplayName("Scenario: A receipt that does not come in time leaves the record SUBMITTED")
    void boundedWaitLeavesSubmitted() {
        String key = node.newFundedKey(RANDOM);
        Address signer = AnvilNode.addressOf(key);
        Address wallet = EvmRig.recipient(RANDOM);
        try (EvmChainAdapter adapter = adapter(key, Duration.ofMillis(300))) {
            CopyResult result = executor(adapter).execute(Records.trade(), EvmRig.follower(signer, wallet));

            assertThat(result.outcome()).as("outcome" + seeded()).isEqualTo(CopyResult.Outcome.IN_FLIGHT);
            CopyTradeRecord r = store.findById(result.record().id()).orElseThrow();
            assertThat(r.status()).isEqualTo(RecordStatus.SUBMITTED);
            assertThat(r.lastError()).contains("no receipt").contains(r.venueRef());
            assertThat(node.pendingCount(signer)).as("it is in the pool").isEqualTo(1);

            node.mine();
            clock.advance(TTL.plusSeconds(1));
            SweepReport report = sweeper(adapter).runOnce();

            assertThat(report.executed()).isEqualTo(1);
            CopyTradeRecord settled = store.findById(r.id()).orElseThrow();
            assertThat(settled.status()).isEqualTo(RecordStatus.EXECUTED);
            assertThat(settled.fill().venueRef()).isEqualTo(r.venueRef());
            assertThat(node.minedCount(signer)).as("reconciled from the receipt, nothing re-sent").isEqualTo(1);
            assertThat(node.balance(wallet)).isEqualTo(EvmRig.weiOf(r.order().notional()));
        }
    }

    @Test
    @DisplayName("Scenario: Re-sending the identical signed transaction counts as sent")
    void alreadyImportedIsSent() {
        String key = node.newFundedKey(RANDOM);
        Address signer = AnvilNode.addressOf(key);
        try (EvmChainAdapter adapter = adapter(key, Duration.ofSeconds(20))) {
            CopyTradeRecord r = store.prewrite(Records.pending(Records.trade(), EvmRig.follower(signer,
                    EvmRig.recipient(RANDOM)), Map.of(), Records.OWNER, Records.T0.plus(TTL))).record();
            PreparedOrder prepared = adapter.prepare(new OrderRequest(r.id(), r.key(), r.clientOrderId(), r.order(),
                    r.wallet(), r.signer(), node.chainId(), 1));

            SubmitResult first = adapter.send(prepared);
            SubmitResult again = adapter.send(prepared);
            assertThat(first).as("first" + seeded()).isInstanceOf(SubmitResult.Unknown.class);
            assertThat(again).as("the node answers 'already imported': sent, not refused")
                    .isInstanceOfSatisfying(SubmitResult.Unknown.class,
                            u -> assertThat(u.reason()).startsWith("sent: tx " + prepared.venueRef()));
            assertThat(node.pendingCount(signer)).isEqualTo(1);

            node.mine();
            assertThat(adapter.awaitOutcome(prepared, (SubmitResult.Unknown) again))
                    .isInstanceOfSatisfying(SubmitResult.Confirmed.class,
                            c -> assertThat(c.fill().venueRef()).isEqualTo(prepared.venueRef()));
            assertThat(node.minedCount(signer)).as("mined once").isEqualTo(1);
        }
    }

    @Test
    @DisplayName("Scenario: A stuck transaction is sped up and mined once")
    void stuckTransactionIsReplacedAndMinedOnce() throws Exception {
        String key = node.newFundedKey(RANDOM);
        Address signer = AnvilNode.addressOf(key);
        Address wallet = EvmRig.recipient(RANDOM);
        Follower follower = EvmRig.follower(signer, wallet);
        // the executor's receipt wait runs from the send through the stall and the replacement below, a dozen
        // round trips; this class took 121 s instead of 9 s at load average 30, so 30 s was no wide margin
        try (EvmChainAdapter adapter = adapter(key, Duration.ofSeconds(5 * Concurrently.TIMEOUT_SECONDS))) {
            CountDownLatch broadcast = new CountDownLatch(1);
            CopyTradeExecutor executor = executor(new SignalingAdapter(adapter, broadcast));
            CompletableFuture<CopyResult> running = CompletableFuture.supplyAsync(
                    () -> executor.execute(Records.trade(), follower));
            assertThat(broadcast.await(Concurrently.TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("broadcast" + seeded())
                    .isTrue();
            CopyTradeRecord sent = store.findByStatus(RecordStatus.SUBMITTED, 10).stream()
                    .filter(r -> r.signer().equals(signer)).findFirst().orElseThrow();
            String original = sent.venueRef();

            stall(original);
            assertThat(node.minedCount(signer)).as("stuck").isZero();
            assertThat(running).isNotDone();

            StuckTransactionReplacer.Attempt attempt = replacer(adapter).replace(sent);
            assertThat(attempt.outcome()).as(attempt.detail()).isEqualTo(StuckTransactionReplacer.Outcome.REPLACED);
            CopyTradeRecord amended = store.findById(sent.id()).orElseThrow();
            assertThat(amended.status()).isEqualTo(RecordStatus.SUBMITTED);
            assertThat(amended.venueRef()).isEqualTo(attempt.replacementHash()).isNotEqualTo(original);
            assertThat(amended.nonce()).isEqualTo(sent.nonce());
            assertThat(amended.detail()).containsEntry(OrderLookup.EARLIER_REFS, original);

            node.mine();
            CopyResult result = running.get(5 * Concurrently.TIMEOUT_SECONDS, TimeUnit.SECONDS);

            assertThat(result.outcome()).isEqualTo(CopyResult.Outcome.EXECUTED);
            assertThat(result.record().fill().venueRef()).isEqualTo(attempt.replacementHash());
            assertThat(result.record().venueRef()).isEqualTo(attempt.replacementHash());
            assertThat(node.minedCount(signer)).as("one of the two, once").isEqualTo(1);
            assertThat(node.balance(wallet)).isEqualTo(EvmRig.weiOf(sent.order().notional()));
            assertThat(adapter.lookup(OrderLookup.of(result.record(), node.chainId())))
                    .isInstanceOf(LookupResult.Filled.class);
        }
    }

    @Test
    @DisplayName("Scenario: A replacement after the wait timed out is reconciled by the replacement's receipt")
    void replacementReconciledBySweeper() throws Exception {
        String key = node.newFundedKey(RANDOM);
        Address signer = AnvilNode.addressOf(key);
        Address wallet = EvmRig.recipient(RANDOM);
        try (EvmChainAdapter adapter = adapter(key, Duration.ofMillis(200))) {
            CopyTradeRecord stuck = stuckTransfer(adapter, signer, wallet);
            String original = stuck.venueRef();

            StuckTransactionReplacer.Attempt first = replacer(adapter).replace(stuck);
            assertThat(first.outcome()).as(first.detail()).isEqualTo(StuckTransactionReplacer.Outcome.REPLACED);
            // still too low? raise again: every replacement is kept on the record
            StuckTransactionReplacer.Attempt second = replacer(adapter).replace(store.findById(stuck.id()).orElseThrow());
            assertThat(second.outcome()).as(second.detail()).isEqualTo(StuckTransactionReplacer.Outcome.REPLACED);
            CopyTradeRecord twice = store.findById(stuck.id()).orElseThrow();
            assertThat(OrderLookup.splitRefs(twice.detail().get(OrderLookup.EARLIER_REFS)))
                    .containsExactly(original, first.replacementHash());

            assertSweptExecutedBy(adapter, stuck, second.replacementHash(), signer, wallet);
        }
    }

    @Test
    @DisplayName("Scenario: A replacement is not broadcast once the signer's lease was lost")
    void replacementNotSentAfterTheLeaseWasLost() throws Exception {
        String key = node.newFundedKey(RANDOM);
        Address signer = AnvilNode.addressOf(key);
        Address wallet = EvmRig.recipient(RANDOM);
        try (EvmChainAdapter adapter = adapter(key, Duration.ofMillis(200))) {
            CopyTradeRecord stuck = stuckTransfer(adapter, signer, wallet);
            String original = stuck.venueRef();

            // the lease dies right after the replacement's hash is recorded, before its broadcast
            RevocableScopedTxMutex revocable = new RevocableScopedTxMutex();
            TxScope scope = TxScope.signer(node.chainId(), signer);
            CopyTradeStore losesLeaseOnAmend = new ForwardingStore(store) {
                @Override
                public TransitionResult transition(Transition t) {
                    TransitionResult r = super.transition(t);
                    if (r.applied() && t.detail().containsKey(OrderLookup.EARLIER_REFS)) {
                        revocable.revoke(scope);
                    }
                    return r;
                }
            };
            StuckTransactionReplacer.Attempt refused = StuckTransactionReplacer.builder(losesLeaseOnAmend, adapter,
                    revocable, "manual-mining-executor").clock(clock).stuckAfter(Duration.ZERO).leaseExtension(TTL)
                    .build().replace(stuck);
            assertThat(refused.outcome()).as(refused.detail()).isEqualTo(StuckTransactionReplacer.Outcome.RETRY_LATER);
            assertThat(refused.detail()).contains("lease");
            String neverSent = store.findById(stuck.id()).orElseThrow().venueRef();
            assertThat(neverSent).isNotEqualTo(original);
            assertThat(node.web3j().ethGetTransactionByHash(neverSent).send().getTransaction())
                    .as("the replacement never reached the node").isEmpty();
            assertThat(node.minedCount(signer)).isZero();

            // the next run, with the lease held, replaces it and one of them is mined once
            StuckTransactionReplacer.Attempt replaced = replacer(adapter).replace(store.findById(stuck.id()).orElseThrow());
            assertThat(replaced.outcome()).as(replaced.detail()).isEqualTo(StuckTransactionReplacer.Outcome.REPLACED);
            assertSweptExecutedBy(adapter, stuck, replaced.replacementHash(), signer, wallet);
        }
    }

    @Test
    @DisplayName("Scenario: The replacer leaves alone what is not stuck or not its own")
    void replacerLeavesAlone() {
        String key = node.newFundedKey(RANDOM);
        Address signer = AnvilNode.addressOf(key);
        try (EvmChainAdapter adapter = adapter(key, Duration.ofMillis(100))) {
            CopyResult unknown = executor(adapter).execute(Records.trade(), EvmRig.follower(signer,
                    EvmRig.recipient(RANDOM)));
            CopyTradeRecord r = store.findById(unknown.record().id()).orElseThrow();

            StuckTransactionReplacer patient = StuckTransactionReplacer.builder(store, adapter, mutex,
                    "manual-mining-executor").clock(clock).stuckAfter(Duration.ofMinutes(1)).build();
            assertThat(patient.replace(r).outcome()).as("sent just now" + seeded())
                    .isEqualTo(StuckTransactionReplacer.Outcome.NOT_STUCK);
            StuckTransactionReplacer someoneElses = StuckTransactionReplacer.builder(store, adapter, mutex,
                    "another-executor").clock(clock).stuckAfter(Duration.ZERO).build();
            assertThat(someoneElses.replace(r).outcome()).isEqualTo(StuckTransactionReplacer.Outcome.NOT_OURS);
            assertThat(someoneElses.runOnce()).isZero();
            StuckTransactionReplacer capped = StuckTransactionReplacer.builder(store, adapter, mutex,
                    "manual-mining-executor").clock(clock).stuckAfter(Duration.ZERO).feeCeiling(BigInteger.ONE).build();
            assertThat(capped.replace(r).outcome()).isEqualTo(StuckTransactionReplacer.Outcome.LIMIT_REACHED);
            assertThat(store.findById(r.id()).orElseThrow().venueRef()).as("nothing recorded").isEqualTo(r.venueRef());

            node.mine();
            assertThat(replacer(adapter).replace(r).outcome()).as("mined: nothing to speed up")
                    .isEqualTo(StuckTransactionReplacer.Outcome.NOT_STUCK);
            assertThat(replacer(adapter).runOnce()).isZero();
        }
    }

    /** A transfer whose receipt wait ran out, kept out of blocks by a raised base fee. */
    private CopyTradeRecord stuckTransfer(EvmChainAdapter adapter, Address signer, Address wallet)
            throws java.io.IOException {
        CopyResult unknown = executor(adapter).execute(Records.trade(), EvmRig.follower(signer, wallet));
        assertThat(unknown.outcome()).as("outcome" + seeded()).isEqualTo(CopyResult.Outcome.IN_FLIGHT);
        CopyTradeRecord stuck = store.findById(unknown.record().id()).orElseThrow();
        stall(stuck.venueRef());
        assertThat(node.minedCount(signer)).as("stuck").isZero();
        return stuck;
    }

    /** A block, the record's lease run out, one sweep: EXECUTED by {@code hash}, mined once, paid once. */
    private void assertSweptExecutedBy(EvmChainAdapter adapter, CopyTradeRecord stuck, String hash, Address signer,
            Address wallet) {
        node.mine();
        clock.advance(TTL.multipliedBy(2));
        assertThat(sweeper(adapter).runOnce().executed()).isEqualTo(1);
        CopyTradeRecord settled = store.findById(stuck.id()).orElseThrow();
        assertThat(settled.status()).isEqualTo(RecordStatus.EXECUTED);
        assertThat(settled.fill().venueRef()).isEqualTo(hash);
        assertThat(node.minedCount(signer)).isEqualTo(1);
        assertThat(node.balance(wallet)).isEqualTo(EvmRig.weiOf(stuck.order().notional()));
    }

    /** The base fee jumps past the transaction's fee cap, and a block is mined without it. */
    private static void stall(String hash) throws java.io.IOException {
        BigInteger cap = node.web3j().ethGetTransactionByHash(hash).send().getTransaction().orElseThrow()
                .getMaxFeePerGas();
        node.setNextBaseFee(cap.multiply(BigInteger.TWO));
        node.mine();
    }

    /** Counts down once a send has returned. */
    private static final class SignalingAdapter extends ForwardingChainAdapter {
        private final CountDownLatch sent;

        SignalingAdapter(EvmChainAdapter real, CountDownLatch sent) {
            super(real);
            this.sent = sent;
        }

        @Override
        public SubmitResult send(PreparedOrder order) {
            SubmitResult r = super.send(order);
            sent.countDown();
            return r;
        }
    }
}
