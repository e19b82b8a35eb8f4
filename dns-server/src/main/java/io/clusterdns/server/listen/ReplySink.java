package io.clusterdns.server.listen;

/**
 * Where the response to one received query goes: back out of the UDP socket to the sender, or
 * framed onto the TCP connection it came from. May be called from any thread, once; a reply that
 * is never sent (a drop) simply never calls it.
 */
@FunctionalInterface
public interface ReplySink {
    void send(byte[] response);
}
