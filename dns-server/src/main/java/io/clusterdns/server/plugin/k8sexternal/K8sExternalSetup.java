package io.clusterdns.server.plugin.k8sexternal;

import io.clusterdns.resolver.ExternalConfig;
import io.clusterdns.resolver.ResolverConfig;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.Setup;
import io.clusterdns.server.corefile.Token;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.Name;

/**
 * Reads {@code k8s_external [ZONES...] { apex APEX; ttl TTL; headless; fallthrough [ZONES...] }}
 * with CoreDNS's defaults (apex {@code dns}, TTL 5). That the block also has a {@code kubernetes}
 * plugin is checked with the whole block ({@code kubernetes plugin not loaded}, as CoreDNS).
 */
public final class K8sExternalSetup {
    private K8sExternalSetup() {
    }

    /** @param blockZones the server block's zones: the plugin's when the line names none */
    public static K8sExternalConfig parse(Directive d, List<Name> blockZones) {
        Setup s = new Setup(K8sExternalConfig.NAME);
        List<Name> zones = d.args().isEmpty() ? blockZones : s.zones(d.args(), null);
        String apex = ExternalConfig.DEFAULT_APEX;
        long ttl = ExternalConfig.DEFAULT_TTL;
        boolean headless = false;
        Fallthrough fallthrough = Fallthrough.NONE;
        for (Directive o : d.children()) {
            String option = o.name().text();
            switch (option) {
                case "apex" -> {
                    s.args(o, 1, 1);
                    Token t = o.args().get(0);
                    apex = t.text().toLowerCase(Locale.ROOT);
                    if (!ExternalConfig.isLabel(apex)) {
                        throw s.error(t, option, "must be one DNS label such as dns, got \"" + t.text() + "\"");
                    }
                }
                case "ttl" -> {
                    s.args(o, 1, 1);
                    ttl = s.integer(o.args().get(0), option, 0, ResolverConfig.MAX_TTL);
                }
                case "headless" -> {
                    s.args(o, 0, 0);
                    headless = true;
                }
                case "fallthrough" -> fallthrough = o.args().isEmpty() ? Fallthrough.ALL : new Fallthrough(s.zones(o.args(), option));
                default -> throw s.unknownOption(o);
            }
        }
        // a zone written twice is one zone
        return new K8sExternalConfig(List.copyOf(new LinkedHashSet<>(zones)), apex, ttl, headless, fallthrough);
    }
}
