package io.clusterdns.envinjector.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ServingCertificateTest {
    static final List<String> NAMES = List.of("svc.ns.svc", "127.0.0.1");

    /**
     * The traditional OpenSSL form: PKCS#1 for RSA ("RSA PRIVATE KEY"), SEC1 for EC ("EC PRIVATE
     * KEY") with the curve inside, as {@code openssl ecparam -genkey} writes it.
     */
    static byte[] traditional(PrivateKey key) throws IOException {
        if (key.getAlgorithm().equals("EC")) {
            return sec1(key, true);
        }
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(key);
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The secret number of a key, whatever its encoding. */
    static java.math.BigInteger secret(PrivateKey key) {
        return key instanceof java.security.interfaces.ECPrivateKey ec ? ec.getS()
                : ((java.security.interfaces.RSAPrivateKey) key).getPrivateExponent();
    }

    /** SEC1 {@code EC PRIVATE KEY}, with or without the curve in the structure. */
    static byte[] sec1(PrivateKey key, boolean withCurve) throws IOException {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
        ECPrivateKey out = withCurve ? new ECPrivateKey(256, inner.getKey(), info.getPrivateKeyAlgorithm().getParameters())
                : new ECPrivateKey(256, inner.getKey());
        StringWriter pem = new StringWriter();
        try (PemWriter w = new PemWriter(pem)) {
            w.writeObject(new PemObject("EC PRIVATE KEY", out.getEncoded()));
        }
        return pem.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void issuedCertificatesVerifyAgainstTheirCaInEveryKeyFormat(KeyType type) throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("test-ca", Duration.ofDays(2), type);
        ServingCertificate leaf = ca.issue(NAMES, Duration.ofDays(1), type);

        leaf.leaf().verify(ca.certificate().getPublicKey());
        assertThat(leaf.subjectAltNames()).containsExactly("svc.ns.svc", "127.0.0.1");
        assertThat(leaf.leaf().getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.leaf().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(ca.certificate().getBasicConstraints()).isZero();
        assertThat(leaf.notAfter()).isBefore(ca.certificate().getNotAfter().toInstant());

        byte[] pkcs8 = leaf.keyPem();
        assertThat(new String(pkcs8, StandardCharsets.US_ASCII)).startsWith("-----BEGIN PRIVATE KEY-----");
        byte[] old = traditional(leaf.key());
        assertThat(new String(old, StandardCharsets.US_ASCII)).startsWith(type == KeyType.RSA ? "-----BEGIN RSA PRIVATE KEY-----"
                : "-----BEGIN EC PRIVATE KEY-----");
        for (byte[] key : List.of(pkcs8, old)) {
            ServingCertificate parsed = ServingCertificate.parse(leaf.certificatePem(), key);
            assertThat(parsed.leaf()).isEqualTo(leaf.leaf());
            assertThat(new String(parsed.keyPem(), StandardCharsets.US_ASCII)).startsWith("-----BEGIN PRIVATE KEY-----");
            assertThat(secret(parsed.key())).isEqualTo(secret(leaf.key()));
        }
    }

    @Test
    void ecKeysNamingTheirCurveOnlyInAnEcParametersBlockAreRead() throws Exception {
        ServingCertificate leaf = CertificateAuthority.create("ca", Duration.ofDays(1), KeyType.ECDSA).issue(NAMES, Duration.ofDays(1), KeyType.ECDSA);
        byte[] withParams = ("-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + new String(sec1(leaf.key(), false), StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
        assertThat(secret(ServingCertificate.parse(leaf.certificatePem(), withParams).key())).isEqualTo(secret(leaf.key()));
    }

    @Test
    void badPairsAreRefusedWithAReason() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("ca", Duration.ofDays(1), KeyType.ECDSA);
        ServingCertificate a = ca.issue(NAMES, Duration.ofDays(1), KeyType.ECDSA);
        ServingCertificate b = ca.issue(NAMES, Duration.ofDays(1), KeyType.ECDSA);

        assertThatThrownBy(() -> ServingCertificate.parse(a.certificatePem(), b.keyPem()))
                .isInstanceOf(TlsException.class).hasMessageStartingWith("the key does not belong to the certificate \"CN=svc.ns.svc\"");
        assertThatThrownBy(() -> ServingCertificate.parse("garbage".getBytes(StandardCharsets.US_ASCII), a.keyPem()))
                .hasMessageStartingWith("certificate: ");
        assertThatThrownBy(() -> ServingCertificate.parse(a.certificatePem(), new byte[0])).hasMessage("key: no PEM private key found");
        assertThatThrownBy(() -> ServingCertificate.parse(a.certificatePem(), a.certificatePem()))
                .hasMessage("key: expected a PEM private key, found X509CertificateHolder");
        assertThatThrownBy(() -> ServingCertificate.parse(a.certificatePem(), encrypted(a.key())))
                .hasMessage("key: the private key is encrypted; give an unencrypted key");
        assertThatThrownBy(() -> CertificateAuthority.load(a.certificatePem(), a.keyPem())).hasMessageEndingWith("is not a CA");
    }

    private static byte[] encrypted(PrivateKey key) throws IOException, OperatorCreationException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(new JcaPKCS8Generator(key, new JceOpenSSLPKCS8EncryptorBuilder(
                    org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC).setPassword("pw".toCharArray()).build()));
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aLoadedCaIssuesUnderTheSameBundle() {
        CertificateAuthority ca = CertificateAuthority.create("ca", Duration.ofDays(1), KeyType.RSA);
        CertificateAuthority again = CertificateAuthority.load(ca.certificatePem(), ca.keyPem());
        assertThat(again.caBundle()).isEqualTo(ca.caBundle());
        ServingCertificate leaf = again.issue(NAMES, Duration.ofDays(1), KeyType.ECDSA);
        assertThat(leaf.leaf().getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
    }
}
