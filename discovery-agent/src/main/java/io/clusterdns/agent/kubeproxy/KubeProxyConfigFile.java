package io.clusterdns.agent.kubeproxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.clusterdns.agent.model.Cidr;
import io.clusterdns.agent.model.NodePortAddresses;
import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.config.Durations;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.convert.FieldPaths;
import io.clusterdns.k8s.manifest.LocatedYaml;
import io.clusterdns.k8s.manifest.ManifestException;
import io.clusterdns.k8s.model.IpAddresses;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads kube-proxy's configuration file ({@code --config}, {@code kubeproxy.config.k8s.io/v1alpha1}
 * {@code KubeProxyConfiguration}, YAML or JSON) into {@link KubeProxySettings}.
 *
 * <p>Every field of the type (Kubernetes 1.31–1.35) is known here. A field the agent honours is
 * mapped; a field it cannot honour is accepted only at its zero value or kube-proxy's default for
 * it (so kubeadm's file, which writes every section with zero values, loads unchanged) and refused
 * otherwise, naming it; a field the type does not have is refused, naming it. Nothing is dropped
 * without a word.
 */
public final class KubeProxyConfigFile {
    public static final String API_VERSION = "kubeproxy.config.k8s.io/v1alpha1";
    public static final String KIND = "KubeProxyConfiguration";

    static final int HEALTHZ_PORT = 10256;
    static final int METRICS_PORT = 10249;

    private static final String NFTABLES_ONLY = "nftables only";

    /** The fields of each object of the type, by path (the v1alpha1 Go structs' JSON names), parents first. */
    static final List<Map.Entry<String, Set<String>>> FIELDS = List.of(
            Map.entry("", Set.of("apiVersion", "kind", "featureGates", "clientConnection", "logging", "hostnameOverride",
                    "bindAddress", "healthzBindAddress", "metricsBindAddress", "bindAddressHardFail", "enableProfiling",
                    "showHiddenMetricsForVersion", "mode", "iptables", "ipvs", "nftables", "winkernel", "detectLocalMode",
                    "detectLocal", "clusterCIDR", "nodePortAddresses", "oomScoreAdj", "conntrack", "configSyncPeriod",
                    "portRange", "windowsRunAsService")),
            Map.entry("clientConnection", Set.of("kubeconfig", "acceptContentTypes", "contentType", "qps", "burst")),
            Map.entry("logging", Set.of("format", "flushFrequency", "verbosity", "vmodule", "options")),
            Map.entry("logging.options", Set.of("text", "json")),
            Map.entry("logging.options.text", Set.of("splitStream", "infoBufferSize")),
            Map.entry("logging.options.json", Set.of("splitStream", "infoBufferSize")),
            Map.entry("iptables", Set.of("masqueradeBit", "masqueradeAll", "localhostNodePorts", "snatNodeInternalIP",
                    "syncPeriod", "minSyncPeriod")),
            Map.entry("ipvs", Set.of("syncPeriod", "minSyncPeriod", "scheduler", "excludeCIDRs", "strictARP", "tcpTimeout",
                    "tcpFinTimeout", "udpTimeout")),
            Map.entry("nftables", Set.of("masqueradeBit", "masqueradeAll", "syncPeriod", "minSyncPeriod")),
            Map.entry("winkernel", Set.of("networkName", "sourceVip", "enableDSR", "rootHnsEndpointName", "forwardHealthCheckVip")),
            Map.entry("detectLocal", Set.of("bridgeInterface", "interfaceNamePrefix")),
            Map.entry("conntrack", Set.of("maxPerCore", "min", "tcpEstablishedTimeout", "tcpCloseWaitTimeout", "tcpBeLiberal",
                    "udpTimeout", "udpStreamTimeout")));

    private static final Set<String> CONTENT_TYPES = Set.of("application/json", "application/vnd.kubernetes.protobuf");

    private final ConfigTree tree;

    private KubeProxyConfigFile(ConfigTree tree) {
        this.tree = tree;
    }

    /**
     * Reads and checks {@code file}.
     *
     * @param display how messages name the file (as given on the command line)
     * @throws ConfigException {@code FILE:LINE: FIELD: reason} for the first field that is unknown,
     *                         of the wrong type, invalid, or set to a value the agent cannot honour
     */
    public static KubeProxySettings read(Path file, String display) {
        LocatedYaml yaml;
        try {
            yaml = LocatedYaml.single(file, display);
        } catch (ManifestException e) {
            String where = e.line() > 0 ? display + ":" + e.line() : display;
            throw new ConfigException(e.fieldPath().isEmpty() ? where : where + ": " + e.fieldPath(), e.reason(), e);
        }
        return new KubeProxyConfigFile(new ConfigTree(yaml, display)).settings();
    }

    private KubeProxySettings settings() {
        for (Map.Entry<String, Set<String>> object : FIELDS) {
            tree.onlyKnownFields(object.getKey(), object.getValue());
        }
        typeMeta();
        refuseWhatTheAgentCannotHonour();
        InetAddress nodeIP = bindAddress();
        boolean v6 = nodeIP instanceof Inet6Address;
        Duration sync = positiveOrDefault("nftables.syncPeriod");
        // kube-proxy defaults a zero minSyncPeriod to 1s as well: 0 here is "the default", not "no batching"
        Duration minSync = positiveOrDefault("nftables.minSyncPeriod");
        Integer bit = tree.int32("nftables.masqueradeBit");
        if (bit != null && (bit < 0 || bit > 31)) {
            throw tree.error("nftables.masqueradeBit", "must be 0..31, got " + bit);
        }
        if (minSync != null && minSync.compareTo(sync == null ? Duration.ofSeconds(30) : sync) > 0) {
            throw tree.error("nftables.minSyncPeriod", "must not be longer than nftables.syncPeriod ("
                    + Durations.format(sync == null ? Duration.ofSeconds(30) : sync) + "), got " + Durations.format(minSync));
        }
        String kubeconfig = emptyIsNull(tree.string("clientConnection.kubeconfig"));
        return new KubeProxySettings(hostnameOverride(), nodeIP,
                bind("healthzBindAddress", HEALTHZ_PORT, v6 ? "::" : null),
                bind("metricsBindAddress", METRICS_PORT, v6 ? "::1" : null),
                clusterCidrs(), nodePortAddresses(), Boolean.TRUE.equals(tree.bool("nftables.masqueradeAll")), bit, sync, minSync,
                kubeconfig == null ? null : Path.of(kubeconfig), tree.where("clientConnection.kubeconfig"));
    }

    private void typeMeta() {
        String apiVersion = tree.string("apiVersion");
        if (apiVersion == null) {
            throw tree.error("apiVersion", "missing: expected " + API_VERSION);
        }
        if (!apiVersion.equals(API_VERSION)) {
            throw tree.error("apiVersion", "\"" + apiVersion + "\" is not supported by discovery-agent (expected " + API_VERSION + ")");
        }
        String kind = tree.string("kind");
        if (!KIND.equals(kind)) {
            throw tree.error("kind", kind == null ? "missing: expected " + KIND : "expected " + KIND + ", got \"" + kind + "\"");
        }
    }

    /** Fields with no counterpart in the agent: their zero value or kube-proxy's default, nothing else. */
    private void refuseWhatTheAgentCannotHonour() {
        String mode = emptyIsNull(tree.string("mode"));
        if (mode != null && !mode.equals("nftables")) {
            if (Set.of("iptables", "ipvs", "kernelspace").contains(mode)) {
                throw unsupported("mode", "\"" + mode + "\"", NFTABLES_ONLY);
            }
            throw tree.error("mode", "\"" + mode + "\" is not a kube-proxy mode (iptables, ipvs, nftables or kernelspace)");
        }
        Map<String, Boolean> gates = tree.boolMap("featureGates");
        if (gates != null) {
            String gate = gates.keySet().iterator().next();
            throw unsupported(FieldPaths.child("featureGates", gate), String.valueOf(gates.get(gate)),
                    "it has no feature gates: what it supports is always on");
        }
        clientConnection();
        logging();
        onlyZero("enableProfiling", tree.bool("enableProfiling"), false, "no /debug/pprof endpoint");
        onlyZero("showHiddenMetricsForVersion", emptyIsNull(tree.string("showHiddenMetricsForVersion")), null, "it hides no metrics");
        onlyZero("windowsRunAsService", tree.bool("windowsRunAsService"), false, "Linux only");
        onlyZero("portRange", emptyIsNull(tree.string("portRange")), null, "the userspace proxy it configured is gone");
        onlyZero("oomScoreAdj", tree.int32("oomScoreAdj"), null,
                "it does not change its OOM score: the pod's priority class and QoS decide");
        // bindAddressHardFail: both values are accepted: the agent always exits when it cannot bind (kube-proxy's true)
        tree.bool("bindAddressHardFail");
        // configSyncPeriod: kube-proxy's informer resync; the agent's watches keep the whole state and a resync
        // would change no rule, so any valid value is accepted
        tree.duration("configSyncPeriod");
        iptables();
        ipvs();
        winkernel();
        detectLocal();
        conntrack();
    }

    private void clientConnection() {
        String contentType = emptyIsNull(tree.string("clientConnection.contentType"));
        if (contentType != null && !CONTENT_TYPES.contains(contentType)) {
            throw unsupported("clientConnection.contentType", "\"" + contentType + "\"", "it talks JSON to the API server");
        }
        String accept = emptyIsNull(tree.string("clientConnection.acceptContentTypes"));
        if (accept != null) {
            for (String t : accept.split(",")) {
                if (!CONTENT_TYPES.contains(t.trim())) {
                    throw unsupported("clientConnection.acceptContentTypes", "\"" + accept + "\"", "it talks JSON to the API server");
                }
            }
        }
        // qps/burst: kube-proxy's client-side rate limit; the agent sends one list and one watch per kind (and
        // backed-off reconnects), below any limit, so any valid value holds
        Double qps = tree.number("clientConnection.qps");
        if (qps != null && qps < 0) {
            throw tree.error("clientConnection.qps", "must be >= 0, got " + qps);
        }
        Integer burst = tree.int32("clientConnection.burst");
        if (burst != null && burst < 0) {
            throw tree.error("clientConnection.burst", "must be >= 0, got " + burst);
        }
    }

    private void logging() {
        String format = emptyIsNull(tree.string("logging.format"));
        if (format != null && !format.equals("text")) {
            throw unsupported("logging.format", "\"" + format + "\"", "it logs text lines");
        }
        Integer verbosity = tree.int32("logging.verbosity");
        onlyZero("logging.verbosity", verbosity == null || verbosity == 0 ? null : verbosity, null,
                "its log level is not klog's verbosity");
        if (tree.node("logging.vmodule") != null && !tree.node("logging.vmodule").isEmpty()) {
            throw unsupported("logging.vmodule", ConfigTree.shown(tree.node("logging.vmodule")), "it has no per-file log levels");
        }
        // flushFrequency and infoBufferSize tune klog's buffering; the agent writes each line at once
        JsonNode flush = tree.node("logging.flushFrequency");
        if (flush != null && !flush.isIntegralNumber()) {
            tree.duration("logging.flushFrequency");
        }
        for (String format2 : List.of("text", "json")) {
            onlyZero("logging.options." + format2 + ".splitStream", tree.bool("logging.options." + format2 + ".splitStream"), false,
                    "it writes one stream");
        }
    }

    private void iptables() {
        onlyZero("iptables.masqueradeAll", tree.bool("iptables.masqueradeAll"), false,
                "iptables mode only; the nftables setting is nftables.masqueradeAll");
        Integer bit = tree.int32("iptables.masqueradeBit");
        onlyZero("iptables.masqueradeBit", bit == null || bit == 14 ? null : bit, null,
                "iptables mode only; the nftables setting is nftables.masqueradeBit");
        // localhostNodePorts: iptables mode only; NodePorts on loopback are never served in nftables mode, either value holds
        tree.bool("iptables.localhostNodePorts");
        onlyZero("iptables.snatNodeInternalIP", tree.bool("iptables.snatNodeInternalIP"), false, "iptables mode only");
        onlyDefaultDuration("iptables.syncPeriod", Duration.ofSeconds(30), "iptables mode only; the nftables setting is nftables.syncPeriod");
        onlyDefaultDuration("iptables.minSyncPeriod", Duration.ofSeconds(1),
                "iptables mode only; the nftables setting is nftables.minSyncPeriod");
    }

    private void ipvs() {
        onlyDefaultDuration("ipvs.syncPeriod", Duration.ofSeconds(30), NFTABLES_ONLY);
        onlyDefaultDuration("ipvs.minSyncPeriod", Duration.ZERO, NFTABLES_ONLY);
        onlyZero("ipvs.scheduler", emptyIsNull(tree.string("ipvs.scheduler")), null, NFTABLES_ONLY);
        onlyZero("ipvs.excludeCIDRs", tree.strings("ipvs.excludeCIDRs"), null, NFTABLES_ONLY);
        onlyZero("ipvs.strictARP", tree.bool("ipvs.strictARP"), false, NFTABLES_ONLY);
        for (String timeout : List.of("ipvs.tcpTimeout", "ipvs.tcpFinTimeout", "ipvs.udpTimeout")) {
            onlyDefaultDuration(timeout, Duration.ZERO, NFTABLES_ONLY);
        }
    }

    private void winkernel() {
        for (String field : List.of("networkName", "sourceVip", "rootHnsEndpointName")) {
            onlyZero("winkernel." + field, emptyIsNull(tree.string("winkernel." + field)), null, "Linux nftables only");
        }
        for (String field : List.of("enableDSR", "forwardHealthCheckVip")) {
            onlyZero("winkernel." + field, tree.bool("winkernel." + field), false, "Linux nftables only");
        }
    }

    private void detectLocal() {
        String mode = emptyIsNull(tree.string("detectLocalMode"));
        if (mode != null && !mode.equals("ClusterCIDR")) {
            if (Set.of("NodeCIDR", "BridgeInterface", "InterfaceNamePrefix").contains(mode)) {
                throw unsupported("detectLocalMode", "\"" + mode + "\"", "it tells pod traffic by clusterCIDR only");
            }
            throw tree.error("detectLocalMode", "\"" + mode + "\" is not a kube-proxy mode (ClusterCIDR, NodeCIDR, BridgeInterface"
                    + " or InterfaceNamePrefix)");
        }
        for (String field : List.of("bridgeInterface", "interfaceNamePrefix")) {
            onlyZero("detectLocal." + field, emptyIsNull(tree.string("detectLocal." + field)), null,
                    "it tells pod traffic by clusterCIDR only");
        }
    }

    /**
     * kube-proxy writes conntrack sysctls; the agent does not (its DaemonSet has NET_ADMIN only and
     * leaves the node's conntrack table as the node is set up). So only "leave as is" values pass:
     * null, 0 and false, as kubeadm writes them.
     */
    private void conntrack() {
        String why = "it does not write conntrack sysctls; set them on the node (sysctl net.netfilter.*)";
        for (String field : List.of("maxPerCore", "min")) {
            Integer v = tree.int32("conntrack." + field);
            onlyZero("conntrack." + field, v == null || v == 0 ? null : v, null, why);
        }
        for (String field : List.of("tcpEstablishedTimeout", "tcpCloseWaitTimeout", "udpTimeout", "udpStreamTimeout")) {
            onlyDefaultDuration("conntrack." + field, Duration.ZERO, why);
        }
        onlyZero("conntrack.tcpBeLiberal", tree.bool("conntrack.tcpBeLiberal"), false, why);
    }

    private String hostnameOverride() {
        String name = emptyIsNull(tree.string("hostnameOverride"));
        if (name == null) {
            return null;
        }
        if (name.trim().isEmpty() || name.trim().chars().anyMatch(Character::isWhitespace)) {
            throw tree.error("hostnameOverride", "must be a node name, got \"" + name + "\"");
        }
        // kube-proxy lower-cases it too: node names are DNS subdomains
        return name.trim().toLowerCase(Locale.ROOT);
    }

    /** {@code bindAddress}: kube-proxy's "primary node IP" override; the unspecified address means none. */
    private InetAddress bindAddress() {
        String text = emptyIsNull(tree.string("bindAddress"));
        if (text == null) {
            return null;
        }
        InetAddress ip = IpAddresses.tryParse(text.trim());
        if (ip == null) {
            throw tree.error("bindAddress", "expected an IP address, got \"" + text + "\"");
        }
        if (ip.isAnyLocalAddress()) {
            return null;
        }
        if (ip.isLoopbackAddress()) {
            throw tree.error("bindAddress", "must be a routable address of this node, got \"" + text + "\"");
        }
        return ip;
    }

    /** A bind address; a bare IP gets the usual port, as kube-proxy does; empty is the default, on {@code v6Host} for an IPv6 node. */
    private ListenAddress bind(String field, int port, String v6Host) {
        String text = emptyIsNull(tree.string(field));
        if (text == null) {
            return v6Host == null ? null : new ListenAddress(IpAddresses.parse(v6Host), port);
        }
        String t = text.trim();
        InetAddress bare = IpAddresses.tryParse(t.startsWith("[") && t.endsWith("]") ? t.substring(1, t.length() - 1) : t);
        if (bare != null) {
            return new ListenAddress(bare, port);
        }
        return ListenAddress.parse(tree.where(field), t, port);
    }

    private List<Cidr> clusterCidrs() {
        String text = emptyIsNull(tree.string("clusterCIDR"));
        if (text == null) {
            return null;
        }
        List<Cidr> out = new ArrayList<>();
        for (String part : text.split(",")) {
            try {
                out.add(Cidr.parse(part.trim()));
            } catch (IllegalArgumentException e) {
                throw tree.error("clusterCIDR", e.getMessage());
            }
        }
        return out;
    }

    /** kube-proxy's keywords and CIDRs, within what the agent's {@link NodePortAddresses} can say. */
    private NodePortAddresses nodePortAddresses() {
        List<String> values = tree.strings("nodePortAddresses");
        if (values == null) {
            return null;
        }
        List<Cidr> cidrs = new ArrayList<>();
        boolean primary = false;
        boolean all = false;
        for (int i = 0; i < values.size(); i++) {
            String path = FieldPaths.index("nodePortAddresses", i);
            String v = values.get(i).trim();
            switch (v) {
                case "primary" -> primary = true;
                case "all" -> all = true;
                case "localhost" -> throw unsupported(path, "\"localhost\"", "it never serves NodePorts on loopback addresses");
                default -> {
                    try {
                        cidrs.add(Cidr.parse(v));
                    } catch (IllegalArgumentException e) {
                        throw tree.error(path, e.getMessage() + " (or one of primary, all)");
                    }
                }
            }
        }
        if (all) {
            return NodePortAddresses.ALL;
        }
        if (primary && !cidrs.isEmpty()) {
            throw unsupported("nodePortAddresses", "primary with CIDRs", "give either primary or CIDRs");
        }
        return new NodePortAddresses(cidrs, primary);
    }

    /** A sync period: 0 (or unset) is kube-proxy's default. */
    private Duration positiveOrDefault(String path) {
        Duration d = tree.duration(path);
        return d == null || d.isZero() ? null : d;
    }

    private void onlyDefaultDuration(String path, Duration kubeProxyDefault, String why) {
        Duration d = tree.duration(path);
        if (d != null && !d.isZero() && !d.equals(kubeProxyDefault)) {
            throw unsupported(path, Durations.format(d), why);
        }
    }

    private void onlyZero(String path, Object value, Object zero, String why) {
        if (value != null && !Objects.equals(value, zero)) {
            throw unsupported(path, value instanceof String s ? "\"" + s + "\"" : String.valueOf(value), why);
        }
    }

    private ConfigException unsupported(String path, String shown, String why) {
        return tree.error(path, shown + " is not supported by discovery-agent (" + why + ")");
    }

    private static String emptyIsNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
