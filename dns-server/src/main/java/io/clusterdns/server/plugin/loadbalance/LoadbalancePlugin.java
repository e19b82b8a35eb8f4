package io.clusterdns.server.plugin.loadbalance;

import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.chain.WrappingWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The {@code loadbalance} plugin: every NOERROR response leaves with its address records in a new
 * random order, so clients that take the first address spread over the endpoints. Per section, as
 * CoreDNS: a section of only A (or only AAAA) records is shuffled; a mixed one becomes CNAMEs in
 * their order, then the other records in theirs, then the A/AAAA records shuffled together, then
 * the MX records shuffled. Zone transfers pass unchanged.
 */
public final class LoadbalancePlugin implements Plugin {
    private static final int[] SECTIONS = {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL};

    @Override
    public String name() {
        return LoadbalanceConfig.NAME;
    }

    @Override
    public void serve(Request request, ResponseWriter writer, Chain next) {
        int type = request.qtype();
        if (type == Type.AXFR || type == Type.IXFR) {
            next.serve(request, writer);
            return;
        }
        next.serve(request, new WrappingWriter(writer) {
            @Override
            public int write(Message response) {
                if (response.getRcode() == Rcode.NOERROR) {
                    for (int section : SECTIONS) {
                        shuffle(response, section);
                    }
                }
                return super.write(response);
            }
        });
    }

    static void shuffle(Message m, int section) {
        List<Record> records = m.getSection(section);
        if (records.size() < 2) {
            return;
        }
        List<Record> cnames = new ArrayList<>();
        List<Record> others = new ArrayList<>();
        List<Record> addresses = new ArrayList<>();
        List<Record> mx = new ArrayList<>();
        for (Record r : records) {
            switch (r.getType()) {
                case Type.CNAME -> cnames.add(r);
                case Type.A, Type.AAAA -> addresses.add(r);
                case Type.MX -> mx.add(r);
                default -> others.add(r);
            }
        }
        if (addresses.size() < 2 && mx.size() < 2) {
            return;
        }
        shuffle(addresses);
        shuffle(mx);
        m.removeAllRecords(section);
        for (List<Record> part : List.of(cnames, others, addresses, mx)) {
            for (Record r : part) {
                m.addRecord(r, section);
            }
        }
    }

    private static void shuffle(List<Record> list) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int i = list.size() - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            Record t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }
}
