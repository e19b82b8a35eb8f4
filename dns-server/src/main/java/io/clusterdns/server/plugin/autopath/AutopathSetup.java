package io.clusterdns.server.plugin.autopath;

import io.clusterdns.resolver.PodMode;
import io.clusterdns.server.chain.PluginConfig;
import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.Setup;
import io.clusterdns.server.corefile.Token;
import io.clusterdns.server.plugin.kubernetes.KubernetesConfig;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * Reads {@code autopath [ZONE...] RESOLV-CONF}: the last argument is a resolv.conf file (read
 * now, its search line is the path) or {@code @kubernetes}, the only plugin with search paths in
 * clusterdns; another {@code @plugin} is refused, naming it. {@code @kubernetes} is checked
 * against the block's kubernetes plugin once every line is read ({@link #checkBlock}).
 */
public final class AutopathSetup {
    private static final Logger LOG = LoggerFactory.getLogger("plugin/autopath");
    /** Where CoreDNS's kubernetes plugin reads the search domains it appends: the server's own resolv.conf. */
    public static final Path HOST_RESOLV_CONF = Path.of("/etc/resolv.conf");
    static final String KUBERNETES = "@kubernetes";

    private AutopathSetup() {
    }

    /** @param base where a relative RESOLV-CONF is found: the Corefile's folder (null: the working folder) */
    public static AutopathConfig parse(Directive d, List<Name> blockZones, Path base) {
        return parse(d, blockZones, base, HOST_RESOLV_CONF);
    }

    static AutopathConfig parse(Directive d, List<Name> blockZones, Path base, Path hostResolvConf) {
        Setup s = new Setup(AutopathConfig.NAME);
        List<Token> args = d.args();
        if (args.isEmpty()) {
            throw s.error(d.name(), null, "no RESOLV-CONF given (a resolv.conf file or @kubernetes)");
        }
        for (Directive o : d.children()) {
            throw s.unknownOption(o);
        }
        Token resolv = args.get(args.size() - 1);
        List<Name> zones = args.size() > 1 ? s.zones(args.subList(0, args.size() - 1), null) : blockZones;
        String text = resolv.text();
        if (text.startsWith("@")) {
            if (!text.equals(KUBERNETES)) {
                throw s.error(resolv, null, "\"" + text + "\" has no search paths: clusterdns takes them from @kubernetes only");
            }
            return new AutopathConfig(zones, hostSearch(hostResolvConf), true, d.where());
        }
        Path file = base == null ? Path.of(text) : base.resolve(text);
        try {
            return new AutopathConfig(zones, SearchDomains.read(file), false, d.where());
        } catch (NoSuchFileException e) {
            throw s.error(resolv, null, "cannot read \"" + text + "\": no such file");
        } catch (IOException e) {
            throw s.error(resolv, null, "cannot read \"" + text + "\": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw s.error(resolv, null, text + ":" + e.getMessage());
        }
    }

    /**
     * The search domains of the server's own resolv.conf, none when it cannot be read or has a
     * bad line: as CoreDNS, a pod's search path is then walked without the node's domains.
     */
    private static List<Name> hostSearch(Path file) {
        try {
            return SearchDomains.read(file);
        } catch (IOException | IllegalArgumentException e) {
            return List.of();
        }
    }

    /**
     * Warns at the autopath line when {@code @kubernetes} has no kubernetes plugin in its block,
     * or one without {@code pods verified}: only followed pods tell which namespace a client is
     * in, so such an autopath passes every query on. CoreDNS starts with such a Corefile (and
     * silently does nothing): refusing it would crash-loop a Deployment whose image is swapped.
     *
     * @param block one server block's plugins
     */
    public static void checkBlock(List<PluginConfig> block) {
        for (PluginConfig c : block) {
            if (c instanceof AutopathConfig a && a.kubernetes()) {
                String why = inactive(block);
                if (why != null) {
                    LOG.warn("{}: {}: {}; it passes every query on", a.where(), AutopathConfig.NAME, why);
                }
            }
        }
    }

    /** Why {@code @kubernetes} cannot walk search paths in {@code block}; null when it can. */
    public static String inactive(List<PluginConfig> block) {
        KubernetesConfig k = block.stream().filter(KubernetesConfig.class::isInstance).map(KubernetesConfig.class::cast)
                .findFirst().orElse(null);
        if (k == null) {
            return KUBERNETES + " needs a kubernetes plugin in this server block";
        }
        PodMode pods = k.resolver().podMode();
        if (pods != PodMode.VERIFIED) {
            return KUBERNETES + " needs 'pods verified' in the kubernetes plugin" + (k.where() == null ? "" : " (" + k.where() + ")")
                    + ", which has pods " + pods.name().toLowerCase(Locale.ROOT) + ": only followed pods tell a client's namespace";
        }
        return null;
    }
}
