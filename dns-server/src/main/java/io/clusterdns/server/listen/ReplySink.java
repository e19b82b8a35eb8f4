package io.clusterdns.server.listen;

import io.netty.buffer.Unpooled;

/**
 * Where the response to one received query goes: back out of the UDP socket to the sender, or
 * framed onto the TCP connection it came from. May be called from any thread, once; a reply that
 * is never sent (a drop) simply never calls it.
 */
@FunctionalInterface
public interface ReplySink {
    void send(byte[] response);

    /**
     * Sends the response {@code patch} makes, before returning (the patch is only valid during the
     * call). This makes an array of it; the UDP socket writes it into its send buffer instead.
     */
    default void send(ResponsePatch patch) {
        byte[] out = patch.template().clone();
        patch.apply(Unpooled.wrappedBuffer(out), 0);
        send(out);
    }
}
