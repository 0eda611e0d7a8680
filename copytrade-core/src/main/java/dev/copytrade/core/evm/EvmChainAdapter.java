package dev.copytrade.core.evm;

import dev.copytrade.core.chain.ChainAdapter;
import dev.copytrade.core.chain.LookupResult;
import dev.copytrade.core.chain.OrderLookup;
import dev.copytrade.core.chain.OrderRequest;
import dev.copytrade.core.chain.PreparedOrder;
import dev.copytrade.core.chain.SubmitResult;
import dev.copytrade.core.evm.internal.NodeErrors;
import dev.copytrade.core.evm.internal.NonceAllocator;
import dev.copytrade.core.evm.internal.ReceiptWatcher;
import dev.copytrade.core.evm.internal.SignedTx;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthBlockNumber;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthChainId;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthGetTransactionCount;
import org.web3j.protocol.core.methods.response.EthGetTransactionReceipt;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.EthTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * Executes orders as EIP-1559 transactions on an EVM chain through web3j, signed by the follower's
 * signer ({@link TransactionSigner}), priced by a {@link FeeProvider}, doing what an {@link EvmAction}
 * maps the order to.
 *
 * <ul>
 *   <li>{@link #prepare} (under the signer's lease) picks the nonce, signs and computes the hash without
 *       sending anything; the executor stores hash and nonce on the record (SUBMITTED) before
 *       {@link #send}, so a crash after the broadcast is reconciled by receipt or by nonce, never
 *       re-sent.
 *   <li>{@link #send} broadcasts (re-broadcasting the identical bytes after a transport failure, which
 *       can never execute twice) and returns once the node has the transaction; the executor then
 *       releases the lease, so a signer's next nonce does not wait for a block, and calls
 *       {@link #awaitOutcome}, which polls for the receipt for at most {@code receiptWait}: status 1 is
 *       EXECUTED, status 0 is FAILED with the revert reason where the node gives one, and a timeout
 *       leaves the record SUBMITTED for the reconciler.
 *   <li>{@link #lookup} answers the reconciler by the record's transaction hashes (a sped-up
 *       transaction's earlier ones too), then by its nonce against the signer's mined count: a nonce
 *       used by another transaction proves this one can never execute.
 *   <li>The signed bytes of a broadcast the node never confirmed (a transport failure), or of a wait
 *       that ended undecided, are kept (at most 64 per signer): the signer's next {@link #prepare}
 *       sends them again before handing out the next nonce if the node's pending count shows they never
 *       arrived, so a lost broadcast leaves no nonce gap; a lookup re-sends them likewise. Identical
 *       bytes: the transaction executes at most once.
 *   <li>With {@link Builder#confirmations} above 1, an outcome counts only once its block is that deep
 *       and still canonical; a receipt a reorg took away leaves the record in flight.
 *   <li>{@link #notSent} (the executor lost the signer's lease before the broadcast) gives the prepared
 *       nonce back unless another holder has taken it since.
 * </ul>
 *
 * Nonces come from one allocator per (chain id, signer) used only under the signer's lease; see
 * {@link Builder#askChainForEveryNonce}. A stuck transaction is sped up by a
 * {@link StuckTransactionReplacer}. Thread-safe. No key material ever reaches a log line, an exception
 * or {@code toString}: signing happens inside the {@link TransactionSigner}.
 */
public final class EvmChainAdapter implements ChainAdapter, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EvmChainAdapter.class);
    private static final Pattern TX_HASH = Pattern.compile("0x[0-9a-fA-F]{64}");

    private final Web3j web3j;
    private final boolean ownsWeb3j;
    private final long chainId;
    private final TransactionSigner signer;
    private final EvmAction action;
    private final FeeProvider fees;
    private final Duration receiptWait;
    private final Duration receiptPoll;
    private final int broadcastAttempts;
    private final boolean askChainForEveryNonce;
    private final boolean movesRealMoney;
    private final int confirmations;
    private final NonceAllocator nonces = new NonceAllocator();
    // the hashes this process broadcast per (signer, nonce) while their outcome is awaited: a replacement
    // added here is found by the wait that is already running for the original
    private final ConcurrentHashMap<String, Tracked> inFlight = new ConcurrentHashMap<>();
    private final ReceiptWatcher receipts;
    // per signer, by nonce: the signed bytes of broadcasts the node never confirmed (a transport failure),
    // so the signer's next prepare can re-send them if the node turns out not to have them
    private final ConcurrentHashMap<Address, ConcurrentSkipListMap<Long, SignedTx>> unconfirmed =
            new ConcurrentHashMap<>();
    /** Unconfirmed broadcasts kept per signer; beyond it the reconciler and the replacer are left to it. */
    static final int UNCONFIRMED_PER_SIGNER = 64;
    /** A waiter asks for its own receipts every this many polls, besides the shared watcher. */
    private static final int OWN_CHECK_EVERY = 20;

    private static final class Tracked {
        final List<String> hashes = new CopyOnWriteArrayList<>();
        volatile Fees latestFees;

        Tracked(String hash, Fees fees) {
            hashes.add(hash);
            latestFees = fees;
        }
    }

    private EvmChainAdapter(Builder b) {
        this.ownsWeb3j = b.web3j == null;
        this.web3j = b.web3j != null ? b.web3j : Web3j.build(new HttpService(b.rpcUrl, httpClient(b.rpcTimeout)));
        this.chainId = b.chainId;
        this.signer = b.signer;
        this.action = b.action;
        this.fees = b.fees;
        this.receiptWait = b.receiptWait;
        this.receiptPoll = b.receiptPoll;
        this.broadcastAttempts = b.broadcastAttempts;
        this.askChainForEveryNonce = b.askChainForEveryNonce;
        this.movesRealMoney = b.movesRealMoney;
        this.confirmations = b.confirmations;
        this.receipts = new ReceiptWatcher(web3j, b.receiptPoll, this::awaitedHashes);
    }

    private Set<String> awaitedHashes() {
        Set<String> all = new HashSet<>();
        for (Tracked t : inFlight.values()) {
            all.addAll(t.hashes);
        }
        return all;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String venue() {
        return "evm:" + chainId;
    }

    @Override
    public boolean movesRealMoney() {
        return movesRealMoney;
    }

    public long chainId() {
        return chainId;
    }

    /** The node connection (for hosts that want to read the chain with the same client). */
    public Web3j web3j() {
        return web3j;
    }

    /** True if this adapter holds the key of {@code address}. */
    public boolean signsFor(Address address) {
        return signer.holds(address);
    }

    /**
     * Allocates the signer's next nonce, builds the call, prices it and signs it; nothing is sent. The
     * prepared order carries the transaction hash and nonce, which the executor stores before
     * {@link #send}. A failure before the nonce is handed out costs no nonce; one after gives it back.
     *
     * @throws IllegalArgumentException if no key is held for the request's signer
     * @throws UncheckedIOException if the node could not be asked (fees, gas, pending count)
     */
    @Override
    public PreparedOrder prepare(OrderRequest request) {
        Address from = request.signer();
        if (!signer.holds(from)) {
            throw new IllegalArgumentException("no signing key held for signer " + from);
        }
        EvmCall call = action.callFor(request);
        long gasLimit = call.gasLimit() != null ? call.gasLimit() : estimateGas(from, call);
        Fees f;
        try {
            f = fees.fees(web3j);
        } catch (IOException e) {
            throw new UncheckedIOException("fees could not be read from the node", e);
        }
        resendUnconfirmed(from);
        NonceAllocator.Slot slot = nonces.slot(chainId, from);
        NonceAllocator.Slot.Allocation allocation = slot.allocate(() -> pendingCount(from), askChainForEveryNonce);
        long nonce = allocation.nonce();
        try {
            SignedTx tx = sign(from, nonce, call, gasLimit, f);
            if (tx.hash().equals(allocation.previousHash())) {
                // the unsent transaction this nonce had was signed identically: its record names this hash
                // too, so make this one distinct (one wei more tip) or the two records would share a receipt
                Fees distinct = new Fees(f.maxFeePerGas().add(BigInteger.ONE), f.maxPriorityFeePerGas().add(BigInteger.ONE));
                tx = sign(from, nonce, call, gasLimit, distinct);
            }
            slot.signed(nonce, tx.hash());
            log.debug("prepared record {}: signer {} nonce {} tx {}", request.recordId(), from, nonce, tx.hash());
            return new PreparedOrder(request, tx.hash(), nonce, tx);
        } catch (RuntimeException e) {
            slot.abandoned(nonce);
            throw e;
        }
    }

    /**
     * Broadcasts the prepared transaction. {@link SubmitResult.Unknown} means the node has it (or may
     * have it: a transport failure) and the receipt is still to come; {@link SubmitResult.Rejected}
     * means the node proved it will never execute (refused it, or its nonce was used by another
     * transaction); {@link SubmitResult.Confirmed} when a retry found it already mined.
     */
    @Override
    public SubmitResult send(PreparedOrder order) {
        SignedTx tx = signedTx(order);
        NonceAllocator.Slot slot = nonces.slot(chainId, tx.signer());
        slot.broadcasting(tx.nonce());
        Tracked tracked = track(tx);
        Broadcast b = broadcast(tx.rawHex());
        switch (b.kind()) {
            case ALREADY_KNOWN:
                return SubmitResult.unknown("sent: tx " + tx.hash() + " nonce " + tx.nonce() + ", awaiting its receipt");
            case NONCE_TOO_LOW: {
                // an earlier attempt of these very bytes may be the one that used the nonce
                Optional<TransactionReceipt> mined = receipt(tx.hash());
                if (mined.isPresent()) {
                    untrack(tx, tracked);
                    return fromReceipt(mined.get(), order.request().order());
                }
                slot.resync(pendingCount(tx.signer()));
                untrack(tx, tracked);
                return SubmitResult.rejected("nonce " + tx.nonce() + " of " + tx.signer()
                        + " was already used by another transaction (" + b.message() + "); nothing was sent");
            }
            case NONCE_TAKEN:
                slot.resync(pendingCount(tx.signer()));
                untrack(tx, tracked);
                return SubmitResult.rejected("nonce " + tx.nonce() + " of " + tx.signer()
                        + " is held by another pending transaction (" + b.message() + "); nothing was sent");
            case REFUSED:
                slot.refused(tx.nonce());
                untrack(tx, tracked);
                return SubmitResult.rejected("refused by the node: " + b.message());
            default:
                keepUnconfirmed(tx);
                return SubmitResult.unknown("broadcast of tx " + tx.hash() + " not confirmed by the node: "
                        + b.message());
        }
    }

    /**
     * The executor will not send {@code order} (its lease was lost): its nonce is handed out again unless
     * another prepare of the signer has taken it since.
     */
    @Override
    public void notSent(PreparedOrder order) {
        SignedTx tx = signedTx(order);
        nonces.slot(chainId, tx.signer()).unsent(tx.nonce(), tx.hash());
        log.debug("record {}: tx {} nonce {} was never sent", order.request().recordId(), tx.hash(), tx.nonce());
    }

    /**
     * Polls for the receipt of the transaction (or of a replacement made meanwhile in this process) for
     * at most {@code receiptWait}; with {@link Builder#confirmations} above 1, a receipt counts only once
     * its block is that deep and still canonical. Undecided at the deadline, or the nonce used by a
     * transaction this process does not know: {@link SubmitResult.Unknown}, and the reconciler decides
     * from the record. A receipt that disappears (a reorg) makes the identical bytes be sent again if the
     * nonce is free again.
     */
    @Override
    public SubmitResult awaitOutcome(PreparedOrder order, SubmitResult.Unknown sent) {
        SignedTx tx = signedTx(order);
        Tracked tracked = inFlight.get(key(tx.signer(), tx.nonce()));
        List<String> hashes = tracked != null ? tracked.hashes : List.of(tx.hash());
        long deadline = System.nanoTime() + receiptWait.toNanos();
        // the last receipt seen that was not deep enough yet: it may still be reorged out
        Depth shallow = null;
        try {
            for (int round = 0;; round++) {
                // the shared watcher reads each new block's receipts once for every waiter; a waiter asks for
                // its own receipts at the start, now and then, and at the deadline (blocks the watcher skipped),
                // and every time while a receipt waits for its confirmations (the watcher keeps no reorgs)
                long left = deadline - System.nanoTime();
                boolean ownCheck = round % OWN_CHECK_EVERY == 0 || left <= 0 || tracked == null
                        || !receipts.works() || shallow != null;
                Optional<TransactionReceipt> mined = ownCheck ? firstReceipt(hashes) : receipts.find(hashes);
                Depth depth = mined.isPresent() ? depthOf(mined.get()) : null;
                if (depth != null && depth.settled()) {
                    forgetUnconfirmed(tx);
                    return fromReceipt(depth.receipt(), order.request().order());
                }
                if (depth == null || depth.gone()) {
                    if (shallow != null || (depth != null && depth.gone())) {
                        log.warn("signer {}: the receipt of tx {} nonce {} disappeared (a reorg)", tx.signer(),
                                tx.hash(), tx.nonce());
                        receipts.forget(hashes);
                        resendIfNonceFree(tx);
                        shallow = null;
                    }
                } else {
                    shallow = depth;
                }
                if (left <= 0) {
                    // not final: keep the bytes, so a reorg or a pool that dropped it can be repaired by sending
                    // them again (the lookup, or the signer's next prepare)
                    keepUnconfirmed(tx);
                    if (shallow != null) {
                        return SubmitResult.unknown(shallow.note() + " when the wait of " + receiptWait
                                + " ended; left SUBMITTED for the reconciler");
                    }
                    // a used nonce without a receipt is no verdict here: a replacement from another process may
                    // have been mined, and a node may count the nonce before it serves the receipt (anvil does)
                    boolean nonceUsed = minedCount(tx.signer()) > tx.nonce();
                    return SubmitResult.unknown(nonceUsed
                            ? "nonce " + tx.nonce() + " was used by a transaction this process does not know;"
                                    + " the reconciler decides from the record"
                            : "no receipt for tx " + tx.hash() + " within " + receiptWait
                                    + "; left SUBMITTED for the reconciler");
                }
                LockSupport.parkNanos(Math.min(left, receiptPoll.toNanos()));
                if (Thread.currentThread().isInterrupted()) {
                    return SubmitResult.unknown("interrupted while waiting for the receipt of " + tx.hash());
                }
            }
        } catch (UncheckedIOException e) {
            return SubmitResult.unknown("receipt of " + tx.hash() + " could not be read: " + e.getCause());
        } catch (IOException e) {
            return SubmitResult.unknown("receipts could not be read: " + e);
        } finally {
            receipts.forget(hashes);
            if (tracked != null) {
                untrack(tx, tracked);
            }
        }
    }

    /** {@link #send} then, if the node took it, {@link #awaitOutcome}: the one-step form. */
    @Override
    public SubmitResult submit(PreparedOrder order) {
        SubmitResult sent = send(order);
        return sent instanceof SubmitResult.Unknown u ? awaitOutcome(order, u) : sent;
    }

    /**
     * By receipt of the record's hash, then of its earlier (replaced) hashes; then by nonce: the
     * signer's mined count is read <em>before</em> the receipts, so "count passed the nonce and none of
     * the hashes has a receipt" proves the nonce went to another transaction and this order can never
     * execute ({@link LookupResult.NotFound}). A record without a hash was never broadcast by this
     * adapter (the hash is stored before the broadcast), so it is NotFound too. Not mined and nonce not
     * yet used: {@link LookupResult.Unknown} (pending, or dropped and still replaceable).
     */
    @Override
    public LookupResult lookup(OrderLookup l) {
        if (l.chainId() != chainId) {
            return new LookupResult.Unknown("record is for chain " + l.chainId() + ", this adapter is " + venue());
        }
        List<String> hashes = new ArrayList<>();
        for (String ref : l.allRefs()) {
            if (!isTxHash(ref)) {
                return new LookupResult.Unknown("venue reference " + ref + " is not a transaction hash");
            }
            hashes.add(ref);
        }
        if (hashes.isEmpty() && l.nonce() == null) {
            return new LookupResult.NotFound();
        }
        try {
            Long mined = l.nonce() == null ? null : settledCount(l.signer());
            Optional<TransactionReceipt> receipt = firstReceipt(hashes);
            if (receipt.isPresent()) {
                Depth depth = depthOf(receipt.get());
                if (!depth.settled()) {
                    boolean resent = depth.gone() && resendHeld(l, hashes);
                    return new LookupResult.Unknown(depth.note() + (resent ? "; its signed bytes were sent again" : ""));
                }
                receipt = Optional.of(depth.receipt());
                forgetHeld(l);
                if (l.order() == null) {
                    return new LookupResult.Unknown("tx " + receipt.get().getTransactionHash()
                            + " is mined but the order is unknown, so its fill cannot be reported");
                }
                SubmitResult r = fromReceipt(receipt.get(), l.order());
                return r instanceof SubmitResult.Confirmed c ? new LookupResult.Filled(c.fill())
                        : new LookupResult.Rejected(((SubmitResult.Rejected) r).reason());
            }
            if (mined == null) {
                return new LookupResult.Unknown("no receipt for " + hashes + " and no nonce to compare");
            }
            if (mined > l.nonce()) {
                // a node may count the nonce as used a moment before it serves the receipt: ask again after a
                // poll interval, and call it not found only if the node knows none of the hashes at all
                LockSupport.parkNanos(receiptPoll.toNanos());
                receipt = firstReceipt(hashes);
                if (receipt.isPresent()) {
                    return lookup(l);
                }
                for (String h : hashes) {
                    if (transaction(h).isPresent()) {
                        return new LookupResult.Unknown("tx " + h + " is known to the node but has no receipt yet");
                    }
                }
                return new LookupResult.NotFound();
            }
            for (String h : hashes) {
                if (inPool(h)) {
                    return new LookupResult.Unknown("tx " + h + " is pending in the node's pool");
                }
            }
            boolean resent = resendHeld(l, hashes);
            return new LookupResult.Unknown("nonce " + l.nonce() + " of " + l.signer()
                    + " is not used yet and the node has none of " + hashes
                    + (resent ? "; this process held its signed bytes and sent them again" : ""));
        } catch (UncheckedIOException e) {
            return new LookupResult.Unknown("node could not be asked: " + e.getCause());
        }
    }

    /** Closes the node connection if this adapter opened it. */
    @Override
    public void close() {
        if (ownsWeb3j) {
            web3j.shutdown();
        }
    }

    @Override
    public String toString() {
        return "EvmChainAdapter{" + venue() + ", signer=" + signer + "}";
    }

    // ---- used by StuckTransactionReplacer (same package) ----

    /** The latest fees this process used for (signer, nonce), or what the node's pool holds for {@code hash}. */
    Optional<Fees> knownFees(Address from, long nonce, List<String> hashes) {
        Tracked t = inFlight.get(key(from, nonce));
        if (t != null) {
            return Optional.of(t.latestFees);
        }
        Fees best = null;
        for (String h : hashes) {
            Optional<org.web3j.protocol.core.methods.response.Transaction> tx = transaction(h);
            if (tx.isPresent() && tx.get().getMaxFeePerGas() != null) {
                Fees f = new Fees(tx.get().getMaxFeePerGas(), tx.get().getMaxPriorityFeePerGas());
                best = best == null ? f : best.atLeast(f);
            }
        }
        return Optional.ofNullable(best);
    }

    Fees currentFees() {
        try {
            return fees.fees(web3j);
        } catch (IOException e) {
            throw new UncheckedIOException("fees could not be read from the node", e);
        }
    }

    /** Signs the same action with the same nonce at {@code newFees}; sends nothing. */
    SignedTx signReplacement(OrderRequest request, long nonce, Fees newFees) {
        EvmCall call = action.callFor(request);
        long gasLimit = call.gasLimit() != null ? call.gasLimit() : estimateGas(request.signer(), call);
        return sign(request.signer(), nonce, call, gasLimit, newFees);
    }

    /** Broadcasts a replacement already recorded on its record; a wait running for the nonce sees it. */
    Broadcast broadcastReplacement(SignedTx tx) {
        Tracked t = inFlight.get(key(tx.signer(), tx.nonce()));
        if (t != null) {
            t.hashes.add(tx.hash());
            t.latestFees = tx.fees();
        }
        return broadcast(tx.rawHex());
    }

    Optional<TransactionReceipt> firstReceipt(List<String> hashes) {
        for (String h : hashes) {
            Optional<TransactionReceipt> r = receipt(h);
            if (r.isPresent()) {
                return r;
            }
        }
        return Optional.empty();
    }

    long minedCount(Address from) {
        return transactionCount(from, DefaultBlockParameterName.LATEST);
    }

    /**
     * The signer's transactions mined at least {@code confirmations} deep: a nonce below it is final (as
     * final as that depth makes it). With 1 confirmation, the mined count of the latest block.
     */
    private long settledCount(Address from) {
        if (confirmations == 1) {
            return minedCount(from);
        }
        long at = Math.max(0, headBlock() - confirmations + 1);
        return transactionCount(from, DefaultBlockParameter.valueOf(BigInteger.valueOf(at)));
    }

    private long headBlock() {
        try {
            EthBlockNumber head = web3j.ethBlockNumber().send();
            if (head.hasError()) {
                throw new UncheckedIOException(new IOException("block number refused: " + head.getError().getMessage()));
            }
            return head.getBlockNumber().longValueExact();
        } catch (IOException e) {
            throw new UncheckedIOException("block number could not be read", e);
        }
    }

    /** The hash of the canonical block at {@code number}, or null if the node has none there. */
    private String canonicalHash(long number) {
        try {
            EthBlock block = web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), false)
                    .send();
            if (block.hasError()) {
                throw new UncheckedIOException(new IOException("block refused: " + block.getError().getMessage()));
            }
            return block.getBlock() == null ? null : block.getBlock().getHash();
        } catch (IOException e) {
            throw new UncheckedIOException("block " + number + " could not be read", e);
        }
    }

    /**
     * Where a receipt stands against {@link Builder#confirmations}: settled (deep enough, and read again at
     * that depth from a block that is still canonical), shallow (not deep enough yet), or gone (no longer
     * on the canonical chain). With 1 confirmation every receipt is settled as read, at no extra cost.
     */
    record Depth(TransactionReceipt receipt, boolean settled, boolean gone, String note) {}

    private Depth depthOf(TransactionReceipt r) {
        if (confirmations == 1) {
            return new Depth(r, true, false, null);
        }
        long block = r.getBlockNumber().longValueExact();
        long deep = headBlock() - block + 1;
        String hash = r.getTransactionHash();
        if (deep < confirmations) {
            return new Depth(r, false, false, "tx " + hash + " mined in block " + block + ", " + Math.max(deep, 0)
                    + " of " + confirmations + " confirmations");
        }
        Optional<TransactionReceipt> again = receipt(hash);
        if (again.isEmpty()) {
            return new Depth(r, false, true, "the receipt of tx " + hash + " in block " + block
                    + " is gone (a reorg)");
        }
        TransactionReceipt now = again.get();
        if (!now.getBlockHash().equalsIgnoreCase(r.getBlockHash())) {
            // re-included elsewhere: its depth counts from the new block
            return depthOf(now);
        }
        if (!r.getBlockHash().equalsIgnoreCase(canonicalHash(block))) {
            return new Depth(r, false, true, "block " + block + " of tx " + hash + " is no longer canonical");
        }
        return new Depth(now, true, false, null);
    }

    /**
     * Sends the identical bytes again if the signer's pending count shows their nonce free (a reorg, a
     * drop); true if the node took them.
     */
    private boolean resendIfNonceFree(SignedTx tx) {
        if (pendingCount(tx.signer()) > tx.nonce()) {
            return false;
        }
        Broadcast b = broadcast(tx.rawHex());
        log.warn("signer {}: tx {} nonce {} was no longer on chain nor in the pool; sent again: {}", tx.signer(),
                tx.hash(), tx.nonce(), b.message());
        if (b.kind() == NodeErrors.Kind.UNKNOWN) {
            keepUnconfirmed(tx);
        }
        return b.kind() == NodeErrors.Kind.ALREADY_KNOWN;
    }

    private void forgetHeld(OrderLookup l) {
        ConcurrentSkipListMap<Long, SignedTx> kept = l.nonce() == null ? null : unconfirmed.get(l.signer());
        if (kept != null) {
            kept.remove(l.nonce());
        }
    }

    /** {@link #resendIfNonceFree} for a looked-up record whose signed bytes this process still holds. */
    private boolean resendHeld(OrderLookup l, List<String> hashes) {
        if (l.nonce() == null) {
            return false;
        }
        ConcurrentSkipListMap<Long, SignedTx> kept = unconfirmed.get(l.signer());
        SignedTx tx = kept == null ? null : kept.get(l.nonce());
        return tx != null && hashes.contains(tx.hash()) && resendIfNonceFree(tx);
    }

    // ---- internals ----

    /** The node's answer to a broadcast; a plain acceptance is {@code ALREADY_KNOWN}: the node has it. */
    record Broadcast(NodeErrors.Kind kind, String message) {}

    private SignedTx sign(Address from, long nonce, EvmCall call, long gasLimit, Fees f) {
        RawTransaction raw = RawTransaction.createTransaction(chainId, BigInteger.valueOf(nonce),
                BigInteger.valueOf(gasLimit), call.to().value(), call.value(), call.data(), f.maxPriorityFeePerGas(),
                f.maxFeePerGas());
        byte[] signed = signer.sign(raw, from);
        return new SignedTx(from, nonce, Numeric.toHexString(Hash.sha3(signed)), Numeric.toHexString(signed), f,
                gasLimit, call);
    }

    private void keepUnconfirmed(SignedTx tx) {
        ConcurrentSkipListMap<Long, SignedTx> kept = unconfirmed.computeIfAbsent(tx.signer(),
                k -> new ConcurrentSkipListMap<>());
        if (kept.size() >= UNCONFIRMED_PER_SIGNER && !kept.containsKey(tx.nonce())) {
            // the lowest nonces are the ones that block the signer: keep those
            log.warn("signer {}: {} unconfirmed broadcasts kept already; tx {} nonce {} is left to the reconciler",
                    tx.signer(), kept.size(), tx.hash(), tx.nonce());
            return;
        }
        kept.put(tx.nonce(), tx);
    }

    private void forgetUnconfirmed(SignedTx tx) {
        ConcurrentSkipListMap<Long, SignedTx> kept = unconfirmed.get(tx.signer());
        if (kept != null) {
            kept.remove(tx.nonce(), tx);
        }
    }

    /**
     * Under the signer's lease, before its next nonce: a broadcast whose arrival the node never confirmed
     * and whose nonce the node's pending count has not reached did not get there (or was dropped), and
     * every later transaction of the signer would wait behind the gap. Its identical bytes are sent again:
     * same hash, so it executes at most once whichever copy arrives. A nonce the count passed is used
     * (by it or by another transaction; the receipt or the reconciler tells which) and is forgotten.
     */
    private void resendUnconfirmed(Address from) {
        ConcurrentSkipListMap<Long, SignedTx> kept = unconfirmed.get(from);
        if (kept == null || kept.isEmpty()) {
            return;
        }
        long pending = pendingCount(from);
        // forgotten once final; a nonce mined but not yet confirmations deep may still be reorged out
        kept.headMap(Math.min(pending, settledCount(from))).clear();
        for (SignedTx tx : kept.tailMap(pending).values()) {
            Broadcast b = broadcast(tx.rawHex());
            switch (b.kind()) {
                case UNKNOWN:
                    log.warn("signer {}: re-sending unconfirmed tx {} nonce {} failed again ({}); kept for the next"
                            + " order", from, tx.hash(), tx.nonce(), b.message());
                    return;
                case ALREADY_KNOWN:
                    log.info("signer {}: unconfirmed tx {} nonce {} was missing from the node and is sent again",
                            from, tx.hash(), tx.nonce());
                    break;
                default:
                    // refused, or its nonce is taken: it is not in the pool and these bytes will not be; the
                    // record's lookup (by nonce) and the replacer decide
                    log.warn("signer {}: unconfirmed tx {} nonce {} could not be sent again: {}", from, tx.hash(),
                            tx.nonce(), b.message());
                    break;
            }
            kept.remove(tx.nonce(), tx);
        }
    }

    /**
     * Sends the raw bytes, again after a transport failure or an unrecognised answer (identical bytes:
     * the node answers "already known" if an earlier attempt got through). A success is reported as
     * ALREADY_KNOWN: either way the node has it.
     */
    private Broadcast broadcast(String rawHex) {
        Broadcast last = null;
        for (int attempt = 1; attempt <= broadcastAttempts; attempt++) {
            try {
                EthSendTransaction answer = web3j.ethSendRawTransaction(rawHex).send();
                if (!answer.hasError()) {
                    return new Broadcast(NodeErrors.Kind.ALREADY_KNOWN, "accepted");
                }
                String message = answer.getError().getMessage();
                NodeErrors.Kind kind = NodeErrors.classify(message);
                if (kind != NodeErrors.Kind.UNKNOWN) {
                    return new Broadcast(kind, message);
                }
                last = new Broadcast(kind, "node answered: " + message);
            } catch (IOException | RuntimeException e) {
                last = new Broadcast(NodeErrors.Kind.UNKNOWN, "transport: " + e);
            }
            if (attempt < broadcastAttempts) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50L * attempt));
            }
        }
        return last;
    }

    private SubmitResult fromReceipt(TransactionReceipt r, CopyOrder order) {
        if (r.isStatusOK()) {
            return SubmitResult.confirmed(action.fillOf(order, r));
        }
        return SubmitResult.rejected("tx " + r.getTransactionHash() + " reverted in block " + r.getBlockNumber()
                + ": " + revertReason(r));
    }

    /** The node's revert reason: from the receipt if it has one, else by replaying the call (best effort). */
    private String revertReason(TransactionReceipt r) {
        if (r.getRevertReason() != null && !r.getRevertReason().isBlank()) {
            return r.getRevertReason();
        }
        try {
            Optional<org.web3j.protocol.core.methods.response.Transaction> sent = transaction(r.getTransactionHash());
            if (sent.isEmpty()) {
                return "reason unavailable";
            }
            org.web3j.protocol.core.methods.response.Transaction t = sent.get();
            BigInteger block = r.getBlockNumber().signum() > 0 ? r.getBlockNumber().subtract(BigInteger.ONE)
                    : r.getBlockNumber();
            EthCall replay = web3j.ethCall(Transaction.createFunctionCallTransaction(t.getFrom(), null, null,
                    t.getGas(), t.getTo(), t.getValue(), t.getInput()), DefaultBlockParameter.valueOf(block)).send();
            if (replay.isReverted() && replay.getRevertReason() != null) {
                return replay.getRevertReason();
            }
            if (replay.hasError()) {
                return replay.getError().getMessage();
            }
            return "reason unavailable (the replay did not revert)";
        } catch (IOException | RuntimeException e) {
            return "reason unavailable: " + e.getMessage();
        }
    }

    private long estimateGas(Address from, EvmCall call) {
        try {
            EthEstimateGas est = web3j.ethEstimateGas(Transaction.createFunctionCallTransaction(from.value(), null, null,
                    null, call.to().value(), call.value(), call.data())).send();
            if (est.hasError()) {
                throw new IllegalStateException("gas estimate refused (the call would fail): "
                        + est.getError().getMessage());
            }
            return est.getAmountUsed().longValueExact();
        } catch (IOException e) {
            throw new UncheckedIOException("gas could not be estimated", e);
        }
    }

    private long pendingCount(Address from) {
        return transactionCount(from, DefaultBlockParameterName.PENDING);
    }

    private long transactionCount(Address from, DefaultBlockParameter tag) {
        try {
            EthGetTransactionCount count = web3j.ethGetTransactionCount(from.value(), tag).send();
            if (count.hasError()) {
                throw new UncheckedIOException(new IOException("transaction count refused: "
                        + count.getError().getMessage()));
            }
            return count.getTransactionCount().longValueExact();
        } catch (IOException e) {
            throw new UncheckedIOException("transaction count could not be read", e);
        }
    }

    private Optional<TransactionReceipt> receipt(String hash) {
        try {
            EthGetTransactionReceipt answer = web3j.ethGetTransactionReceipt(hash).send();
            if (answer.hasError()) {
                throw new UncheckedIOException(new IOException("receipt refused: " + answer.getError().getMessage()));
            }
            return answer.getTransactionReceipt();
        } catch (IOException e) {
            throw new UncheckedIOException("receipt could not be read", e);
        }
    }

    private Optional<org.web3j.protocol.core.methods.response.Transaction> transaction(String hash) {
        try {
            EthTransaction answer = web3j.ethGetTransactionByHash(hash).send();
            if (answer.hasError()) {
                throw new UncheckedIOException(new IOException("transaction refused: "
                        + answer.getError().getMessage()));
            }
            return answer.getTransaction();
        } catch (IOException e) {
            throw new UncheckedIOException("transaction could not be read", e);
        }
    }

    private boolean inPool(String hash) {
        Optional<org.web3j.protocol.core.methods.response.Transaction> tx = transaction(hash);
        return tx.isPresent() && tx.get().getBlockNumber() == null;
    }

    private Tracked track(SignedTx tx) {
        return inFlight.compute(key(tx.signer(), tx.nonce()), (k, existing) -> {
            if (existing == null) {
                return new Tracked(tx.hash(), tx.fees());
            }
            if (!existing.hashes.contains(tx.hash())) {
                existing.hashes.add(tx.hash());
            }
            return existing;
        });
    }

    private void untrack(SignedTx tx, Tracked tracked) {
        inFlight.remove(key(tx.signer(), tx.nonce()), tracked);
    }

    private static String key(Address from, long nonce) {
        return from.value() + "#" + nonce;
    }

    private SignedTx signedTx(PreparedOrder order) {
        if (!(order.payload() instanceof SignedTx tx)) {
            throw new IllegalArgumentException("order " + order + " was not prepared by this adapter");
        }
        return tx;
    }

    static boolean isTxHash(String ref) {
        return ref != null && TX_HASH.matcher(ref).matches();
    }

    private static OkHttpClient httpClient(Duration timeout) {
        // no logging interceptor: web3j's default one logs request bodies at DEBUG
        return new OkHttpClient.Builder().connectTimeout(timeout).readTimeout(timeout).writeTimeout(timeout)
                .callTimeout(timeout.multipliedBy(2)).build();
    }

    /** Verifies the node serves {@code chainId}: signing for another chain is refused up front. */
    private static void verifyChain(Web3j web3j, long chainId) {
        try {
            EthChainId answer = web3j.ethChainId().send();
            if (answer.hasError()) {
                throw new IllegalStateException("the node refused eth_chainId: " + answer.getError().getMessage());
            }
            long served = answer.getChainId().longValueExact();
            if (served != chainId) {
                throw new InvalidInputException("chainId", chainId, "the node serves chain " + served);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the node could not be asked for its chain id", e);
        }
    }

    /**
     * Configuration; {@link #build()} fails naming the first missing or bad field. Required:
     * {@link #rpcUrl} or {@link #web3j}, {@link #chainId}, {@link #signer}, {@link #action}.
     */
    public static final class Builder {
        private String rpcUrl;
        private Web3j web3j;
        private Long chainIdValue;
        private long chainId;
        private TransactionSigner signer;
        private EvmAction action;
        private FeeProvider fees = FeeProvider.fromNode();
        private Duration receiptWait = Duration.ofSeconds(60);
        private Duration receiptPoll = Duration.ofMillis(250);
        private Duration rpcTimeout = Duration.ofSeconds(10);
        private int broadcastAttempts = 3;
        private boolean askChainForEveryNonce = true;
        private boolean movesRealMoney = true;
        private boolean verifyChainId = true;
        private int confirmations = 1;

        private Builder() {}

        /** The node's JSON-RPC HTTP endpoint; the adapter opens (and {@link #close closes}) the connection. */
        public Builder rpcUrl(String rpcUrl) {
            this.rpcUrl = rpcUrl;
            return this;
        }

        /** A connection the host owns (and closes); instead of {@link #rpcUrl}. */
        public Builder web3j(Web3j web3j) {
            this.web3j = web3j;
            return this;
        }

        /** Required: the chain every transaction is signed for; checked against the node at build. */
        public Builder chainId(long chainId) {
            this.chainIdValue = chainId;
            return this;
        }

        /** Required: holds the followers' signer keys. */
        public Builder signer(TransactionSigner signer) {
            this.signer = signer;
            return this;
        }

        /** Required: what an order does on chain. */
        public Builder action(EvmAction action) {
            this.action = action;
            return this;
        }

        /** Default: {@link FeeProvider#fromNode()}. */
        public Builder fees(FeeProvider fees) {
            this.fees = fees;
            return this;
        }

        /**
         * Default: 60 s. How long {@link #awaitOutcome} polls for a receipt before leaving the record
         * SUBMITTED for the reconciler; keep it well under the executor's in-flight TTL.
         */
        public Builder receiptWait(Duration receiptWait) {
            this.receiptWait = receiptWait;
            return this;
        }

        /**
         * Default: 250 ms. How often new blocks are read while orders wait for receipts: one shared read of
         * each new block's receipts serves every waiting order of this adapter ({@code eth_getBlockReceipts});
         * each order also asks for its own receipt at the start, every 20 polls and at the deadline.
         */
        public Builder receiptPoll(Duration receiptPoll) {
            this.receiptPoll = receiptPoll;
            return this;
        }

        /** Default: 10 s. Connect/read timeout of each JSON-RPC call on a connection built from {@link #rpcUrl}. */
        public Builder rpcTimeout(Duration rpcTimeout) {
            this.rpcTimeout = rpcTimeout;
            return this;
        }

        /** Default: 3. Broadcasts of the identical bytes tried when the node's answer is lost. */
        public Builder broadcastAttempts(int attempts) {
            this.broadcastAttempts = attempts;
            return this;
        }

        /**
         * Default: true — before every nonce, the signer's pending count is read from the node (under the
         * signer's lease), so processes sharing a signer through a cross-process mutex continue each
         * other's nonces. False: read only at first use and after a nonce error, one round trip less per
         * order, for signers no other process sends from.
         */
        public Builder askChainForEveryNonce(boolean ask) {
            this.askChainForEveryNonce = ask;
            return this;
        }

        /** Default: true. False for a test chain, so the real-trading switch does not apply. */
        public Builder movesRealMoney(boolean movesRealMoney) {
            this.movesRealMoney = movesRealMoney;
            return this;
        }

        /**
         * Default: 1 (a receipt counts as soon as it is read). How many blocks deep (the receipt's own block
         * counting as 1) a transaction must be, in a block still canonical when read again at that depth,
         * before {@link #awaitOutcome} and {@link #lookup} report it EXECUTED or FAILED, and before a nonce
         * used by another transaction proves an order can never execute. Until then the record stays
         * SUBMITTED; a transaction a reorg took out is sent again (identical bytes) while this process
         * holds them. Keep {@code confirmations × block time} well under {@code receiptWait}, or orders wait
         * for the reconciler. Polygon PoS (about 2 s blocks): before the milestones of PIP-11 (2023),
         * finality was probabilistic until the next checkpoint (hundreds of blocks) and reorgs of several
         * blocks were seen, so services waited for tens to hundreds of blocks; with milestones a block is
         * final much sooner (the node's {@code finalized} tag shows when). Pick the depth from your node's
         * {@code finalized} lag and the value at stake; 1 trusts the first receipt. In 1..1024.
         */
        public Builder confirmations(int confirmations) {
            this.confirmations = confirmations;
            return this;
        }

        /** Default: true. Ask the node for its chain id at build and refuse a mismatch. */
        public Builder verifyChainId(boolean verify) {
            this.verifyChainId = verify;
            return this;
        }

        public EvmChainAdapter build() {
            if (rpcUrl == null && web3j == null) {
                throw new InvalidInputException("rpcUrl", null, "is required (or web3j)");
            }
            if (rpcUrl != null && web3j != null) {
                throw new InvalidInputException("rpcUrl", rpcUrl, "give either rpcUrl or web3j, not both");
            }
            if (rpcUrl != null && !(rpcUrl.startsWith("http://") || rpcUrl.startsWith("https://"))) {
                throw new InvalidInputException("rpcUrl", rpcUrl, "must be an http(s) URL");
            }
            InvalidInputException.requireNonNull("chainId", chainIdValue);
            if (chainIdValue <= 0) {
                throw new InvalidInputException("chainId", chainIdValue, "must be positive");
            }
            chainId = chainIdValue;
            InvalidInputException.requireNonNull("signer", signer);
            InvalidInputException.requireNonNull("action", action);
            InvalidInputException.requireNonNull("fees", fees);
            InvalidInputException.requirePositive("receiptWait", receiptWait);
            InvalidInputException.requirePositive("receiptPoll", receiptPoll);
            InvalidInputException.requirePositive("rpcTimeout", rpcTimeout);
            if (broadcastAttempts < 1 || broadcastAttempts > 10) {
                throw new InvalidInputException("broadcastAttempts", broadcastAttempts, "must be in 1..10");
            }
            if (confirmations < 1 || confirmations > 1024) {
                throw new InvalidInputException("confirmations", confirmations, "must be in 1..1024");
            }
            EvmChainAdapter adapter = new EvmChainAdapter(this);
            if (verifyChainId) {
                try {
                    verifyChain(adapter.web3j, chainId);
                } catch (RuntimeException e) {
                    adapter.close();
                    throw e;
                }
            }
            return adapter;
        }
    }
}
