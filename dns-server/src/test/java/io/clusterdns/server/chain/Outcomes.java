package io.clusterdns.server.chain;

import io.clusterdns.server.Wire;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * What a plugin did with a request, as one line a table can expect: {@code next} (passed on),
 * {@code fail SERVFAIL} (nothing written), or the response:
 * {@code NOERROR aa | ANSWER RECORD | ... | ns: AUTHORITY RECORD | ...}.
 */
public final class Outcomes {
    private Outcomes() {
    }

    /** Serves {@code request} through {@code plugin} alone; the rest of the chain only notes that it was reached. */
    public static String of(Plugin plugin, Request request) {
        Requests.Capture capture = new Requests.Capture();
        boolean[] next = {false};
        plugin.serve(request, capture, (r, w) -> next[0] = true);
        if (next[0]) {
            return "next";
        }
        if (!capture.failed.isEmpty()) {
            return "fail " + Rcode.string(capture.failed.get(0));
        }
        return of(capture.written.get(0));
    }

    /** A response: rcode, the AA flag, the answer records, the authority records after {@code ns:}. */
    public static String of(Message m) {
        List<String> parts = new ArrayList<>();
        parts.add(Rcode.string(m.getRcode()) + (m.getHeader().getFlag(Flags.AA) ? " aa" : ""));
        parts.addAll(Wire.texts(m, Section.ANSWER));
        Wire.texts(m, Section.AUTHORITY).forEach(r -> parts.add("ns: " + r));
        return String.join(" | ", parts);
    }
}
