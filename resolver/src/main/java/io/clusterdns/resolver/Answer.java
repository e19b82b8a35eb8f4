package io.clusterdns.resolver;

import java.util.List;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;

/**
 * What the resolver decided for one question. The server maps this to a response in one place;
 * nothing on the query path throws.
 */
public sealed interface Answer {

    /** The DNS rcode this answer is sent with. */
    int rcode();

    /**
     * Which zone answered: an index into {@link ResolverConfig#zones()} (the longest zone holding
     * the name), or {@link #NO_ZONE} outside every zone. The server takes it from here instead of
     * matching the zones a second time.
     */
    int zone();

    /** {@link #zone()} of a name outside every zone. */
    int NO_ZONE = -1;

    /** Records found: answer section and additional section (SRV targets' addresses). AA is set. */
    record Records(List<Record> answers, List<Record> additional, int zone) implements Answer {
        public Records {
            answers = List.copyOf(answers);
            additional = List.copyOf(additional);
        }

        @Override
        public int rcode() {
            return Rcode.NOERROR;
        }
    }

    /** The name exists but has no record of the asked type: NOERROR, empty answer, SOA in authority. */
    record NoData(SOARecord soa, int zone) implements Answer {
        @Override
        public int rcode() {
            return Rcode.NOERROR;
        }
    }

    /** The name does not exist in an authoritative zone: NXDOMAIN with SOA in authority. */
    record NxDomain(SOARecord soa, int zone) implements Answer {
        @Override
        public int rcode() {
            return Rcode.NXDOMAIN;
        }
    }

    /** The name is outside every configured zone: forwarded when a forwarder exists, else REFUSED. */
    record NotAuthoritative() implements Answer {
        @Override
        public int rcode() {
            return Rcode.REFUSED;
        }

        @Override
        public int zone() {
            return NO_ZONE;
        }
    }

    /** The name is in a zone but the cluster state has not synced yet: SERVFAIL, never NXDOMAIN. */
    record NotSynced(int zone) implements Answer {
        @Override
        public int rcode() {
            return Rcode.SERVFAIL;
        }
    }

    Answer NOT_AUTHORITATIVE = new NotAuthoritative();
}
