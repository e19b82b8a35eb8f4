package io.clusterdns.server.plugin.template;

import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.plugin.template.TemplateConfig.Template;
import io.clusterdns.server.wire.Responses;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The {@code template} plugin's chain link (CoreDNS's {@code template.go}): the first template
 * whose zone, class, type and a regex fit the query answers it, authoritatively, with the records
 * its templates render for this query. A CNAME in the answer to an A or AAAA query is followed
 * through the server itself ({@link io.clusterdns.server.chain.ServerLookup}) and what that finds
 * is appended after it; the answer goes out when every lookup is back.
 *
 * <p>A template that fails to execute or renders no valid record answers SERVFAIL, with the reason
 * and the template's FILE:LINE for the {@code errors} plugin, and is counted: that is a
 * configuration bug to see, not to hide.
 */
public final class TemplatePlugin implements Plugin {
    private final TemplateConfig config;
    private final TemplateMetrics metrics;

    public TemplatePlugin(TemplateConfig config, MeterRegistry registry) {
        this.config = config;
        this.metrics = new TemplateMetrics(registry);
    }

    @Override
    public String name() {
        return TemplateConfig.NAME;
    }

    @Override
    public void serve(Request request, ResponseWriter writer, Chain next) {
        Name qname = request.qname();
        if (config.zoneOf(qname) == null) {
            next.serve(request, writer);
            return;
        }
        String name = qname.toString().toLowerCase(Locale.ROOT);
        for (Template t : config.templates()) {
            Name zone = t.zoneOf(qname);
            if (zone == null || !t.takes(request.qclass(), request.qtype())) {
                continue;
            }
            QueryData data;
            try {
                data = match(t, request, zone, name);
            } catch (TemplateException e) {
                writer.fail(Rcode.SERVFAIL, "template " + t.where() + ": " + e.getMessage());
                return;
            }
            if (data != null) {
                answer(t, data, request, writer);
                return;
            }
            if (!t.fallthrough().through(qname)) {
                // CoreDNS: the zone is the template's, no regex matched and nothing may follow
                writer.fail(Rcode.SERVFAIL, null);
                return;
            }
        }
        next.serve(request, writer);
    }

    /** The data of the first regex of {@code t} matching {@code name}; null when none does. */
    private static QueryData match(Template t, Request request, Name zone, String name) {
        for (NameRegex regex : t.match()) {
            NameRegex.Found found = regex.find(name);
            if (found != null) {
                // for a question of class or type ANY, the template's own (CoreDNS)
                int qclass = request.qclass() == DClass.ANY ? t.qclass() : request.qclass();
                int qtype = request.qtype() == Type.ANY ? t.qtype() : request.qtype();
                return new QueryData(zone.toString().toLowerCase(Locale.ROOT), name, regex.source(), found.match(), found.groups(),
                        QueryData.className(qclass), Type.string(qtype), request.message(),
                        IpAddresses.format(request.client().getAddress()));
            }
        }
        return null;
    }

    private void answer(Template t, QueryData data, Request request, ResponseWriter writer) {
        String server = request.listener().label();
        metrics.matched(server, data.zone(), data.dclass(), data.type());
        if (t.rcode() == Rcode.SERVFAIL) {
            writer.fail(Rcode.SERVFAIL, null);
            return;
        }
        Message response = Responses.start(request.message(), t.rcode());
        response.getHeader().setFlag(Flags.AA);
        List<Record> answer;
        List<Record> additional;
        List<Record> authority;
        try {
            answer = render(t.answer(), data, server);
            additional = render(t.additional(), data, server);
            authority = render(t.authority(), data, server);
        } catch (TemplateException e) {
            writer.fail(Rcode.SERVFAIL, "template " + t.where() + ": " + e.getMessage());
            return;
        }
        for (Record r : authority) {
            response.addRecord(r, Section.AUTHORITY);
        }
        for (Record r : additional) {
            response.addRecord(r, Section.ADDITIONAL);
        }
        t.ederror().ifPresent(e -> response.addRecord(new OPTRecord(Responses.ADVERTISED_UDP_PAYLOAD, 0, 0, 0,
                List.of(new ExtendedErrorCodeOption(e.code(), e.reason()))), Section.ADDITIONAL));
        boolean address = request.qtype() == Type.A || request.qtype() == Type.AAAA;
        List<Integer> cnames = new ArrayList<>();
        for (int i = 0; i < answer.size(); i++) {
            if (address && answer.get(i) instanceof CNAMERecord) {
                cnames.add(i);
            }
        }
        if (cnames.isEmpty()) {
            answer.forEach(r -> response.addRecord(r, Section.ANSWER));
            writer.write(response);
            return;
        }
        // each CNAME's target through the server; the answer keeps the template's order with what each found after it
        Message[] found = new Message[answer.size()];
        AtomicInteger left = new AtomicInteger(cnames.size());
        for (int i : cnames) {
            Name target = ((CNAMERecord) answer.get(i)).getTarget();
            request.lookup().resolve(request, target, request.qtype(), m -> {
                found[i] = m;
                if (left.decrementAndGet() == 0) {
                    for (int k = 0; k < answer.size(); k++) {
                        response.addRecord(answer.get(k), Section.ANSWER);
                        if (found[k] != null) {
                            found[k].getSection(Section.ANSWER).forEach(r -> response.addRecord(r, Section.ANSWER));
                            if (found[k].getHeader().getFlag(Flags.TC)) {
                                response.getHeader().setFlag(Flags.TC);
                            }
                        }
                    }
                    writer.write(response);
                }
            });
        }
    }

    /** The records of one section's templates; failures counted as CoreDNS counts them. */
    private List<Record> render(List<RrTemplate> templates, QueryData data, String server) {
        List<Record> out = new ArrayList<>();
        for (RrTemplate t : templates) {
            String text;
            try {
                text = t.execute(data);
            } catch (TemplateException e) {
                metrics.templateFailed(server, data.zone(), data.dclass(), data.type(), t);
                throw new TemplateException(t.section() + ": " + e.getMessage());
            }
            try {
                out.add(RrTemplate.record(text));
            } catch (IllegalArgumentException e) {
                metrics.recordFailed(server, data.zone(), data.dclass(), data.type(), t);
                throw new TemplateException(t.section() + ": " + e.getMessage());
            }
        }
        return out;
    }
}
