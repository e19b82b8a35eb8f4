package io.clusterdns.server.plugin.rewrite;

import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * A rule made something that is not a domain name (an empty label, a label over 63 bytes, more
 * than 255 in all): CoreDNS answers such a query SERVFAIL with {@code invalid name after rewrite}.
 * Rare and caused by the Corefile, so an exception without a stack trace.
 */
final class InvalidName extends RuntimeException {

    private InvalidName(String text, String reason) {
        super(text + " (" + reason + ")", null, false, false);
    }

    /** {@code text} (absolute, with its final dot) as a name. */
    static Name parse(String text) {
        try {
            return Name.fromString(text, Name.root);
        } catch (TextParseException e) {
            throw new InvalidName(text, e.getMessage());
        }
    }
}
