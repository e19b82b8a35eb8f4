package io.clusterdns.server.plan;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.server.chain.MergedLines;
import io.clusterdns.server.chain.PluginConfig;
import io.clusterdns.server.corefile.Corefile;
import io.clusterdns.server.corefile.CorefileErrors;
import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.ServerBlock;
import io.clusterdns.server.corefile.Setup;
import io.clusterdns.server.corefile.Token;
import io.clusterdns.server.listen.Wildcard;
import io.clusterdns.server.plugin.acl.AclSetup;
import io.clusterdns.server.plugin.any.AnySetup;
import io.clusterdns.server.plugin.autopath.AutopathSetup;
import io.clusterdns.server.plugin.bind.BindConfig;
import io.clusterdns.server.plugin.bind.BindSetup;
import io.clusterdns.server.plugin.cache.CacheSetup;
import io.clusterdns.server.plugin.chaos.ChaosSetup;
import io.clusterdns.server.plugin.errors.ErrorsSetup;
import io.clusterdns.server.plugin.forward.ForwardSetup;
import io.clusterdns.server.plugin.health.HealthSetup;
import io.clusterdns.server.plugin.hosts.HostsSetup;
import io.clusterdns.server.plugin.k8sexternal.K8sExternalSetup;
import io.clusterdns.server.plugin.kubernetes.KubernetesSetup;
import io.clusterdns.server.plugin.loadbalance.LoadbalanceSetup;
import io.clusterdns.server.plugin.local.LocalSetup;
import io.clusterdns.server.plugin.log.LogSetup;
import io.clusterdns.server.plugin.loop.LoopSetup;
import io.clusterdns.server.plugin.minimal.MinimalSetup;
import io.clusterdns.server.plugin.multicluster.MulticlusterSetup;
import io.clusterdns.server.plugin.prometheus.PrometheusSetup;
import io.clusterdns.server.plugin.ready.ReadySetup;
import io.clusterdns.server.plugin.reload.ReloadSetup;
import io.clusterdns.server.plugin.rewrite.RewriteSetup;
import io.clusterdns.server.plugin.rrl.RrlSetup;
import io.clusterdns.server.plugin.template.TemplateSetup;
import io.clusterdns.server.plugin.timeouts.TimeoutsSetup;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xbill.DNS.Name;

/**
 * From a parsed {@link Corefile} to a validated {@link ServerPlan}: server block keys to zones and
 * ports, each plugin line through its plugin's setup, plugins sorted into chain order. Errors name
 * file and line ({@code FILE:LINE: plugin/option: reason}).
 */
public final class CorefilePlan {
    /** CoreDNS's default port ({@code -dns.port}). */
    public static final int DEFAULT_PORT = 53;
    /** Without {@code bind}: every interface, IPv4 and IPv6 (CoreDNS listens on {@code :53}). */
    public static final InetAddress WILDCARD = Wildcard.ADDRESS;

    private CorefilePlan() {
    }

    /**
     * The plan of {@code corefile} (already parsed from {@code source}).
     */
    public static ServerPlan of(CorefileSource source, Corefile corefile) {
        return source.plan(corefile);
    }

    /** The validated blocks of {@code corefile}. */
    public static List<BlockPlan> blocks(Corefile corefile, int defaultPort) {
        if (corefile.blocks().isEmpty()) {
            throw new ConfigException(corefile.file().toString(), "no server blocks (write at least one, such as .:53 { ... })");
        }
        Path base = corefile.file().toAbsolutePath().getParent();
        List<BlockPlan> out = new ArrayList<>();
        // a zone and port may be served twice on different addresses (bind), never twice on one
        Map<List<Object>, String> served = new HashMap<>();
        for (ServerBlock block : corefile.blocks()) {
            List<ZoneKey> keys = new ArrayList<>();
            for (Token t : block.keys()) {
                keys.add(key(t, defaultPort));
            }
            List<Name> zones = keys.stream().map(ZoneKey::zone).distinct().toList();
            List<PluginConfig> plugins = plugins(block, zones, base);
            List<InetAddress> bind = plugins.stream().filter(BindConfig.class::isInstance).map(BindConfig.class::cast)
                    .findFirst().map(BindConfig::addresses).orElse(List.of(WILDCARD));
            for (int i = 0; i < keys.size(); i++) {
                Token t = block.keys().get(i);
                for (InetAddress a : bind) {
                    String earlier = served.putIfAbsent(List.of(keys.get(i), a), t.where());
                    if (earlier != null) {
                        String on = a.equals(WILDCARD) ? "" : " on " + a.getHostAddress();
                        throw CorefileErrors.at(t, "cannot serve dns://" + keys.get(i) + on + " - it is already defined (at "
                                + earlier + ")");
                    }
                }
            }
            out.add(new BlockPlan(keys, bind, plugins, block.where()));
        }
        return out;
    }

