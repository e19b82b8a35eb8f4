package io.clusterdns.server.plugin.template;

import io.clusterdns.server.chain.Zones;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.chain.MergedLines;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The {@code template} lines of one server block. As in CoreDNS they are one chain link that tries
 * them in the order written: a query outside every template's zones goes on; a template whose zone,
 * class and type fit but whose regexes do not match passes to the next template with
 * {@code fallthrough}, else answers SERVFAIL; the first that matches answers.
 *
 * @param templates in the order written
 */
public record TemplateConfig(List<Template> templates) implements MergedLines<TemplateConfig> {
    public static final String NAME = "template";

    public TemplateConfig {
        templates = List.copyOf(templates);
    }

    /**
     * One {@code template CLASS TYPE [ZONE...] { ... }} line.
     *
     * @param qclass      the class it answers, {@link DClass#ANY} for all
     * @param qtype       the type it answers, {@link Type#ANY} for all
     * @param zones       its zones (the block's unless the line names some)
     * @param match       regexes tried on the lower-case query name in order, the first that matches wins; {@code .*} unless written
     * @param answer      the records of the answer section
     * @param additional  the records of the additional section
     * @param authority   the records of the authority section
     * @param rcode       the response code (NOERROR unless written); SERVFAIL answers without records
     * @param ederror     an Extended DNS Error (RFC 8914) for the response's OPT record
     * @param fallthrough for which names a query that no regex matches goes to the next template
     * @param where       FILE:LINE of the line, in the errors it reports
     */
    public record Template(int qclass, int qtype, List<Name> zones, List<NameRegex> match, List<RrTemplate> answer,
                           List<RrTemplate> additional, List<RrTemplate> authority, int rcode, Optional<ExtendedError> ederror,
                           Fallthrough fallthrough, String where) {
        public Template {
            zones = List.copyOf(zones);
            match = List.copyOf(match);
            answer = List.copyOf(answer);
            additional = List.copyOf(additional);
            authority = List.copyOf(authority);
        }

        /** The longest of its zones holding {@code qname}; null when none does. */
        Name zoneOf(Name qname) {
            return Zones.longest(zones, qname);
        }

        /** CoreDNS's rule: ANY on either side fits. */
        boolean takes(int qclass, int qtype) {
            return (this.qclass == DClass.ANY || qclass == DClass.ANY || qclass == this.qclass)
                    && (this.qtype == Type.ANY || qtype == Type.ANY || qtype == this.qtype);
        }
    }

    /** {@code ederror CODE [REASON]}. */
    public record ExtendedError(int code, String reason) {
    }

    @Override
    public String name() {
        return NAME;
    }

    /** This block's templates followed by {@code more}'s: several lines in a block are one link. */
    @Override
    public TemplateConfig and(TemplateConfig more) {
        List<Template> all = new ArrayList<>(templates);
        all.addAll(more.templates);
        return new TemplateConfig(all);
    }

    /** The longest of every template's zones holding {@code qname}; null when none does. */
    Name zoneOf(Name qname) {
        Name best = null;
        for (Template t : templates) {
            Name z = t.zoneOf(qname);
            if (z != null && (best == null || z.labels() > best.labels())) {
                best = z;
            }
        }
        return best;
    }
}
