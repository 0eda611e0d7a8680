package dev.copytrade.core.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 to lower-case hex, with one digest per thread (getInstance is slow on the hot path). */
public final class Hashing {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JRE", e);
        }
    });

    private Hashing() {}

    public static String sha256Hex(String text) {
        MessageDigest md = SHA256.get();
        md.reset();
        byte[] digest = md.digest(text.getBytes(StandardCharsets.UTF_8));
        // hex is ASCII: filling bytes skips the char[] and the compaction pass of new String(char[])
        byte[] out = new byte[digest.length * 2];
        for (int i = 0; i < digest.length; i++) {
            out[2 * i] = HEX[(digest[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[digest[i] & 0xf];
        }
        return new String(out, StandardCharsets.ISO_8859_1);
    }
}
