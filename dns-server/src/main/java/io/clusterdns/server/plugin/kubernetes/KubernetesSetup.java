package io.clusterdns.server.plugin.kubernetes;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.informer.ClusterConnection;
import io.clusterdns.k8s.manifest.PodCidrs;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import io.clusterdns.resolver.PodMode;
import io.clusterdns.resolver.ResolverConfig;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.Setup;
import io.clusterdns.server.corefile.Token;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.xbill.DNS.Name;

/**
 * Reads {@code kubernetes [ZONES...] { ... }} with every option CoreDNS documents, plus
 * {@code manifests PATH...} (serve Kubernetes YAML files instead of a cluster):
 *
 * <pre>
 * endpoint URL               API server URL (no credentials: kubectl proxy); with kubeconfig it replaces the server
 * kubeconfig FILE [CONTEXT]  follow the cluster of this kubeconfig
 * manifests PATH...          Kubernetes objects from files or folders, reloaded when they change
 * namespaces NS...           only these namespaces exist
 * labels SELECTOR            only Services (and their slices) matching
 * namespace_labels SELECTOR  only namespaces matching
 * pods disabled|insecure|verified
 * endpoint_pod_names         headless endpoint names from the pod name, not the IP
 * ttl SECONDS                0..3600, default 5
 * noendpoints                watch no EndpointSlices
 * fallthrough [ZONES...]     names that do not exist go on to the next plugin
 * ignore empty_service       NXDOMAIN for services without ready endpoints
 * startup_timeout DURATION   wait for the first sync at most this long (default 5s)
 * </pre>
 *
 * Without endpoint, kubeconfig or manifests the pod's service account is used (in-cluster).
 */
public final class KubernetesSetup {
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private KubernetesSetup() {
    }

