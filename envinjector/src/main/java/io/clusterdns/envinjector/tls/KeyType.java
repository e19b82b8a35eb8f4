package io.clusterdns.envinjector.tls;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Locale;

/** Key types the {@code certs} subcommand generates. */
public enum KeyType {
    /** ECDSA on P-256: small, fast handshakes, accepted by every API server. */
    ECDSA("SHA256withECDSA"),
    /** RSA 2048, for environments that insist on RSA. */
    RSA("SHA256withRSA");

    private final String signatureAlgorithm;

    KeyType(String signatureAlgorithm) {
        this.signatureAlgorithm = signatureAlgorithm;
    }

    public static KeyType parse(String text) {
        return switch (text == null ? "" : text.trim().toLowerCase(Locale.ROOT)) {
            case "ecdsa", "ec", "p256", "p-256" -> ECDSA;
            case "rsa", "rsa2048" -> RSA;
            default -> throw new IllegalArgumentException("expected ecdsa or rsa, got \"" + text + "\"");
        };
    }

    /** The algorithm a CA with this key type signs with. */
    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    public KeyPair generate() {
        try {
            if (this == ECDSA) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"));
                return g.generateKeyPair();
            }
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new TlsException("cannot generate a " + this + " key: " + e.getMessage(), e);
        }
    }
}
