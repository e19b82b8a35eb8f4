package io.clusterdns.server.chain;

import org.xbill.DNS.Message;

/** A writer that passes on to another one; plugins that act on responses override what they need. */
public abstract class WrappingWriter implements ResponseWriter {
    protected final ResponseWriter next;

    protected WrappingWriter(ResponseWriter next) {
        this.next = next;
    }

    @Override
    public int write(Message response) {
        return next.write(response);
    }

    @Override
    public int fail(int rcode, String error) {
        return next.fail(rcode, error);
    }

    @Override
    public int drop() {
        return next.drop();
    }
}
