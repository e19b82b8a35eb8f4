package io.clusterdns.server.chain;

import io.clusterdns.server.listen.Listener;
import io.clusterdns.server.wire.ClientEdns;
import io.clusterdns.server.wire.Transport;
import java.net.InetSocketAddress;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * One query on its way through a server block's plugins. Immutable: a plugin that changes the
 * question (rewrite) passes a new request on with {@link #withMessage}.
 *
 * @param message  the parsed query, exactly one question; nobody changes it
 * @param edns     what its OPT record said
 * @param limit    the largest response this client takes over this transport
 * @param transport how it arrived
 * @param client   the sender's address and port
 * @param listener the socket it arrived on ({@code server} label, the loop plugin's own address)
 * @param block    the server block that took it (its zones, for the metrics' {@code zone} label)
 * @param zone     the block's zone that matched the question (the longest one)
 * @param size     the query's size in bytes (metrics)
 * @param received {@link System#nanoTime()} when it was received
 * @param lookup   how a plugin asks the server itself (CoreDNS's upstream): the listener's router
 */
public record Request(
        Message message,
        ClientEdns edns,
        int limit,
        Transport transport,
        InetSocketAddress client,
        Listener listener,
        BlockChain block,
        Name zone,
        int size,
        long received,
        ServerLookup lookup) {

    /** A request that came from no listener (tests, cache refreshes): lookups go through its own block. */
    public Request(Message message, ClientEdns edns, int limit, Transport transport, InetSocketAddress client, Listener listener,
                   BlockChain block, Name zone, int size, long received) {
        this(message, edns, limit, transport, client, listener, block, zone, size, received, ServerLookup.within(block));
    }

    /** The question record. */
    public Record question() {
        return message.getQuestion();
    }

    /** The question's name, as the client typed it (case kept). */
    public Name qname() {
        return message.getQuestion().getName();
    }

    public int qtype() {
        return message.getQuestion().getType();
    }

    public int qclass() {
        return message.getQuestion().getDClass();
    }

    public int id() {
        return message.getHeader().getID();
    }

    /** The query had EDNS with the DO bit. */
    public boolean dnssecOk() {
        return edns.dnssecOk();
    }

    /** The client's address is IPv6 (and not IPv4-mapped): CoreDNS's {@code family="2"}. */
    public boolean ipv6Client() {
        byte[] a = client.getAddress().getAddress();
        return a.length == 16;
    }

    /** This request with another query message (a rewritten question). */
    public Request withMessage(Message other) {
        return new Request(other, edns, limit, transport, client, listener, block, zone, size, received, lookup);
    }
}
