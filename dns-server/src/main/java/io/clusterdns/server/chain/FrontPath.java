package io.clusterdns.server.chain;

import io.clusterdns.server.listen.Listener;
import io.clusterdns.server.listen.ReplySink;
import io.clusterdns.server.wire.Transport;
import java.net.InetSocketAddress;

/**
 * What a router may put in front of its plugin chains: a path that answers some queries straight
 * from their bytes (the cluster zone's encoded answers) and leaves every other one to the wire
 * stage and the chain. It must answer exactly as the chain would, or not at all.
 */
@FunctionalInterface
public interface FrontPath {

    /** Answers nothing: every query takes the chain. */
    FrontPath NONE = (wire, transport, client, listener, sink, received) -> false;

    /**
     * Answers {@code wire} through {@code sink} and returns true, or returns false without having
     * sent anything (the chain then takes the query).
     *
     * @param received {@link System#nanoTime()} when the query was received (metrics)
     */
    boolean serve(byte[] wire, Transport transport, InetSocketAddress client, Listener listener, ReplySink sink, long received);
}
