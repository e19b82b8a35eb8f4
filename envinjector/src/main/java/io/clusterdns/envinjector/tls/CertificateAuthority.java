package io.clusterdns.envinjector.tls;

import io.clusterdns.k8s.model.IpAddresses;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small private CA for the webhook: a self-signed root that issues the serving certificate the
 * API server checks against the {@code caBundle}. BouncyCastle builds the certificates (the JDK
 * has no public API for issuing them); keys and signatures use the JDK's own providers.
 */
public final class CertificateAuthority {
    /** Certificates start an hour in the past so that a node with a slightly late clock accepts them at once. */
    static final Duration BACKDATE = Duration.ofHours(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;

    private CertificateAuthority(X509Certificate certificate, PrivateKey key) {
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.key = Objects.requireNonNull(key, "key");
    }

    /** A new self-signed CA. */
    public static CertificateAuthority create(String commonName, Duration validity, KeyType keyType) {
        KeyPair pair = keyType.generate();
        X500Name subject = name(commonName);
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = builder(subject, subject, now, validity, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new CertificateAuthority(sign(b, pair.getPrivate(), keyType.signatureAlgorithm()), pair.getPrivate());
        } catch (CertIOException | java.security.NoSuchAlgorithmException e) {
            throw new TlsException("cannot build the CA certificate: " + e.getMessage(), e);
        }
    }

    /** An existing CA from its PEM certificate and key (to issue a new serving certificate under the same caBundle). */
    public static CertificateAuthority load(byte[] certificatePem, byte[] keyPem) {
        ServingCertificate pair = ServingCertificate.parse(certificatePem, keyPem);
        if (pair.leaf().getBasicConstraints() < 0) {
            throw new TlsException("certificate " + pair.describe() + " is not a CA");
        }
        return new CertificateAuthority(pair.leaf(), pair.key());
    }

    /**
     * A serving certificate for {@code names} (DNS names or IP literals, the first one also the
     * common name), signed by this CA.
     */
    public ServingCertificate issue(List<String> names, Duration validity, KeyType keyType) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a serving certificate needs at least one name");
        }
        KeyPair pair = keyType.generate();
        List<GeneralName> sans = new ArrayList<>();
        for (String n : names) {
            sans.add(IpAddresses.isLiteral(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
        }
        int usage = KeyUsage.digitalSignature | (keyType == KeyType.RSA ? KeyUsage.keyEncipherment : 0);
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = builder(X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
                    name(names.get(0)), Instant.now(), validity, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(usage))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            X509Certificate leaf = sign(b, key, signatureAlgorithm());
            return new ServingCertificate(List.of(leaf), pair.getPrivate());
        } catch (CertIOException | java.security.NoSuchAlgorithmException | java.security.cert.CertificateEncodingException e) {
            throw new TlsException("cannot build the serving certificate: " + e.getMessage(), e);
        }
    }

    private String signatureAlgorithm() {
        return "EC".equals(key.getAlgorithm()) ? KeyType.ECDSA.signatureAlgorithm() : KeyType.RSA.signatureAlgorithm();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, Instant now, Duration validity, PublicKey key) {
        BigInteger serial = new BigInteger(127, RANDOM).add(BigInteger.ONE);
        return new JcaX509v3CertificateBuilder(issuer, serial, Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)), subject, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer, String algorithm) {
        try {
            ContentSigner contentSigner = new JcaContentSignerBuilder(algorithm).build(signer);
            return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
        } catch (OperatorCreationException | CertificateException e) {
            throw new TlsException("cannot sign a certificate: " + e.getMessage(), e);
        }
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey key() {
        return key;
    }

    public byte[] certificatePem() {
        return Pem.encode(List.of(certificate));
    }

    public byte[] keyPem() {
        return Pem.encode(key);
    }

    /** The base64 of the PEM certificate: the {@code caBundle} field of a webhook configuration. */
    public String caBundle() {
        return Base64.getEncoder().encodeToString(certificatePem());
    }
}
