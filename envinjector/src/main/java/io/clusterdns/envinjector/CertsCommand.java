package io.clusterdns.envinjector;

import io.clusterdns.envinjector.tls.CertificateAuthority;
import io.clusterdns.envinjector.tls.KeyType;
import io.clusterdns.envinjector.tls.ServingCertificate;
import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.informer.ClusterConnection;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.source.ClusterSourceOptions;
import io.clusterdns.k8s.webhook.TlsSecrets;
import io.clusterdns.k8s.webhook.WebhookConfigurations;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code envinjector certs}: a private CA and a serving certificate for the webhook's Service, as
 * PEM files; prints the {@code caBundle} (base64 of the CA certificate) on stdout, and with
 * {@code --kubeconfig}/{@code --master} writes it into the MutatingWebhookConfiguration. When the
 * output folder already holds {@code ca.crt} and {@code ca.key}, that CA is reused: a new serving
 * certificate then needs no caBundle change.
 */
@Command(name = "certs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Creates a CA and a serving certificate for <service>.<namespace>.svc, writes ca.crt, ca.key, tls.crt and tls.key",
                "into --out, and prints the caBundle; with --kubeconfig, --master or --in-cluster, also patches the MutatingWebhookConfiguration",
                "and, with --secret, writes the kubernetes.io/tls Secret the Deployment mounts."})
final class CertsCommand implements Callable<Integer> {
    static final String DEFAULT_SERVICE = "clusterdns-envinjector";
    static final String DEFAULT_NAMESPACE = "clusterdns-system";
    static final String DEFAULT_WEBHOOK_CONFIG = "clusterdns-envinjector";
    /** Dot-separated RFC 1123 labels, any case. */
    private static final Pattern DNS_NAME = Pattern.compile("(?i)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*");

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for ca.crt, ca.key, tls.crt, tls.key (created if missing).")
    String out;

    @Option(names = "--service", paramLabel = "NAME", defaultValue = DEFAULT_SERVICE, description = "The webhook's Service. Default: ${DEFAULT-VALUE}.")
    String service;

    @Option(names = "--namespace", paramLabel = "NS", defaultValue = DEFAULT_NAMESPACE, description = "The Service's namespace. Default: ${DEFAULT-VALUE}.")
    String namespace;

    @Option(names = "--zone", paramLabel = "ZONE", defaultValue = InjectorConfig.DEFAULT_ZONE, description = "Cluster domain for the longest name. Default: ${DEFAULT-VALUE}.")
    String zone;

    @Option(names = "--san", paramLabel = "NAME|IP", description = "Extra DNS name or IP in the serving certificate, repeatable (e.g. 127.0.0.1 to test locally).")
    List<String> extraNames = new ArrayList<>();

    @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ecdsa", description = "ecdsa (P-256) or rsa (2048). Default: ${DEFAULT-VALUE}.")
    String keyType;

    @Option(names = "--days", paramLabel = "N", defaultValue = "365", description = "Validity of the serving certificate. Default: ${DEFAULT-VALUE}.")
    int days;

    @Option(names = "--ca-days", paramLabel = "N", defaultValue = "3650", description = "Validity of a new CA. Default: ${DEFAULT-VALUE}.")
    int caDays;

    @Option(names = "--webhook-config", paramLabel = "NAME", defaultValue = DEFAULT_WEBHOOK_CONFIG,
            description = "MutatingWebhookConfiguration whose caBundle is set (with --kubeconfig or --master). Default: ${DEFAULT-VALUE}.")
    String webhookConfig;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Patch the caBundle in this cluster.")
    String kubeconfig;

    @Option(names = "--context", paramLabel = "NAME", description = "kubeconfig context. Default: the current one.")
    String context;

    @Option(names = "--in-cluster", description = "Patch (and write --secret) with this pod's service account: the certificate bootstrap Job.")
    boolean inCluster;

    @Option(names = "--secret", paramLabel = "NAME",
            description = "Also create or update this kubernetes.io/tls Secret in --namespace (tls.crt, tls.key, ca.crt); needs a cluster connection.")
    String secret;

    @Option(names = "--master", paramLabel = "URL", description = "API server URL (overrides the kubeconfig's, or alone for an unauthenticated endpoint).")
    String master;

