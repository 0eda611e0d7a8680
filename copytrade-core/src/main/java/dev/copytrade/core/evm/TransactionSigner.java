package dev.copytrade.core.evm;

import dev.copytrade.core.model.Address;
import org.web3j.crypto.RawTransaction;

/**
 * Signs transactions for signer addresses, without ever handing out a key: an in-process key set
 * ({@link SignerKeys}), or a host's HSM / remote signer. Implementations are thread-safe and never
 * put key material into an exception message, a log line or {@code toString}.
 */
public interface TransactionSigner {

    /** True if this signer holds the key of {@code signer}. */
    boolean holds(Address signer);

    /**
     * Signs {@code transaction} (which carries its chain id) with the key of {@code signer}.
     *
     * @return the signed transaction as broadcast (its Keccak-256 is the transaction hash)
     * @throws IllegalArgumentException naming the address if no key for {@code signer} is held
     */
    byte[] sign(RawTransaction transaction, Address signer);
}
