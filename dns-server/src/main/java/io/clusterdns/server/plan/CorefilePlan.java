package io.clusterdns.server.plan;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.server.chain.PluginConfig;
import io.clusterdns.server.corefile.Corefile;
import io.clusterdns.server.corefile.CorefileErrors;
import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.ServerBlock;
import io.clusterdns.server.corefile.Setup;
import io.clusterdns.server.corefile.Token;
import io.clusterdns.server.listen.Wildcard;
import io.clusterdns.server.plugin.cache.CacheSetup;
import io.clusterdns.server.plugin.errors.ErrorsSetup;
import io.clusterdns.server.plugin.forward.ForwardSetup;
import io.clusterdns.server.plugin.health.HealthSetup;
import io.clusterdns.server.plugin.kubernetes.KubernetesSetup;
import io.clusterdns.server.plugin.loadbalance.LoadbalanceSetup;
import io.clusterdns.server.plugin.log.LogConfig;
import io.clusterdns.server.plugin.log.LogSetup;
import io.clusterdns.server.plugin.loop.LoopSetup;
import io.clusterdns.server.plugin.multicluster.MulticlusterSetup;
import io.clusterdns.server.plugin.prometheus.PrometheusSetup;
import io.clusterdns.server.plugin.ready.ReadySetup;
import io.clusterdns.server.plugin.reload.ReloadSetup;
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
        Map<ZoneKey, String> served = new HashMap<>();
        for (ServerBlock block : corefile.blocks()) {
            List<ZoneKey> keys = new ArrayList<>();
            for (Token t : block.keys()) {
                ZoneKey k = key(t, defaultPort);
                String earlier = served.putIfAbsent(k, t.where());
                if (earlier != null) {
                    throw CorefileErrors.at(t, "cannot serve dns://" + k + " - it is already defined (at " + earlier + ")");
                }
                keys.add(k);
            }
            List<Name> zones = keys.stream().map(ZoneKey::zone).distinct().toList();
            out.add(new BlockPlan(keys, List.of(WILDCARD), plugins(block, zones, base), block.where()));
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
        // stable: repeated plugins (several forward lines) keep their written order
        out.sort(Comparator.comparingInt(c -> PluginOrder.position(c.name())));
        return MulticlusterSetup.link(mergeLogRules(out));
    }

    /** Several {@code log} lines are one plugin with several rules (the first rule whose names match logs). */
    private static List<PluginConfig> mergeLogRules(List<PluginConfig> plugins) {
        List<PluginConfig> out = new ArrayList<>();
        LogConfig merged = null;
        for (PluginConfig c : plugins) {
            if (c instanceof LogConfig l) {
                if (merged == null) {
                    merged = l;
                    out.add(l);
                } else {
                    out.set(out.indexOf(merged), merged = merged.and(l));
                }
            } else {
                out.add(c);
            }
        }
        return out;
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
            case "cache" -> CacheSetup.parse(d, zones);
            case "forward" -> ForwardSetup.parse(d, base);
            case "multicluster" -> MulticlusterSetup.parse(d, zones, base);
            default -> throw CorefileErrors.at(d.name(), "plugin '" + d.name().text() + "' is not built yet");
        };
    }
}
