package io.clusterdns.server.chain;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.server.listen.Listener;
import io.clusterdns.server.wire.ClientEdns;
import io.clusterdns.server.wire.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** Requests and writers for testing plugins one at a time, without sockets. */
public final class Requests {
    public static final InetSocketAddress CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
    public static final Listener LISTENER = Listener.of(ListenAddress.of("127.0.0.1:1053"));

    private Requests() {
    }

    /** A UDP query without EDNS for {@code name} (absolute), in a block of the root zone. */
    public static Request of(String name, int type) {
        Message q = new Message(4242);
        q.getHeader().setFlag(Flags.RD);
        q.addRecord(Record.newRecord(Name.fromConstantString(name), type, DClass.IN), Section.QUESTION);
        BlockChain block = BlockChain.of(List.of(Name.root), List.of());
        return new Request(q, ClientEdns.ABSENT, 512, Transport.UDP, CLIENT, LISTENER, block, Name.root, q.toWire().length,
                System.nanoTime());
    }

    /** A writer that keeps what it was given. */
    public static final class Capture implements ResponseWriter {
        public final List<Message> written = new ArrayList<>();
        public final List<Integer> failed = new ArrayList<>();
        public final List<String> errors = new ArrayList<>();
        public int dropped;

        @Override
        public synchronized int write(Message response) {
            written.add(response);
            return response.toWire().length;
        }

        @Override
        public synchronized int fail(int rcode, String error) {
            failed.add(rcode);
            errors.add(error);
            return 12;
        }

        @Override
        public synchronized int drop() {
            dropped++;
            return 0;
        }
    }
}
