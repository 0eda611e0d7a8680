package dev.copytrade.examples.bench.evm;

import dev.copytrade.core.evm.EvmChainAdapter;
import dev.copytrade.core.evm.SignerKeys;
import dev.copytrade.core.executor.CopyResult;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.memory.InMemoryCopyTradeStore;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.testkit.Records;
import dev.copytrade.core.testkit.evm.AnvilNode;
import dev.copytrade.core.testkit.evm.EvmRig;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.utils.Numeric;

/**
 * EVM throughput against a local anvil node it starts itself (installed by npm into {@code target/anvil}
 * on first use), in one run:
 *
 * <ol>
 *   <li><b>raw</b>: the node's own limit — transfers signed in advance with precomputed nonces, sent by one
 *       thread with {@code eth_sendRawTransaction}, nothing else;
 *   <li><b>executor</b>: the same number of transfers copied through {@link CopyTradeExecutor} and
 *       {@link EvmChainAdapter} for {@code signers} signers in parallel (in-memory store, local mutex),
 *       each ending EXECUTED from its receipt.
 * </ol>
 *
 * It prints both rates and their ratio. Options: {@code --signers 8 --transfers 200} (per signer)
 * {@code --callers 16} (threads calling {@code executeAll}; each waits about a block per call, so they
 * bound the executor's rate at callers × signers per block) {@code --block-time 1} (seconds; interval
 * mining, since auto-mining stalls when transactions arrive concurrently) {@code --ask-chain true} (the
 * adapter's {@code askChainForEveryNonce}).
 *
 * <pre>./mvnw -q -pl copytrade-examples -am test-compile exec:java -Dexec.mainClass=dev.copytrade.examples.bench.evm.EvmHarness</pre>
 */
public final class EvmHarness {

    private EvmHarness() {}

    public static void main(String[] args) throws Exception {
        int signers = intOption(args, "--signers", 8);
        int transfers = intOption(args, "--transfers", 200);
        int callers = intOption(args, "--callers", 16);
        double blockTime = Double.parseDouble(option(args, "--block-time", "1"));
        boolean askChain = Boolean.parseBoolean(option(args, "--ask-chain", "true"));
        Random random = new Random(intOption(args, "--seed", 1));
        try (AnvilNode node = AnvilNode.start(AnvilNode.Mining.INTERVAL, Duration.ofMillis((long) (blockTime * 1000)))) {
            int total = signers * transfers;
            System.out.printf(Locale.ROOT, "anvil %s, block time %.2f s; %d signers × %d transfers = %d%n",
                    node.rpcUrl(), blockTime, signers, transfers, total);

            Rate raw = raw(node, keys(node, signers, random), transfers, random);
            System.out.printf(Locale.ROOT, "raw:      sent %d in %d ms = %.0f tx/s; all mined after %d ms = %.0f tx/s%n",
                    total, raw.sentMillis, raw.sentPerSecond(total), raw.minedMillis, raw.minedPerSecond(total));

            Rate copied = executor(node, keys(node, signers, random), transfers, callers, askChain, random);
            System.out.printf(Locale.ROOT, "executor: %d callers, pending count read for every nonce: %s; %d EXECUTED"
                    + " (receipt read) after %d ms = %.0f tx/s%n", callers, askChain, total, copied.minedMillis,
                    copied.minedPerSecond(total));
            System.out.printf(Locale.ROOT, "ratio executor / raw sends = %.2f; executor / raw mined = %.2f%n",
                    copied.minedPerSecond(total) / raw.sentPerSecond(total),
                    copied.minedPerSecond(total) / raw.minedPerSecond(total));
        }
    }

    private record Rate(long sentMillis, long minedMillis) {
        double sentPerSecond(int n) {
            return n * 1000.0 / Math.max(1, sentMillis);
        }

        double minedPerSecond(int n) {
            return n * 1000.0 / Math.max(1, minedMillis);
        }
    }

