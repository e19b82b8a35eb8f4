package io.clusterdns.server.plugin.template;

import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.Setup;
import io.clusterdns.server.corefile.Token;
import io.clusterdns.server.plugin.template.TemplateConfig.ExtendedError;
import io.clusterdns.server.plugin.template.TemplateConfig.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Reads {@code template CLASS TYPE [ZONE...] { match REGEX...; answer|additional|authority RR...;
 * rcode CODE; ederror CODE [REASON]; fallthrough [ZONE...]; upstream [ADDRESS...] }} as CoreDNS
 * 1.12 does: regexes and templates are compiled here, so a broken one fails at its line. CLASS and
 * TYPE are also read in lower case. {@code upstream} is accepted and changes nothing, as in CoreDNS,
 * which resolves CNAME targets through itself whether or not it is written. The unreleased
 * {@code var} and {@code expr} options are refused by name.
 */
public final class TemplateSetup {
    /** miekg/dns's {@code StringToClass}. */
    private static final Map<String, Integer> CLASSES = Map.of("IN", 1, "CS", 2, "CH", 3, "HS", 4, "NONE", 254, "ANY", 255);
    /** The rcodes a response header holds (miekg/dns's names; NOTIMPL too). */
    private static final Map<String, Integer> RCODES = Map.ofEntries(Map.entry("NOERROR", 0), Map.entry("FORMERR", 1),
            Map.entry("SERVFAIL", 2), Map.entry("NXDOMAIN", 3), Map.entry("NOTIMP", 4), Map.entry("NOTIMPL", 4), Map.entry("REFUSED", 5),
            Map.entry("YXDOMAIN", 6), Map.entry("YXRRSET", 7), Map.entry("NXRRSET", 8), Map.entry("NOTAUTH", 9), Map.entry("NOTZONE", 10));
    /** Extended rcodes: they need an OPT record a client without EDNS does not get; CoreDNS fails to send them. */
    private static final List<String> EXTENDED_RCODES = List.of("BADSIG", "BADVERS", "BADKEY", "BADTIME", "BADMODE", "BADNAME", "BADALG",
            "BADTRUNC", "BADCOOKIE");

    private TemplateSetup() {
    }

    /** @param zones the block's zones, the template's unless it names some */
    public static TemplateConfig parse(Directive d, List<Name> zones) {
        Setup s = new Setup(TemplateConfig.NAME);
        s.args(d, 2, Integer.MAX_VALUE);
        Token classToken = d.args().get(0);
        Integer qclass = CLASSES.get(classToken.text().toUpperCase(Locale.ROOT));
        if (qclass == null) {
            throw s.error(classToken, null, "invalid query class " + classToken.text());
        }
        Token typeToken = d.args().get(1);
        int qtype = Type.value(typeToken.text());
        if (qtype < 0) {
            throw s.error(typeToken, null, "invalid RR type " + typeToken.text());
        }
        List<Token> zoneTokens = d.args().subList(2, d.args().size());
        List<Name> own = zoneTokens.isEmpty() ? zones : s.zones(zoneTokens, null);

        List<NameRegex> match = new ArrayList<>();
        List<RrTemplate> answer = new ArrayList<>();
        List<RrTemplate> additional = new ArrayList<>();
        List<RrTemplate> authority = new ArrayList<>();
        int rcode = Rcode.NOERROR;
        Optional<ExtendedError> ederror = Optional.empty();
        Fallthrough fallthrough = Fallthrough.NONE;
        for (Directive o : d.children()) {
            String option = o.name().text();
            switch (option) {
                case "match" -> {
                    s.args(o, 1, Integer.MAX_VALUE);
                    for (Token t : o.args()) {
                        match.add(regex(s, t));
                    }
                }
                case "answer" -> templates(s, o, answer);
                case "additional" -> templates(s, o, additional);
                case "authority" -> templates(s, o, authority);
                case "rcode" -> {
                    s.args(o, 1, 1);
                    rcode = rcode(s, o.args().get(0));
                }
                case "ederror" -> {
                    s.args(o, 1, 2);
                    Token code = o.args().get(0);
                    if (!code.text().matches("[0-9]{1,5}") || Integer.parseInt(code.text()) > 65535) {
                        throw s.error(code, option, "error parsing extended DNS error code " + code.text() + " (expected 0..65535)");
                    }
                    ederror = Optional.of(new ExtendedError(Integer.parseInt(code.text()), o.args().size() == 2 ? o.args().get(1).text() : ""));
                }
                case "fallthrough" -> fallthrough = o.args().isEmpty() ? Fallthrough.ALL : new Fallthrough(s.zones(o.args(), option));
                case "upstream" -> {
                    // CoreDNS accepts and ignores it ("remove soon"): CNAME targets always resolve through the server
                }
                case "var", "expr" -> throw s.error(o.name(), option, "not supported by clusterdns (CoreDNS's unreleased expr-lang "
                        + "options); use match groups in the templates");
                default -> throw s.unknownOption(o);
            }
        }
        if (match.isEmpty()) {
            match.add(NameRegex.compile(".*"));
        }
        return new TemplateConfig(List.of(new Template(qclass, qtype, own, match, answer, additional, authority, rcode, ederror,
                fallthrough, d.where())));
    }

    private static NameRegex regex(Setup s, Token t) {
        if (t.text().length() > NameRegex.MAX_LENGTH) {
            throw s.error(t, "match", "regex pattern too long: " + t.text().length() + " > " + NameRegex.MAX_LENGTH);
        }
        try {
            return NameRegex.compile(t.text());
        } catch (IllegalArgumentException e) {
            throw s.error(t, "match", "could not parse regex: " + t.text() + ", " + e.getMessage());
        }
    }

    private static void templates(Setup s, Directive o, List<RrTemplate> into) {
        s.args(o, 1, Integer.MAX_VALUE);
        for (Token t : o.args()) {
            try {
                into.add(RrTemplate.parse(o.name().text(), t.text()));
            } catch (TemplateException e) {
                throw s.error(t, o.name().text(), "could not compile template: " + e.getMessage());
            }
        }
    }

    private static int rcode(Setup s, Token t) {
        String name = t.text().toUpperCase(Locale.ROOT);
        Integer rcode = RCODES.get(name);
        if (rcode != null) {
            return rcode;
        }
        if (EXTENDED_RCODES.contains(name)) {
            throw s.error(t, "rcode", "extended rcode " + t.text() + " cannot be answered without EDNS; not supported by clusterdns");
        }
        throw s.error(t, "rcode", "unknown rcode " + t.text());
    }
}