    /** {@code [dns://]zone[:port]}. */
    static ZoneKey key(Token t, int defaultPort) {
        String s = t.text();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.contains("://")) {
            if (!lower.startsWith("dns://")) {
                throw CorefileErrors.at(t, "only dns:// servers are supported, got \"" + s + "\"");
            }
            s = s.substring("dns://".length());
        }
        int port = defaultPort;
        int colon = s.lastIndexOf(':');
        if (colon >= 0) {
            String p = s.substring(colon + 1);
            if (!p.matches("[0-9]{1,5}") || Integer.parseInt(p) > 65535) {
                throw CorefileErrors.at(t, "expecting a port after the last colon, got \"" + t.text() + "\"");
            }
            port = Integer.parseInt(p);
            s = s.substring(0, colon);
        }
        if (s.isEmpty()) {
            throw CorefileErrors.at(t, "zone is not a valid domain name: \"" + t.text() + "\" (write . for the root zone)");
        }
        Name zone = new Setup("server").zones(List.of(new Token(s, t.file(), t.line(), t.quoted())), null).get(0);
        return new ZoneKey(zone, port);
    }

    private static List<PluginConfig> plugins(ServerBlock block, List<Name> zones, Path base) {
        Map<String, Token> seen = new LinkedHashMap<>();
        List<PluginConfig> out = new ArrayList<>();
        for (Directive d : block.directives()) {
            String name = d.name().text();
            if (PluginOrder.position(name) < 0) {
                if (PluginOrder.corednsOnly(name)) {
                    throw CorefileErrors.at(d.name(), "plugin '" + name + "' is not supported by clusterdns (yet); supported: "
                            + String.join(", ", PluginOrder.ORDER));
                }
                throw CorefileErrors.at(d.name(), "unknown directive '" + name + "'");
            }
            Token earlier = seen.putIfAbsent(name, d.name());
            if (earlier != null && !PluginOrder.REPEATABLE.contains(name)) {
                throw CorefileErrors.plugin(d.name(), name, "this plugin can only be used once per server block (first at "
                        + earlier.where() + ")");
            }
            out.add(setup(d, zones, base));
        }
        requires(seen, "k8s_external", "kubernetes");
        // stable: repeated plugins (several forward lines) keep their written order
        out.sort(Comparator.comparingInt(c -> PluginOrder.position(c.name())));
        AutopathSetup.checkBlock(out);
        return MulticlusterSetup.link(mergeLines(out));
    }

    /** A plugin that answers from another one of its block fails to load without it, naming it, as CoreDNS at start-up. */
    private static void requires(Map<String, Token> seen, String plugin, String needed) {
        Token at = seen.get(plugin);
        if (at != null && !seen.containsKey(needed)) {
            throw CorefileErrors.plugin(at, plugin, needed + " plugin not loaded (" + plugin + " answers from the " + needed
                    + " plugin of its server block)");
        }
    }

    /** Several lines of a {@link MergedLines} plugin ({@code log}, {@code acl}, {@code rewrite}, {@code template}, {@code bind}) are one link with their rules in written order. */
    private static List<PluginConfig> mergeLines(List<PluginConfig> plugins) {
        List<PluginConfig> out = new ArrayList<>();
        Map<String, Integer> first = new HashMap<>();
        for (PluginConfig c : plugins) {
            Integer at = c instanceof MergedLines<?> ? first.putIfAbsent(c.name(), out.size()) : null;
            if (at == null) {
                out.add(c);
            } else {
                out.set(at, merge((MergedLines<?>) out.get(at), c));
            }
        }
        return out;
    }

    /** {@code earlier.and(later)}: both lines are of one plugin, so of one config type. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static PluginConfig merge(MergedLines earlier, PluginConfig later) {
        return (PluginConfig) earlier.and((MergedLines) later);
    }

    private static PluginConfig setup(Directive d, List<Name> zones, Path base) {
        return switch (d.name().text()) {
            case "kubernetes" -> KubernetesSetup.parse(d, zones, base);
            case "health" -> HealthSetup.parse(d);
            case "ready" -> ReadySetup.parse(d);
            case "prometheus" -> PrometheusSetup.parse(d);
            case "errors" -> ErrorsSetup.parse(d);
            case "log" -> LogSetup.parse(d);
            case "loadbalance" -> LoadbalanceSetup.parse(d);
            case "loop" -> LoopSetup.parse(d);
            case "reload" -> ReloadSetup.parse(d);
            case "bind" -> BindSetup.parse(d);
            case "timeouts" -> TimeoutsSetup.parse(d);
            case "cache" -> CacheSetup.parse(d, zones);
            case "forward" -> ForwardSetup.parse(d, base);
            case "rewrite" -> RewriteSetup.parse(d);
            case "k8s_external" -> K8sExternalSetup.parse(d, zones);
            case "acl" -> AclSetup.parse(d, zones);
            case "rrl" -> RrlSetup.parse(d, zones);
            case "hosts" -> HostsSetup.parse(d, zones, base);
            case "local" -> LocalSetup.parse(d);
            case "any" -> AnySetup.parse(d);
            case "minimal" -> MinimalSetup.parse(d);
            case "chaos" -> ChaosSetup.parse(d);
            case "template" -> TemplateSetup.parse(d, zones);
            case "autopath" -> AutopathSetup.parse(d, zones, base);
            case "multicluster" -> MulticlusterSetup.parse(d, zones, base);
            default -> throw CorefileErrors.at(d.name(), "plugin '" + d.name().text() + "' is not built yet");
        };
    }
}
