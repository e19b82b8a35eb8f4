package io.clusterdns.envinjector;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.config.Durations;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything the webhook server is configured with, validated once. Invalid values throw a
 * {@link ConfigException} named after the command-line option; nothing deeper reads flags or the
 * environment.
 *
 * @param source            where services and namespaces come from
 * @param listen            HTTPS listen address
 * @param zone              cluster domain for {@code _SERVICE_DNS} values ({@code cluster.local})
 * @param tlsCert           PEM certificate chain, leaf first
 * @param tlsKey            PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC; not encrypted)
 * @param tlsReloadInterval how often the two files are read to notice rotations
 * @param maxVariables      most variables injected per container; a pod needing more gets none
 *                          and a warning (a pod object has to fit into etcd)
 * @param maxRequestBytes   largest accepted request body
 */
public record InjectorConfig(
        ClusterSourceSpec source,
        ListenAddress listen,
        String zone,
        Path tlsCert,
        Path tlsKey,
        Duration tlsReloadInterval,
        int maxVariables,
        int maxRequestBytes) {

    public static final ListenAddress DEFAULT_LISTEN = ListenAddress.of("0.0.0.0:8443");
    public static final String DEFAULT_ZONE = "cluster.local";
    public static final Duration DEFAULT_TLS_RELOAD_INTERVAL = Duration.ofSeconds(10);
    public static final Duration MIN_TLS_RELOAD_INTERVAL = Duration.ofMillis(50);
    public static final Duration MAX_TLS_RELOAD_INTERVAL = Duration.ofHours(1);
    /** About 140 single-port services; ~70 bytes per variable keeps a pod of several containers far below etcd's 1.5 MiB. */
    public static final int DEFAULT_MAX_VARIABLES = 1000;
    public static final int MAX_MAX_VARIABLES = 20_000;
    /** The API server caps request bodies at 3 MiB; a review carries the object and, for updates, the old one. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 8 * 1024 * 1024;
    public static final int MAX_MAX_REQUEST_BYTES = 64 * 1024 * 1024;

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public InjectorConfig {
        Objects.requireNonNull(source, "source");
        listen = listen == null ? DEFAULT_LISTEN : listen;
        zone = checkZone(zone == null ? DEFAULT_ZONE : zone);
        if (tlsCert == null) {
            throw new ConfigException("--tls-cert", "required: the PEM serving certificate (see the certs subcommand)");
        }
        if (tlsKey == null) {
            throw new ConfigException("--tls-key", "required: the PEM private key of --tls-cert");
        }
        tlsReloadInterval = tlsReloadInterval == null ? DEFAULT_TLS_RELOAD_INTERVAL : tlsReloadInterval;
        Durations.inRange("--tls-reload-interval", Durations.format(tlsReloadInterval), tlsReloadInterval, MIN_TLS_RELOAD_INTERVAL,
                MAX_TLS_RELOAD_INTERVAL);
        if (maxVariables < 1 || maxVariables > MAX_MAX_VARIABLES) {
            throw new ConfigException("--max-variables", "must be 1.." + MAX_MAX_VARIABLES + ", got " + maxVariables);
        }
        if (maxRequestBytes < 1024 || maxRequestBytes > MAX_MAX_REQUEST_BYTES) {
            throw new ConfigException("--max-request-bytes", "must be 1024.." + MAX_MAX_REQUEST_BYTES + ", got " + maxRequestBytes);
        }
    }

    /** The defaults for everything but the source and the TLS files. */
    public static InjectorConfig of(ClusterSourceSpec source, Path tlsCert, Path tlsKey) {
        return new InjectorConfig(source, DEFAULT_LISTEN, DEFAULT_ZONE, tlsCert, tlsKey, DEFAULT_TLS_RELOAD_INTERVAL,
                DEFAULT_MAX_VARIABLES, DEFAULT_MAX_REQUEST_BYTES);
    }

    public InjectorConfig withListen(ListenAddress value) {
        return new InjectorConfig(source, value, zone, tlsCert, tlsKey, tlsReloadInterval, maxVariables, maxRequestBytes);
    }

    public InjectorConfig withZone(String value) {
        return new InjectorConfig(source, listen, value, tlsCert, tlsKey, tlsReloadInterval, maxVariables, maxRequestBytes);
    }

    public InjectorConfig withTlsReloadInterval(Duration value) {
        return new InjectorConfig(source, listen, zone, tlsCert, tlsKey, value, maxVariables, maxRequestBytes);
    }

    public InjectorConfig withMaxVariables(int value) {
        return new InjectorConfig(source, listen, zone, tlsCert, tlsKey, tlsReloadInterval, value, maxRequestBytes);
    }

    public InjectorConfig withMaxRequestBytes(int value) {
        return new InjectorConfig(source, listen, zone, tlsCert, tlsKey, tlsReloadInterval, maxVariables, value);
    }

    /** Lower case, no trailing dot, each label an RFC 1123 label: {@code cluster.local}. */
    static String checkZone(String zone) {
        String z = zone.trim().toLowerCase(Locale.ROOT);
        if (z.endsWith(".")) {
            z = z.substring(0, z.length() - 1);
        }
        if (z.isEmpty() || z.length() > 253) {
            throw new ConfigException("--zone", "expected a DNS domain like cluster.local, got \"" + zone + "\"");
        }
        for (String label : z.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                throw new ConfigException("--zone", "\"" + label + "\" in \"" + zone + "\" is not a valid DNS label");
            }
        }
        return z;
    }
}
