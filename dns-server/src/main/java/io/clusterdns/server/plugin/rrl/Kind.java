package io.clusterdns.server.plugin.rrl;

import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** What an account counts: the requests of a client, or one of BIND's five response categories. */
public enum Kind {
    REQUEST("request"),
    /** An answer with records. */
    RESPONSE("response"),
    /** NOERROR without records (and no referral). */
    NODATA("nodata"),
    NXDOMAIN("nxdomain"),
    /** NOERROR without answers, an NS record first in the authority section. */
    REFERRAL("referral"),
    /** Any other rcode: SERVFAIL, REFUSED, FORMERR, NOTIMP... */
    ERROR("error");

    /** The metrics' {@code kind} label. */
    final String label;

    Kind(String label) {
        this.label = label;
    }

    /** The category of {@code response}, as BIND and CoreDNS's rrl decide it. */
    static Kind of(Message response) {
        if (!response.getSection(Section.ANSWER).isEmpty()) {
            return RESPONSE;
        }
        return ofRcode(response.getRcode(), response);
    }

    /** The category of an answer with {@code rcode} and no records ({@code response} null). */
    static Kind ofRcode(int rcode, Message response) {
        if (rcode == Rcode.NXDOMAIN) {
            return NXDOMAIN;
        }
        if (rcode != Rcode.NOERROR) {
            return ERROR;
        }
        if (response != null) {
            var authority = response.getSection(Section.AUTHORITY);
            if (!authority.isEmpty() && authority.get(0).getType() == Type.NS) {
                return REFERRAL;
            }
        }
        return NODATA;
    }
}
