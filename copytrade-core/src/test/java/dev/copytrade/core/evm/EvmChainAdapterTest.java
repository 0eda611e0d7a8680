package dev.copytrade.core.evm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copytrade.core.chain.LookupResult;
import dev.copytrade.core.chain.OrderLookup;
import dev.copytrade.core.chain.OrderRequest;
import dev.copytrade.core.chain.PreparedOrder;
import dev.copytrade.core.chain.SubmitResult;
import dev.copytrade.core.evm.internal.SignedTx;
import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.testkit.Records;
import dev.copytrade.core.testkit.Seeds;
import dev.copytrade.core.testkit.evm.Anvil;
import dev.copytrade.core.testkit.evm.AnvilNode;
import dev.copytrade.core.testkit.evm.EvmRig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/** The EVM adapter against a real anvil node (auto-mining: one block per transaction). */
class EvmChainAdapterTest {
    private static final long SEED = Seeds.seed();
    private static final Random RANDOM = new Random(SEED);
    private static AnvilNode node;

    @BeforeAll
    static void node() {
        node = Anvil.shared();
    }

    private static String seeded() {
        return " (seed " + SEED + ")";
    }

    /** A funded key of its own per test, so nonces start at 0 and no test sees another's. */
    private static String freshKey() {
        return node.newFundedKey(RANDOM);
    }

    private static CopyTradeExecutor executor(InMemoryCopyTradeStore store, EvmChainAdapter adapter) {
        return CopyTradeExecutor.builder().store(store).chainAdapter(adapter).chainId(node.chainId()).build();
    }

    /** A request as the executor would hand it over, for a record prewritten in {@code store}. */
    private static OrderRequest request(InMemoryCopyTradeStore store, Follower follower) {
        CopyTradeRecord r = store.prewrite(Records.pending(Records.trade(), follower, java.util.Map.of(),
                Records.OWNER, Records.T0.plusSeconds(600))).record();
        return new OrderRequest(r.id(), r.key(), r.clientOrderId(), r.order(), r.wallet(), r.signer(), node.chainId(), 1);
    }

    private static TransactionReceipt receipt(String hash) throws Exception {
        return node.web3j().ethGetTransactionReceipt(hash).send().getTransactionReceipt().orElseThrow();
    }

