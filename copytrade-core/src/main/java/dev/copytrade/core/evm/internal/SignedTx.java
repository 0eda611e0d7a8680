package dev.copytrade.core.evm.internal;

import dev.copytrade.core.evm.EvmCall;
import dev.copytrade.core.evm.Fees;
import dev.copytrade.core.model.Address;

/**
 * A signed transaction carried from prepare to send in {@code PreparedOrder.payload()}: public data
 * only (a signed transaction reveals no key), and its {@code toString} leaves the raw bytes out.
 */
public record SignedTx(Address signer, long nonce, String hash, String rawHex, Fees fees, long gasLimit,
        EvmCall call) {

    @Override
    public String toString() {
        return "SignedTx{" + signer + ", nonce=" + nonce + ", hash=" + hash + ", fees=" + fees + "}";
    }
}