    private static List<String> keys(AnvilNode node, int n, Random random) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = node.newFundedKey(random);
            // every copied transfer moves 5 ether (5 USDC at 10^12 wei per base unit)
            node.fund(AnvilNode.addressOf(key), 10_000_000);
            keys.add(key);
        }
        return keys;
    }

    /** Signs everything first, then one thread sends it all, nonce by nonce across the signers. */
    private static Rate raw(AnvilNode node, List<String> keys, int transfers, Random random) throws Exception {
        BigInteger maxFee = BigInteger.valueOf(100_000_000_000L);
        BigInteger tip = BigInteger.valueOf(1_000_000_000L);
        Address to = EvmRig.recipient(random);
        List<String> signed = new ArrayList<>(keys.size() * transfers);
        for (int nonce = 0; nonce < transfers; nonce++) {
            for (String key : keys) {
                RawTransaction tx = RawTransaction.createTransaction(node.chainId(), BigInteger.valueOf(nonce),
                        BigInteger.valueOf(21_000), to.value(), BigInteger.ONE, "0x", tip, maxFee);
                signed.add(Numeric.toHexString(TransactionEncoder.signMessage(tx, Credentials.create(key))));
            }
        }
        Web3j web3j = node.web3j();
        long start = System.nanoTime();
        for (String raw : signed) {
            var answer = web3j.ethSendRawTransaction(raw).send();
            if (answer.hasError()) {
                throw new IllegalStateException("raw send refused: " + answer.getError().getMessage());
            }
        }
        long sent = System.nanoTime();
        awaitMined(node, keys, transfers);
        return new Rate(TimeUnit.NANOSECONDS.toMillis(sent - start),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /** {@code callers} threads copy leader trades for one follower per signer each ({@code executeAll}). */
    private static Rate executor(AnvilNode node, List<String> keys, int transfers, int callers, boolean askChain,
            Random random) throws Exception {
        List<Follower> followers = new ArrayList<>();
        for (String key : keys) {
            followers.add(EvmRig.follower(AnvilNode.addressOf(key), EvmRig.recipient(random)));
        }
        AtomicInteger executed = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        Map<String, Integer> problems = new ConcurrentHashMap<>();
        ExecutorService threads = Executors.newFixedThreadPool(callers);
        try (EvmChainAdapter adapter = EvmRig.adapter(node, SignerKeys.of(keys)).receiptPoll(Duration.ofMillis(100))
                .receiptWait(Duration.ofSeconds(60)).askChainForEveryNonce(askChain).build();
                CopyTradeExecutor executor = CopyTradeExecutor.builder().store(new InMemoryCopyTradeStore())
                        .chainAdapter(adapter).chainId(node.chainId()).parallelism(keys.size() * callers).build()) {
            long start = System.nanoTime();
            List<Future<?>> runs = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                int caller = c;
                runs.add(threads.submit(() -> {
                    for (int t = caller; t < transfers; t += callers) {
                        for (CopyResult r : executor.executeAll(Records.trade(), followers)) {
                            if (r.outcome() == CopyResult.Outcome.EXECUTED) {
                                executed.incrementAndGet();
                            } else {
                                other.incrementAndGet();
                                String why = r.outcome() + " " + (r.record() == null ? r.error()
                                        : r.record().reason() + " " + r.record().lastError());
                                problems.merge(why.length() > 160 ? why.substring(0, 160) : why, 1, Integer::sum);
                            }
                        }
                    }
                }));
            }
            for (Future<?> run : runs) {
                run.get(30, TimeUnit.MINUTES);
            }
            long done = System.nanoTime();
            if (other.get() > 0 || executed.get() != keys.size() * transfers) {
                throw new IllegalStateException(executed + " executed, " + other + " not (" + problems
                        + "): the run is not comparable");
            }
            awaitMined(node, keys, transfers);
            return new Rate(TimeUnit.NANOSECONDS.toMillis(done - start), TimeUnit.NANOSECONDS.toMillis(done - start));
        } finally {
            threads.shutdownNow();
        }
    }

    /** Polls the signers' mined counts (bounded): a benchmark of a node that mines on a timer. */
    private static void awaitMined(AnvilNode node, List<String> keys, int transfers) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        for (String key : keys) {
            Address a = AnvilNode.addressOf(key);
            while (node.minedCount(a) < transfers) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(a + " has " + node.minedCount(a) + " of " + transfers + " mined");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            if (node.minedCount(a) != transfers) {
                throw new IllegalStateException(a + " mined more than it sent");
            }
        }
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    private static int intOption(String[] args, String name, int fallback) {
        return Integer.parseInt(option(args, name, Integer.toString(fallback)));
    }
}