    @Test
    @DisplayName("Scenario: An order is executed as a signed EIP-1559 transfer")
    void executesEndToEnd() throws Exception {
        String key = freshKey();
        Address signer = AnvilNode.addressOf(key);
        Address wallet = EvmRig.recipient(RANDOM);
        InMemoryCopyTradeStore store = new InMemoryCopyTradeStore();
        try (EvmChainAdapter adapter = EvmRig.adapter(node, SignerKeys.of(key)).build()) {
            CopyResult result = executor(store, adapter).execute(Records.trade(), EvmRig.follower(signer, wallet));

            assertThat(result.outcome()).as("outcome" + seeded()).isEqualTo(CopyResult.Outcome.EXECUTED);
            CopyTradeRecord r = result.record();
            assertThat(r.nonce()).isZero();
            assertThat(r.venueRef()).isEqualTo(r.fill().venueRef()).startsWith("0x").hasSize(66);
            TransactionReceipt receipt = receipt(r.venueRef());
            assertThat(receipt.isStatusOK()).isTrue();
            assertThat(receipt.getFrom()).isEqualTo(signer.value());
            assertThat(node.web3j().ethGetTransactionByHash(r.venueRef()).send().getTransaction().orElseThrow()
                    .getType()).as("EIP-1559 transaction type").isEqualTo("0x2");
            assertThat(node.balance(wallet)).isEqualTo(EvmRig.weiOf(r.order().notional()));
            assertThat(node.minedCount(signer)).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("Scenario: Preparing signs and computes the hash without sending")
    void prepareSendsNothing() {
        String key = freshKey();
        Address signer = AnvilNode.addressOf(key);
        InMemoryCopyTradeStore store = new InMemoryCopyTradeStore();
        Follower follower = EvmRig.follower(signer, EvmRig.recipient(RANDOM));
        try (EvmChainAdapter adapter = EvmRig.adapter(node, SignerKeys.of(key)).build()) {
            PreparedOrder first = adapter.prepare(request(store, follower));
            SignedTx tx = (SignedTx) first.payload();
            assertThat(first.nonce()).isZero();
            assertThat(first.venueRef()).isEqualTo(Numeric.toHexString(Hash.sha3(Numeric.hexStringToByteArray(tx.rawHex()))));
            assertThat(node.pendingCount(signer)).as("nothing reached the node").isZero();

            // that prepare was never sent: its nonce provably never reached the node, so it is handed out again
            PreparedOrder second = adapter.prepare(request(store, follower));
            assertThat(second.nonce()).isZero();
            assertThat(adapter.submit(second)).isInstanceOf(SubmitResult.Confirmed.class);

            assertThat(adapter.prepare(request(store, follower)).nonce()).isEqualTo(1);
            assertThat(node.minedCount(signer)).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("Scenario: Two orders never share a transaction hash")
    void reusedNonceNeverReproducesAnUnsentHash() {
        String key = freshKey();
        Address signer = AnvilNode.addressOf(key);
        Address to = EvmRig.recipient(RANDOM);
        InMemoryCopyTradeStore store = new InMemoryCopyTradeStore();
        Follower follower = EvmRig.follower(signer, to);
        // an action that ignores which order it executes: identical calls for different orders
        EvmAction sameCallForAll = request -> EvmCall.transfer(to, BigInteger.ONE);
        try (EvmChainAdapter adapter = EvmRig.adapter(node, SignerKeys.of(key)).action(sameCallForAll)
                .fees(FeeProvider.fixed(Fees.of(10_000_000_000L, 1_000_000_000L))).build()) {
            PreparedOrder unsent = adapter.prepare(request(store, follower));
            PreparedOrder next = adapter.prepare(request(store, follower));
            assertThat(next.nonce()).isEqualTo(unsent.nonce());
            assertThat(next.venueRef()).as("same nonce, same call, same fees: still another hash" + seeded())
                    .isNotEqualTo(unsent.venueRef());
            assertThat(adapter.submit(next)).isInstanceOf(SubmitResult.Confirmed.class);
            assertThat(adapter.lookup(lookup(unsent, List.of()))).isInstanceOf(LookupResult.NotFound.class);
        }
        // the built-in transfers carry the client order id, so they differ even across processes
        OrderRequest a = request(store, follower);
        OrderRequest b = request(store, follower);
        EvmAction transfer = EvmAction.transferNotionalToWallet(EvmRig.WEI_PER_USDC_UNIT);
        assertThat(transfer.callFor(a).data()).isNotEqualTo(transfer.callFor(b).data());
        assertThat(transfer.callFor(a).gasLimit()).isGreaterThan(EvmCall.TRANSFER_GAS);
    }

    @Test
    @DisplayName("Scenario: A reverted transaction is FAILED with its revert reason")
    void revertIsFailedWithReason() {
        String key = freshKey();
        Address signer = AnvilNode.addressOf(key);
        Address reverting = EvmRig.recipient(RANDOM);
        node.setCode(reverting, EvmRig.revertingCode("copy refused"));
        EvmAction toContract = request -> new EvmCall(reverting, BigInteger.ONE, "0x", 100_000L);
        InMemoryCopyTradeStore store = new InMemoryCopyTradeStore();
        try (EvmChainAdapter adapter = EvmRig.adapter(node, SignerKeys.of(key)).action(toContract).build()) {
            CopyResult result = executor(store, adapter).execute(Records.trade(), EvmRig.follower(signer, reverting));

            assertThat(result.outcome()).as("outcome" + seeded()).isEqualTo(CopyResult.Outcome.FAILED);
            assertThat(result.record().reason()).isEqualTo(ReasonCode.VENUE_REJECTED);
            assertThat(result.record().lastError()).contains("reverted").contains("copy refused")
                    .contains(result.record().venueRef());
            assertThat(node.minedCount(signer)).as("the reverted transaction used its nonce").isEqualTo(1);

            LookupResult looked = adapter.lookup(OrderLookup.of(result.record(), node.chainId()));
            assertThat(looked).isInstanceOfSatisfying(LookupResult.Rejected.class,
                    rej -> assertThat(rej.reason()).contains("copy refused"));
        }
    }

    @Test
    @DisplayName("Scenario: A send the node refused gives its nonce back")
    void refusedSendGivesNonceBack() {
        String key = freshKey();
        Address signer = AnvilNode.addressOf(key);
        AtomicBoolean tooMuch = new AtomicBoolean(true);
        EvmAction action = request -> EvmCall.transfer(request.wallet(),
                tooMuch.get() ? BigInteger.TEN.pow(30) : BigInteger.ONE);
        InMemoryCopyTradeStore store = new InMemoryCopyTradeStore();
        Follower follower = EvmRig.follower(signer, EvmRig.recipient(RANDOM));
        try (EvmChainAdapter adapter = EvmRig.adapter(node, SignerKeys.of(key)).action(action)
                .askChainForEveryNonce(false).build()) {
            CopyTradeExecutor executor = executor(store, adapter);
            CopyResult refused = executor.execute(Records.trade(), follower);
            assertThat(refused.outcome()).as("outcome" + seeded()).isEqualTo(CopyResult.Outcome.FAILED);
            assertThat(refused.record().lastError()).containsIgnoringCase("insufficient funds");
            assertThat(refused.record().nonce()).isZero();

            tooMuch.set(false);
            CopyResult next = executor.execute(Records.trade(), follower);
            assertThat(next.outcome()).isEqualTo(CopyResult.Outcome.EXECUTED);
            assertThat(next.record().nonce()).as("the refused nonce is used again: no gap").isZero();
            assertThat(executor.execute(Records.trade(), follower).record().nonce()).isEqualTo(1);
            assertThat(node.minedCount(signer)).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("Scenario: Nonce too low resynchronises from the chain")
    void nonceTooLowResyncs() throws Exception {
        String key = freshKey();
        Address signer = AnvilNode.addressOf(key);
        InMemoryCopyTradeStore store = new InMemoryCopyTradeStore();
        Follower follower = EvmRig.follower(signer, EvmRig.recipient(RANDOM));
        try (EvmChainAdapter adapter = EvmRig.adapter(node, SignerKeys.of(key)).askChainForEveryNonce(false).build()) {
            CopyTradeExecutor executor = executor(store, adapter);
            assertThat(executor.execute(Records.trade(), follower).record().nonce()).isZero();
            sendOutsideTheAdapter(key, 1);

            CopyResult collided = executor.execute(Records.trade(), follower);
            assertThat(collided.outcome()).as("outcome" + seeded()).isEqualTo(CopyResult.Outcome.FAILED);
            assertThat(collided.record().lastError()).contains("nonce 1").contains("already used");

            CopyResult after = executor.execute(Records.trade(), follower);
            assertThat(after.outcome()).isEqualTo(CopyResult.Outcome.EXECUTED);
            assertThat(after.record().nonce()).as("resynchronised from the chain's count").isEqualTo(2);
            assertThat(node.minedCount(signer)).isEqualTo(3);
        }
    }

    @Test
    @DisplayName("Scenario: Another sender's transactions are continued, not collided with")
    void askingTheChainContinuesAnotherSender() throws Exception {
        String key = freshKey();
        Address signer = AnvilNode.addressOf(key);
        InMemoryCopyTradeStore store = new InMemoryCopyTradeStore();
        Follower follower = EvmRig.follower(signer, EvmRig.recipient(RANDOM));
        try (EvmChainAdapter adapter = EvmRig.adapter(node, SignerKeys.of(key)).build()) {
            CopyTradeExecutor executor = executor(store, adapter);
            assertThat(executor.execute(Records.trade(), follower).record().nonce()).isZero();
            sendOutsideTheAdapter(key, 1);
            sendOutsideTheAdapter(key, 2);

            CopyResult next = executor.execute(Records.trade(), follower);
            assertThat(next.outcome()).as("outcome" + seeded()).isEqualTo(CopyResult.Outcome.EXECUTED);
            assertThat(next.record().nonce()).isEqualTo(3);
        }
    }

    @Test
    @DisplayName("Scenario: The reconciler looks an order up by hash, then by nonce")
    void lookupByHashThenNonce() {
        String key = freshKey();
        Address signer = AnvilNode.addressOf(key);
        InMemoryCopyTradeStore store = new InMemoryCopyTradeStore();
        Follower follower = EvmRig.follower(signer, EvmRig.recipient(RANDOM));
        try (EvmChainAdapter adapter = EvmRig.adapter(node, SignerKeys.of(key)).build()) {
            // prepared and recorded, never broadcast (a crash between the SUBMITTED write and the send)
            PreparedOrder neverSent = adapter.prepare(request(store, follower));
            OrderLookup neverSentLookup = lookup(neverSent, List.of());
            assertThat(adapter.lookup(neverSentLookup)).as("nonce not used yet: cannot tell" + seeded())
                    .isInstanceOf(LookupResult.Unknown.class);

            // the next order takes the same nonce (it never reached the node) and is mined
            PreparedOrder mined = adapter.prepare(request(store, follower));
            assertThat(mined.nonce()).isEqualTo(neverSent.nonce());
            assertThat(adapter.submit(mined)).isInstanceOf(SubmitResult.Confirmed.class);

            assertThat(adapter.lookup(lookup(mined, List.of()))).isInstanceOfSatisfying(LookupResult.Filled.class,
                    f -> assertThat(f.fill().venueRef()).isEqualTo(mined.venueRef()));
            assertThat(adapter.lookup(neverSentLookup)).as("nonce used by another transaction: never executes")
                    .isInstanceOf(LookupResult.NotFound.class);
            // a record whose current hash never made it, but an earlier one (before a replacement) did
            assertThat(adapter.lookup(new OrderLookup(neverSentLookup.clientOrderId(), neverSent.venueRef(),
                    neverSent.nonce(), signer, node.chainId(), neverSent.request().order(),
                    List.of(mined.venueRef())))).isInstanceOfSatisfying(LookupResult.Filled.class,
                            f -> assertThat(f.fill().venueRef()).isEqualTo(mined.venueRef()));
            assertThat(adapter.lookup(new OrderLookup(neverSentLookup.clientOrderId(), null, null, signer,
                    node.chainId()))).as("no hash was stored, so nothing was broadcast")
                    .isInstanceOf(LookupResult.NotFound.class);
            assertThat(adapter.lookup(new OrderLookup(neverSentLookup.clientOrderId(), mined.venueRef(),
                    mined.nonce(), signer, node.chainId() + 1))).isInstanceOf(LookupResult.Unknown.class);
        }
    }

    @Test
    @DisplayName("Scenario: Private keys never appear in logs, exceptions or toString")
    void keysNeverShown() {
        String key = freshKey();
        String keyHex = key.toLowerCase(java.util.Locale.ROOT);
        Address signer = AnvilNode.addressOf(key);
        List<String> seen = new ArrayList<>();
        PrintStream err = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        try {
            SignerKeys keys = SignerKeys.of("0x" + key);
            seen.add(keys.toString());
            for (String bad : List.of(key.substring(1), key + "00", "zz" + key.substring(2), "0".repeat(64),
                    "f".repeat(64))) {
                assertThatThrownBy(() -> SignerKeys.of(List.of(key, bad))).isInstanceOf(InvalidInputException.class)
                        .satisfies(e -> seen.add(e.getMessage()))
                        .hasMessageContaining("signerKeys[1]");
            }
            InMemoryCopyTradeStore store = new InMemoryCopyTradeStore();
            Follower follower = EvmRig.follower(signer, EvmRig.recipient(RANDOM));
            try (EvmChainAdapter adapter = EvmRig.adapter(node, keys).build()) {
                seen.add(adapter.toString());
                PreparedOrder p = adapter.prepare(request(store, follower));
                seen.add(p.toString());
                seen.add(p.payload().toString());
                CopyTradeExecutor executor = executor(store, adapter);
                CopyResult ok = executor.execute(Records.trade(), follower);
                assertThat(ok.outcome()).isEqualTo(CopyResult.Outcome.EXECUTED);
                seen.add(ok.toString());
                Follower stranger = EvmRig.follower(EvmRig.recipient(RANDOM), EvmRig.recipient(RANDOM));
                CopyResult noKey = executor.execute(Records.trade(), stranger);
                assertThat(noKey.outcome()).isEqualTo(CopyResult.Outcome.FAILED);
                assertThat(noKey.record().reason()).isEqualTo(ReasonCode.PREPARE_FAILED);
                seen.add(noKey.toString());
                seen.add(String.valueOf(noKey.record().lastError()));
            }
        } finally {
            System.setErr(err);
        }
        String log = logs.toString(StandardCharsets.UTF_8);
        assertThat(log).as("the adapter's debug log was captured").contains("prepared record");
        seen.add(log);
        for (String text : seen) {
            assertThat(text.toLowerCase(java.util.Locale.ROOT)).as("no key in: " + text).doesNotContain(keyHex);
        }
        assertThat(seen.get(0)).contains(signer.value()).contains("redacted");
    }

    @Test
    @DisplayName("Scenario: The adapter refuses a node that serves another chain")
    void builderNamesTheBadField() {
        SignerKeys keys = SignerKeys.of(freshKey());
        assertThatThrownBy(() -> EvmRig.adapter(node, keys).chainId(137).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("chainId")
                .hasMessageContaining("31337");
        assertThatThrownBy(() -> EvmChainAdapter.builder().chainId(1).signer(keys)
                .action(EvmAction.transferNotionalToWallet(BigInteger.ONE)).build())
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("rpcUrl");
        assertThatThrownBy(() -> EvmRig.adapter(node, keys).receiptWait(java.time.Duration.ZERO).build())
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("receiptWait");
        assertThatThrownBy(() -> EvmRig.adapter(node, keys).action(null).build())
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("action");
    }

    private static OrderLookup lookup(PreparedOrder p, List<String> earlier) {
        OrderRequest r = p.request();
        return new OrderLookup(r.clientOrderId(), p.venueRef(), p.nonce(), r.signer(), node.chainId(), r.order(), earlier);
    }

    /** The same key used by someone else (another tool, a human): a plain transfer with {@code nonce}, mined. */
    private static void sendOutsideTheAdapter(String key, long nonce) throws Exception {
        RawTransaction tx = RawTransaction.createTransaction(node.chainId(), BigInteger.valueOf(nonce),
                BigInteger.valueOf(21_000), EvmRig.recipient(RANDOM).value(), BigInteger.ONE, "0x",
                BigInteger.valueOf(1_000_000_000L), BigInteger.valueOf(10_000_000_000L));
        String raw = Numeric.toHexString(TransactionEncoder.signMessage(tx, Credentials.create(key)));
        assertThat(node.web3j().ethSendRawTransaction(raw).send().hasError()).isFalse();
        assertThat(node.awaitMinedCount(AnvilNode.addressOf(key), nonce + 1, java.time.Duration.ofSeconds(10)))
                .isEqualTo(nonce + 1);
    }
}
