package dev.copytrade.core.testkit.evm;

import dev.copytrade.core.evm.EvmAction;
import dev.copytrade.core.evm.EvmChainAdapter;
import dev.copytrade.core.evm.TransactionSigner;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.FollowerId;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.policy.CopyPolicy;
import dev.copytrade.core.policy.Follower;
import dev.copytrade.core.testkit.Records;
import java.math.BigInteger;
import java.time.Duration;

/** Shared set-up of the EVM tests: followers signing with test keys, an adapter preset for an anvil node. */
public final class EvmRig {
    /** 10¹² wei per USDC base unit: a 5 USDC order moves 5 × 10¹⁸ wei (5 ether). */
    public static final BigInteger WEI_PER_USDC_UNIT = BigInteger.TEN.pow(12);
    /** Every order of {@link #follower}: 5 USDC. */
    public static final Usdc ORDER_USDC = Usdc.ofMicros(5_000_000);

    private EvmRig() {}

    /** A follower with a fresh id whose orders {@code signer} signs and whose wallet receives the transfer. */
    public static Follower follower(Address signer, Address wallet) {
        return follower(Records.unique("evm-follower"), signer, wallet);
    }

    /** A follower with the given id (two processes building the same follower). */
    public static Follower follower(String id, Address signer, Address wallet) {
        return new Follower(FollowerId.of(id), wallet, signer, CopyPolicy.fixed(ORDER_USDC).build());
    }

    /** A fresh address nobody holds a key for (a transfer recipient). */
    public static Address recipient(java.util.Random random) {
        return AnvilNode.addressOf(AnvilNode.randomKey(random));
    }

    /** The wei an order of {@link #follower} transfers once it is sized from a {@link Records#trade()}. */
    public static BigInteger weiOf(Usdc notional) {
        return BigInteger.valueOf(notional.micros()).multiply(WEI_PER_USDC_UNIT);
    }

    /** An adapter on {@code node} that pays each order's notional to the follower's wallet; polls fast. */
    public static EvmChainAdapter.Builder adapter(AnvilNode node, TransactionSigner signer) {
        return adapter(node.rpcUrl(), signer);
    }

    /** {@link #adapter(AnvilNode, TransactionSigner)} for a node known by its URL (another process's). */
    public static EvmChainAdapter.Builder adapter(String rpcUrl, TransactionSigner signer) {
        return EvmChainAdapter.builder().rpcUrl(rpcUrl).chainId(AnvilNode.CHAIN_ID).signer(signer)
                .action(EvmAction.transferNotionalToWallet(WEI_PER_USDC_UNIT)).movesRealMoney(false)
                .receiptPoll(Duration.ofMillis(20)).receiptWait(Duration.ofSeconds(20));
    }

    /**
     * Runtime code of a contract that reverts every call with {@code Error(reason)} (reason ≤ 32 bytes),
     * to put at an address with {@link AnvilNode#setCode}.
     */
    public static String revertingCode(String reason) {
        byte[] text = reason.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (text.length > 32) {
            throw new IllegalArgumentException("reason longer than 32 bytes");
        }
        StringBuilder padded = new StringBuilder();
        for (byte b : text) {
            padded.append(String.format("%02x", b));
        }
        while (padded.length() < 64) {
            padded.append('0');
        }
        return "0x"
                + "7f08c379a0" + "00".repeat(28) + "600052"     // mstore(0, Error(string) selector)
                + "6020600452"                                  // mstore(4, 0x20): offset of the string
                + "60" + String.format("%02x", text.length) + "602452" // mstore(0x24, length)
                + "7f" + padded + "604452"                      // mstore(0x44, bytes)
                + "60646000fd";                                 // revert(0, 0x64)
    }
}
