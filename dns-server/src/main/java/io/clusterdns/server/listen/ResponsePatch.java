package io.clusterdns.server.listen;

import io.netty.buffer.ByteBuf;

/**
 * A response made of bytes kept for every client asking the same question ({@link #template()})
 * with this client's part written over a copy of them: how the fast path hands its answers to a
 * {@link ReplySink}, so that the UDP socket copies them straight into the pooled buffer it sends
 * rather than into an array made per response. Valid only during the {@code send} call.
 */
public interface ResponsePatch {
    /** The kept bytes; not to be changed. */
    byte[] template();

    /** Writes this client's part over the copy of {@link #template()} that starts at {@code start} in {@code out}. */
    void apply(ByteBuf out, int start);
}
