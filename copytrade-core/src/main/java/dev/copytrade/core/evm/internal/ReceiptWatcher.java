package dev.copytrade.core.evm.internal;

import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.EthBlockNumber;
import org.web3j.protocol.core.methods.response.EthGetBlockReceipts;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * One receipt poll for every order waiting in this process: at most once per poll interval it reads the
 * head block number and, for each new block, all of its receipts ({@code eth_getBlockReceipts}),
 * keeping those of the hashes someone waits for. Polling each waiting order's receipt instead costs one
 * call per order per interval, thousands a second with hundreds of orders in flight.
 *
 * <p>A block older than {@link #MAX_BLOCKS_PER_POLL} behind the head is skipped, and a node without
 * {@code eth_getBlockReceipts} turns the watcher off; waiters therefore also ask for their own receipts
 * now and then, which this class does not replace.
 */
public final class ReceiptWatcher {
    static final int MAX_BLOCKS_PER_POLL = 32;

    private final Web3j web3j;
    private final long pollNanos;
    private final Supplier<Set<String>> wanted;
    private final Map<String, TransactionReceipt> seen = new ConcurrentHashMap<>();
    private long lastBlock = -1;
    private long lastPollNanos;
    private volatile boolean unsupported;

    /**
     * @param wanted the hashes waited for right now (read once per new block)
     */
    public ReceiptWatcher(Web3j web3j, java.time.Duration poll, Supplier<Set<String>> wanted) {
        this.web3j = web3j;
        this.pollNanos = poll.toNanos();
        this.wanted = wanted;
    }

    /** False once the node turned out not to serve block receipts: waiters then poll their own. */
    public boolean works() {
        return !unsupported;
    }

    /** A receipt of one of {@code hashes} from the blocks seen so far, catching up first if it is time. */
    public Optional<TransactionReceipt> find(List<String> hashes) throws IOException {
        catchUp();
        for (String h : hashes) {
            TransactionReceipt r = seen.get(h);
            if (r != null) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** Drops what was kept for {@code hashes} (their wait is over). */
    public void forget(List<String> hashes) {
        for (String h : hashes) {
            seen.remove(h);
        }
    }

    private synchronized void catchUp() throws IOException {
        long now = System.nanoTime();
        if (unsupported || (lastBlock >= 0 && now - lastPollNanos < pollNanos)) {
            return;
        }
        lastPollNanos = now;
        EthBlockNumber head = web3j.ethBlockNumber().send();
        if (head.hasError()) {
            throw new IOException("block number refused: " + head.getError().getMessage());
        }
        long top = head.getBlockNumber().longValueExact();
        long from = Math.max(lastBlock + 1, top - MAX_BLOCKS_PER_POLL + 1);
        Set<String> want = from <= top ? wanted.get() : Set.of();
        for (long b = from; b <= top; b++) {
            EthGetBlockReceipts receipts = web3j.ethGetBlockReceipts(DefaultBlockParameter.valueOf(BigInteger.valueOf(b)))
                    .send();
            if (receipts.hasError()) {
                unsupported = true;
                return;
            }
            Optional<List<TransactionReceipt>> list = receipts.getBlockReceipts();
            if (list.isEmpty()) {
                // the node has not got this block's receipts yet: read it again next time
                lastBlock = b - 1;
                return;
            }
            for (TransactionReceipt r : list.get()) {
                if (want.contains(r.getTransactionHash())) {
                    seen.put(r.getTransactionHash(), r);
                }
            }
            lastBlock = b;
        }
    }
}