    /**
     * @param blockZones the server block's zones: the plugin's zones when the line names none
     * @param base       where relative paths (kubeconfig, manifests) are resolved: the Corefile's folder
     */
    public static KubernetesConfig parse(Directive d, List<Name> blockZones, Path base) {
        Setup s = new Setup(KubernetesConfig.NAME);
        List<Name> zones = d.args().isEmpty() ? blockZones : s.zones(d.args(), null);
        String endpoint = null;
        Path kubeconfig = null;
        String context = null;
        List<Path> manifests = new ArrayList<>();
        PodCidrs podCidrs = null;
        Set<String> namespaces = new LinkedHashSet<>();
        String labels = null;
        String namespaceLabels = null;
        PodMode pods = PodMode.DISABLED;
        boolean endpointPodNames = false;
        long ttl = ResolverConfig.DEFAULT_TTL;
        boolean noEndpoints = false;
        Fallthrough fallthrough = Fallthrough.NONE;
        boolean ignoreEmpty = false;
        Duration startupTimeout = KubernetesConfig.DEFAULT_STARTUP_TIMEOUT;
        for (Directive o : d.children()) {
            String option = o.name().text();
            switch (option) {
                case "endpoint" -> {
                    s.args(o, 1, Integer.MAX_VALUE);
                    endpoint = o.args().get(0).text();
                    try {
                        ClusterConnection.master(endpoint);
                    } catch (IllegalArgumentException e) {
                        throw s.error(o.args().get(0), option, e.getMessage());
                    }
                }
                case "kubeconfig" -> {
                    s.args(o, 1, 2);
                    kubeconfig = existing(s, o.args().get(0), option, base);
                    context = o.args().size() == 2 ? o.args().get(1).text() : null;
                }
                case "manifests" -> {
                    s.args(o, 1, Integer.MAX_VALUE);
                    for (Token t : o.args()) {
                        manifests.add(existing(s, t, option, base));
                    }
                }
                case "pod_cidr" -> {
                    s.args(o, 1, 2);
                    try {
                        podCidrs = PodCidrs.parse(String.join(",", o.args().stream().map(Token::text).toList()));
                    } catch (IllegalArgumentException e) {
                        throw s.error(o.args().get(0), option, e.getMessage());
                    }
                }
                case "namespaces" -> {
                    s.args(o, 1, Integer.MAX_VALUE);
                    for (Token t : o.args()) {
                        if (!NAMESPACE.matcher(t.text()).matches()) {
                            throw s.error(t, option, "\"" + t.text() + "\" is not a valid namespace name");
                        }
                        namespaces.add(t.text());
                    }
                }
                case "labels" -> {
                    s.args(o, 1, Integer.MAX_VALUE);
                    labels = String.join(" ", o.argTexts());
                }
                case "namespace_labels" -> {
                    s.args(o, 1, Integer.MAX_VALUE);
                    namespaceLabels = String.join(" ", o.argTexts());
                }
                case "pods" -> {
                    s.args(o, 1, 1);
                    try {
                        pods = PodMode.parse(o.args().get(0).text());
                    } catch (IllegalArgumentException e) {
                        throw s.error(o.args().get(0), option, "must be one of disabled, insecure or verified, got \""
                                + o.args().get(0).text() + "\"");
                    }
                }
                case "endpoint_pod_names" -> {
                    s.args(o, 0, 0);
                    endpointPodNames = true;
                }
                case "ttl" -> {
                    s.args(o, 1, 1);
                    ttl = s.integer(o.args().get(0), option, 0, ResolverConfig.MAX_TTL);
                }
                case "noendpoints" -> {
                    s.args(o, 0, 0);
                    noEndpoints = true;
                }
                case "fallthrough" -> fallthrough = o.args().isEmpty() ? Fallthrough.ALL : new Fallthrough(s.zones(o.args(), option));
                case "ignore" -> {
                    s.args(o, 1, 1);
                    if (!o.args().get(0).text().equals("empty_service")) {
                        throw s.error(o.args().get(0), option, "unable to parse ignore value: '" + o.args().get(0).text() + "'");
                    }
                    ignoreEmpty = true;
                }
                case "startup_timeout" -> {
                    s.args(o, 1, 1);
                    startupTimeout = s.duration(o.args().get(0), option, Duration.ZERO, KubernetesConfig.MAX_STARTUP_TIMEOUT);
                }
                case "tls" -> throw s.error(o.name(), option, "not supported: give the client certificate in a kubeconfig instead");
                default -> throw s.unknownOption(o);
            }
        }
        if (!namespaces.isEmpty() && namespaceLabels != null) {
            throw s.error(d.name(), null, "namespaces and namespace_labels cannot both be set");
        }
        if (zones.stream().allMatch(ResolverConfig::isReverse)) {
            throw s.error(d.name(), null, "a forward zone such as cluster.local is required besides reverse zones");
        }
        ClusterSourceSpec spec;
        if (!manifests.isEmpty()) {
            if (endpoint != null || kubeconfig != null) {
                throw s.error(d.name(), null, "manifests cannot be combined with endpoint or kubeconfig: serve either files or a cluster");
            }
            if (labels != null || namespaceLabels != null || noEndpoints) {
                throw s.error(d.name(), null, "manifests cannot be combined with labels, namespace_labels or noendpoints");
            }
            spec = new ClusterSourceSpec.Manifests(manifests, podCidrs);
        } else {
            if (podCidrs != null) {
                throw s.error(d.name(), null, "pod_cidr needs manifests: in a live cluster the pods have their addresses already");
            }
            spec = new ClusterSourceSpec.Api(new ClusterConnection(endpoint, kubeconfig, context));
        }
        SourceConfig source;
        try {
            source = new SourceConfig(spec, labels, namespaceLabels, noEndpoints);
        } catch (ConfigException e) {
            // the selector's own message, placed at the plugin's line
            throw s.error(d.name(), e.option().replace("--", "").replace('-', '_'), e.problem());
        }
        ResolverConfig resolver = new ResolverConfig(dedupe(zones), ttl, pods, namespaces, endpointPodNames, ignoreEmpty);
        return new KubernetesConfig(resolver, source, fallthrough, startupTimeout, d.name().where());
    }

    private static List<Name> dedupe(List<Name> zones) {
        return List.copyOf(new LinkedHashSet<>(zones));
    }

    /** A file or folder of an option ({@code kubeconfig}, {@code manifests}), relative to the Corefile's folder; it must exist. */
    public static Path existing(Setup s, Token t, String option, Path base) {
        // normalized: the logs name ../../k8s/examples from a Corefile's folder as the folder it is
        Path p = (base == null ? Path.of(t.text()) : base.resolve(t.text())).normalize();
        if (!Files.exists(p)) {
            throw s.error(t, option, "no such file or folder: " + t.text());
        }
        return p;
    }
}
