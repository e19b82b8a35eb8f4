package io.clusterdns.agent.lb;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The SHA-256 of a name, for everything the agent derives from names that must come out the same
 * on every node and after every restart: chain-name suffixes, DNAT slot blocks, Maglev
 * permutations. One digest per thread, because {@code MessageDigest.getInstance} looks the
 * provider up on every call and a full sync hashes tens of thousands of names.
 */
public final class NameDigest {
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    });

    private NameDigest() {
    }

    /** The 32-byte SHA-256 of the name's UTF-8 bytes. */
    public static byte[] sha256(String name) {
        return SHA256.get().digest(name.getBytes(StandardCharsets.UTF_8));
    }
}
