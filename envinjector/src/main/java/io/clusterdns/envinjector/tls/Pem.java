package io.clusterdns.envinjector.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Null;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/** PEM reading and writing: certificates, and private keys in every unencrypted format openssl writes. */
public final class Pem {
    private Pem() {
    }

    /** All certificates of a PEM bundle, in order. */
    public static List<X509Certificate> certificates(byte[] pem) {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<X509Certificate> out = new ArrayList<>();
            for (var c : cf.generateCertificates(new ByteArrayInputStream(pem))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new TlsException("no PEM certificate found");
            }
            return out;
        } catch (CertificateException e) {
            throw new TlsException("not a PEM certificate: " + e.getMessage(), e);
        }
    }

    /** The private key of a PEM file: PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}). */
    public static PrivateKey privateKey(byte[] pem) {
        try (PEMParser parser = new PEMParser(new InputStreamReader(new ByteArrayInputStream(pem), StandardCharsets.US_ASCII))) {
            Object o;
            ASN1ObjectIdentifier curve = null;
            while ((o = parser.readObject()) != null) {
                if (o instanceof PEMKeyPair kp) {
                    return new JcaPEMKeyConverter().getPrivateKey(withCurve(kp.getPrivateKeyInfo(), curve));
                }
                if (o instanceof PrivateKeyInfo pki) {
                    return new JcaPEMKeyConverter().getPrivateKey(pki);
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new TlsException("the private key is encrypted; give an unencrypted key");
                }
                if (o instanceof ASN1ObjectIdentifier oid) {
                    // an "EC PARAMETERS" block, as openssl writes before SEC1 keys: the curve
                    curve = oid;
                } else {
                    throw new TlsException("expected a PEM private key, found " + o.getClass().getSimpleName());
                }
            }
            throw new TlsException("no PEM private key found");
        } catch (IOException e) {
            throw new TlsException("not a PEM private key: " + e.getMessage(), e);
        }
    }

    /**
     * A SEC1 key may leave the curve out of its own structure and name it only in a preceding
     * {@code EC PARAMETERS} block; the JDK needs it in the algorithm identifier.
     */
    private static PrivateKeyInfo withCurve(PrivateKeyInfo info, ASN1ObjectIdentifier curve) throws IOException {
        AlgorithmIdentifier alg = info.getPrivateKeyAlgorithm();
        boolean noParameters = alg.getParameters() == null || alg.getParameters() instanceof ASN1Null;
        if (curve == null || !X9ObjectIdentifiers.id_ecPublicKey.equals(alg.getAlgorithm()) || !noParameters) {
            return info;
        }
        return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), info.parsePrivateKey());
    }

    /** PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}). */
    public static byte[] encode(PrivateKey key) {
        return encode(new PemObject("PRIVATE KEY", key.getEncoded()));
    }

    /** {@code -----BEGIN CERTIFICATE-----} blocks, one after the other. */
    public static byte[] encode(List<X509Certificate> certificates) {
        StringBuilder sb = new StringBuilder();
        for (X509Certificate c : certificates) {
            try {
                sb.append(new String(encode(new PemObject("CERTIFICATE", c.getEncoded())), StandardCharsets.US_ASCII));
            } catch (CertificateEncodingException e) {
                throw new TlsException("cannot encode certificate " + c.getSubjectX500Principal(), e);
            }
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] encode(PemObject object) {
        StringWriter out = new StringWriter();
        try (PemWriter w = new PemWriter(out)) {
            w.writeObject(object);
        } catch (IOException e) {
            throw new IllegalStateException("writing to a StringWriter failed", e);
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
