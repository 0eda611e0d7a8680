package dev.copytrade.core.evm;

import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.InvalidInputException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.Sign;
import org.web3j.crypto.TransactionEncoder;

/**
 * Private keys held in this process, one per signer address. The keys never leave this object: not in
 * {@link #toString()} (which lists the addresses only), not in an exception (a malformed key is
 * reported by its position in the list, never by its text), not in a log line.
 */
public final class SignerKeys implements TransactionSigner {
    private final Map<Address, Credentials> byAddress;

    private SignerKeys(Map<Address, Credentials> byAddress) {
        this.byAddress = Collections.unmodifiableMap(byAddress);
    }

    /**
     * Keys as 32-byte hex strings ({@code 0x} optional).
     *
     * @throws InvalidInputException naming the position ({@code signerKeys[2]}) of a malformed key,
     *     without its text
     */
    public static SignerKeys of(List<String> privateKeysHex) {
        InvalidInputException.requireNonNull("signerKeys", privateKeysHex);
        if (privateKeysHex.isEmpty()) {
            throw new InvalidInputException("signerKeys", "[]", "must hold at least one key");
        }
        Map<Address, Credentials> keys = new LinkedHashMap<>();
        for (int i = 0; i < privateKeysHex.size(); i++) {
            Credentials c = parse("signerKeys[" + i + "]", privateKeysHex.get(i));
            keys.put(Address.of(c.getAddress()), c);
        }
        return new SignerKeys(keys);
    }

    public static SignerKeys of(String... privateKeysHex) {
        InvalidInputException.requireNonNull("signerKeys", privateKeysHex);
        return of(Arrays.asList(privateKeysHex));
    }

    /**
     * Keys from an environment variable holding comma-separated hex keys, so they stay out of
     * configuration files and command lines.
     *
     * @throws InvalidInputException naming the variable if it is unset or empty
     */
    public static SignerKeys fromEnvironment(String variable) {
        InvalidInputException.requireNonNull("variable", variable);
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            throw new InvalidInputException(variable, "<unset>", "environment variable holds no signer keys");
        }
        List<String> keys = new ArrayList<>();
        for (String k : value.split(",")) {
            keys.add(k.trim());
        }
        return of(keys);
    }

    /** The addresses whose keys are held, in the order given. */
    public Set<Address> signers() {
        return byAddress.keySet();
    }

    @Override
    public boolean holds(Address signer) {
        return byAddress.containsKey(signer);
    }

    @Override
    public byte[] sign(RawTransaction transaction, Address signer) {
        Credentials c = byAddress.get(signer);
        if (c == null) {
            throw new IllegalArgumentException("no signing key held for signer " + signer);
        }
        return TransactionEncoder.signMessage(transaction, c);
    }

    @Override
    public String toString() {
        return "SignerKeys" + byAddress.keySet() + " (keys redacted)";
    }

    private static Credentials parse(String field, String key) {
        String redacted = key == null ? null : "<redacted>";
        if (key == null) {
            throw new InvalidInputException(field, null, "is required");
        }
        String hex = key.trim();
        if (hex.startsWith("0x") || hex.startsWith("0X")) {
            hex = hex.substring(2);
        }
        if (hex.length() != 64 || !isHex(hex)) {
            throw new InvalidInputException(field, redacted, "is not a 32-byte hex private key");
        }
        BigInteger d = new BigInteger(hex, 16);
        if (d.signum() == 0 || d.compareTo(Sign.CURVE_PARAMS.getN()) >= 0) {
            throw new InvalidInputException(field, redacted, "is not a valid secp256k1 private key");
        }
        return Credentials.create(ECKeyPair.create(d));
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
