package io.clusterdns.envinjector.tls;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A certificate chain and its private key, checked to belong together. What the server loads is
 * {@link #certificatePem()} and {@link #keyPem()} (PKCS#8), so any key format {@link Pem} reads
 * works with Vert.x.
 */
public record ServingCertificate(List<X509Certificate> chain, PrivateKey key) {
    public ServingCertificate {
        chain = List.copyOf(chain);
        Objects.requireNonNull(key, "key");
        if (chain.isEmpty()) {
            throw new TlsException("no certificate");
        }
    }

    /**
     * Parses a PEM chain (leaf first) and key and checks that the key signs for the leaf.
     *
     * @throws TlsException naming what is wrong
     */
    public static ServingCertificate parse(byte[] certificatePem, byte[] keyPem) {
        List<X509Certificate> chain;
        try {
            chain = Pem.certificates(certificatePem);
        } catch (TlsException e) {
            throw new TlsException("certificate: " + e.getMessage(), e);
        }
        PrivateKey key;
        try {
            key = Pem.privateKey(keyPem);
        } catch (TlsException e) {
            throw new TlsException("key: " + e.getMessage(), e);
        }
        ServingCertificate pair = new ServingCertificate(chain, key);
        pair.checkKeyMatches();
        return pair;
    }

    /** Signs with the key and verifies with the leaf: works for every key type, and is what TLS will do. */
    private void checkKeyMatches() {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new TlsException("key: unsupported key algorithm " + key.getAlgorithm());
        };
        byte[] probe = new byte[32];
        new SecureRandom().nextBytes(probe);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf().getPublicKey());
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new TlsException("the key does not belong to the certificate " + describe());
            }
        } catch (GeneralSecurityException e) {
            throw new TlsException("the key does not belong to the certificate " + describe() + ": " + e.getMessage(), e);
        }
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    public byte[] certificatePem() {
        return Pem.encode(chain);
    }

    public byte[] keyPem() {
        return Pem.encode(key);
    }

    /** The DNS and IP subject alternative names of the leaf. */
    public List<String> subjectAltNames() {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = leaf().getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    if (type == 2 || type == 7) {
                        out.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            // only used in log lines
        }
        return out;
    }

    /** For log lines: subject, names, serial and expiry. */
    public String describe() {
        return "\"" + leaf().getSubjectX500Principal().getName() + "\" (names " + subjectAltNames() + ", serial "
                + leaf().getSerialNumber().toString(16) + ", expires " + notAfter() + ")";
    }
}
