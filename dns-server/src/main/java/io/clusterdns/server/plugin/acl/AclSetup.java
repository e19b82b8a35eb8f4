package io.clusterdns.server.plugin.acl;

import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.Setup;
import io.clusterdns.server.corefile.Token;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * Reads one {@code acl [ZONES...] { ACTION [type QTYPE...] [net SOURCE...] }} line into one rule,
 * with CoreDNS's rules and error texts: actions and the words {@code type} and {@code net} in any
 * case, {@code *} for every type or every source, a single address for its /32 or /128, a
 * section without values refused. Several {@code acl} lines of a block merge
 * ({@link AclConfig#and}).
 */
public final class AclSetup {
    private static final String TYPE = "type";
    private static final String NET = "net";

    private AclSetup() {
    }

    /** @param blockZones the server block's zones: the rule's when the line names none */
    public static AclConfig parse(Directive d, List<Name> blockZones) {
        Setup s = new Setup(AclConfig.NAME);
        List<Name> zones = d.args().isEmpty() ? blockZones : s.zones(d.args(), null);
        List<AclConfig.Policy> policies = new ArrayList<>();
        for (Directive o : d.children()) {
            policies.add(policy(s, o));
        }
        return new AclConfig(List.of(new AclConfig.Rule(zones, policies)));
    }

    private static AclConfig.Policy policy(Setup s, Directive o) {
        String action = o.name().text().toLowerCase(Locale.ROOT);
        AclConfig.Action a = switch (action) {
            case "allow" -> AclConfig.Action.ALLOW;
            case "block" -> AclConfig.Action.BLOCK;
            case "filter" -> AclConfig.Action.FILTER;
            case "drop" -> AclConfig.Action.DROP;
            default -> throw s.error(o.name(), null, "unexpected token \"" + o.name().text()
                    + "\"; expect 'allow', 'block', 'filter' or 'drop'");
        };
        Set<Integer> types = new LinkedHashSet<>();
        boolean everyType = false;
        List<AclConfig.Prefix> sources = new ArrayList<>();
        boolean everySource = false;
        List<Token> words = o.args();
        int i = 0;
        while (i < words.size()) {
            Token section = words.get(i);
            String name = section.text().toLowerCase(Locale.ROOT);
            if (!isSection(section)) {
                throw s.error(section, action, "unexpected token \"" + section.text() + "\"; expect 'type | net'");
            }
            int from = ++i;
            while (i < words.size() && !isSection(words.get(i))) {
                i++;
            }
            if (i == from) {
                throw s.error(section, action, "no token specified in \"" + name + "\" section");
            }
            for (Token t : words.subList(from, i)) {
                if (t.text().equals("*")) {
                    everyType |= name.equals(TYPE);
                    everySource |= name.equals(NET);
                } else if (name.equals(TYPE)) {
                    int type = Type.value(t.text());
                    if (type < 0) {
                        throw s.error(t, action, "unexpected token \"" + t.text() + "\"; expect legal QTYPE");
                    }
                    types.add(type);
                } else {
                    AclConfig.Prefix p = AclConfig.Prefix.parse(t.text());
                    if (p == null) {
                        throw s.error(t, action, "illegal CIDR notation \"" + t.text() + "\"");
                    }
                    sources.add(p);
                }
            }
        }
        // a section left out, or with *, matches everything: the empty set
        return new AclConfig.Policy(a, everyType ? Set.of() : types, everySource ? List.of() : sources);
    }

    private static boolean isSection(Token t) {
        String w = t.text().toLowerCase(Locale.ROOT);
        return w.equals(TYPE) || w.equals(NET);
    }
}
