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

    /** Records found: answer section and additional section (SRV targets' addresses). AA is set. */
    record Records(List<Record> answers, List<Record> additional) implements Answer {
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
    record NoData(SOARecord soa) implements Answer {
        @Override
        public int rcode() {
            return Rcode.NOERROR;
        }
    }

    /** The name does not exist in an authoritative zone: NXDOMAIN with SOA in authority. */
    record NxDomain(SOARecord soa) implements Answer {
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
    }

    /** The name is in a zone but the cluster state has not synced yet: SERVFAIL, never NXDOMAIN. */
    record NotSynced() implements Answer {
        @Override
        public int rcode() {
            return Rcode.SERVFAIL;
        }
    }

    Answer NOT_AUTHORITATIVE = new NotAuthoritative();
    Answer NOT_SYNCED = new NotSynced();
}