    @Override
    public Integer call() {
        KeyType type;
        ClusterConnection connection = null;
        Path dir = EnvInjectorMain.path("--out", out);
        try {
            type = KeyType.parse(keyType);
            if (days < 1 || days > 3650 || caDays < 1 || caDays > 36500) {
                throw new ConfigException("--days", "must be 1..3650 (--ca-days 1..36500)");
            }
            if (inCluster && (kubeconfig != null || master != null || context != null)) {
                throw new ConfigException("--in-cluster", "uses the pod's service account: give no --kubeconfig, --context or --master with it");
            }
            if (inCluster) {
                connection = ClusterConnection.inCluster();
            } else if (kubeconfig != null || master != null || context != null) {
                connection = ClusterSourceOptions.connection(kubeconfig, context, master);
            }
            if (secret != null && connection == null) {
                throw new ConfigException("--secret", "needs a cluster to write to: --kubeconfig, --master or --in-cluster");
            }
            InjectorConfig.checkZone(zone);
            extraNames.forEach(CertsCommand::checkSan);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter err = spec.commandLine().getErr();
        try {
            CertificateAuthority ca = caFor(dir, type, err);
            ServingCertificate serving = ca.issue(names(), Duration.ofDays(days), type);
            write(dir.resolve("tls.crt"), serving.certificatePem(), false);
            write(dir.resolve("tls.key"), serving.keyPem(), true);
            err.println("Wrote " + dir.resolve("tls.crt") + " and tls.key: " + serving.describe());
            if (secret != null) {
                TlsSecrets.apply(connection, namespace, secret, serving.certificatePem(), serving.keyPem(), ca.certificatePem());
                err.println("Wrote Secret " + namespace + "/" + secret);
            } else {
                err.println("Create the Secret with: kubectl -n " + namespace + " create secret tls " + service + "-tls --cert="
                        + dir.resolve("tls.crt") + " --key=" + dir.resolve("tls.key"));
            }
            if (connection != null) {
                int webhooks = WebhookConfigurations.setCaBundle(connection, webhookConfig, ca.caBundle());
                err.println("Set the caBundle of " + webhooks + " webhook(s) in MutatingWebhookConfiguration " + webhookConfig);
            }
            err.flush();
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.println(ca.caBundle());
            stdout.flush();
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println(EnvInjectorMain.NAME + " certs: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    /** The Service's names, as the API server may dial it, then the extra ones. */
    List<String> names() {
        Set<String> names = new LinkedHashSet<>();
        names.add(service + "." + namespace + ".svc");
        names.add(service);
        names.add(service + "." + namespace);
        names.add(service + "." + namespace + ".svc." + InjectorConfig.checkZone(zone));
        names.addAll(extraNames);
        return new ArrayList<>(names);
    }

    /** A subject alternative name must be an IP literal or a DNS name (a leading {@code *.} wildcard allowed). */
    static void checkSan(String name) {
        if (IpAddresses.tryParse(name) != null) {
            return;
        }
        String dns = name.startsWith("*.") ? name.substring(2) : name;
        if (dns.endsWith(".")) {
            dns = dns.substring(0, dns.length() - 1);
        }
        if (!dns.isEmpty() && dns.length() <= 253 && DNS_NAME.matcher(dns).matches()) {
            return;
        }
        throw new ConfigException("--san", "\"" + name + "\" is neither a DNS name (letters, digits, '-' and dots, e.g."
                + " webhook.example.com) nor an IP address");
    }

    private CertificateAuthority caFor(Path dir, KeyType type, PrintWriter err) throws IOException {
        Path caCert = dir.resolve("ca.crt");
        Path caKey = dir.resolve("ca.key");
        if (Files.exists(caCert) && Files.exists(caKey)) {
            CertificateAuthority ca = CertificateAuthority.load(Files.readAllBytes(caCert), Files.readAllBytes(caKey));
            err.println("Reusing the CA in " + caCert + " (the caBundle stays the same)");
            return ca;
        }
        CertificateAuthority ca = CertificateAuthority.create(service + "-ca", Duration.ofDays(caDays), type);
        Files.createDirectories(dir);
        write(caCert, ca.certificatePem(), false);
        write(caKey, ca.keyPem(), true);
        err.println("Wrote a new CA to " + caCert + " and ca.key");
        return ca;
    }

    /** Writes through a temporary file and a rename, so a server watching the file never reads half of it. */
    private static void write(Path file, byte[] content, boolean secret) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(tmp, content);
        if (secret && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
