package io.clusterdns.server.listen;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.server.wire.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.InternetProtocolFamily;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.internal.ContextInternal;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP socket of one event loop, on its Netty channel rather than through Vert.x's
 * {@code DatagramSocket}. That one, per datagram, copied the pooled receive buffer into a heap
 * buffer, turned the sender into text (which the listener then parsed back), and went back to the
 * event loop after every datagram; per reply it resolved the sender's text through Vert.x's name
 * resolver, built two futures and copied the heap response into a direct buffer: about a quarter of
 * the event loop's allocation under load. Here a wake-up reads up to {@link #READ_BATCH} datagrams,
 * the sender stays the address Netty read, the replies made while a batch is handled go out in one
 * flush when it ends (the epoll transport writes several datagrams with one {@code sendmmsg}), and
 * a reply costs a pooled direct buffer (the fast path's answers are patched in it: {@link ResponsePatch}).
 * The channel comes from Vert.x's transport (epoll with
 * SO_REUSEPORT, or NIO) and lives on the verticle's event loop; queries run inside its Vert.x
 * context, as plugins that look up {@code Vertx.currentContext()} (the forwarder) expect.
 */
final class UdpSocket extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(UdpSocket.class);
    /** Datagrams read per wake-up before the loop looks at its other channels (Netty's default; Vert.x sets 1). */
    static final int READ_BATCH = 16;
    /**
     * The largest query datagram read whole (Netty's own default receive buffer, as before): a
     * longer one arrives cut at this size and is answered FORMERR. CoreDNS's server reads 512
     * bytes; a query with EDNS options stays far below either.
     */
    static final int MAX_QUERY_DATAGRAM = 2048;

    private final ContextInternal context;
    private final QueryReceiver receiver;
    private final DatagramChannel channel;
    /** Used on the event loop only. */
    private final SenderAddresses senders = new SenderAddresses();
    private volatile Listener listener;
    /** Event loop only: a read batch is being handled, its replies wait for the flush at its end. */
    private boolean reading;
    private boolean unflushed;

    private UdpSocket(ContextInternal context, QueryReceiver receiver, boolean ipv6, boolean reusePort) {
        this.context = context;
        this.receiver = receiver;
        io.vertx.core.spi.transport.Transport transport = context.owner().transport();
        channel = transport.datagramChannel(ipv6 ? InternetProtocolFamily.IPv6 : InternetProtocolFamily.IPv4);
        transport.configure(channel, new DatagramSocketOptions().setReusePort(reusePort).setIpV6(ipv6));
        channel.config().setOption(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, true);
        if (channel instanceof EpollDatagramChannel) {
            // scattering reads: one recvmmsg fills READ_BATCH slots of one pooled buffer, where
            // recvmsg took a system call per datagram (and one more to find the socket empty)
            channel.config().setOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_QUERY_DATAGRAM);
            channel.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(MAX_QUERY_DATAGRAM * READ_BATCH));
        }
        ((MaxMessagesRecvByteBufAllocator) channel.config().getRecvByteBufAllocator()).maxMessagesPerRead(READ_BATCH);
        channel.pipeline().addLast("dns", this);
    }

    /**
     * Opens a socket on {@code context}'s event loop bound to {@code address} (port 0: a free one);
     * completes once bound, or fails with the bind error (the channel then closed).
     */
    static Future<UdpSocket> open(ContextInternal context, ListenAddress address, boolean reusePort, QueryReceiver receiver) {
        UdpSocket socket = new UdpSocket(context, receiver, address.isIPv6(), reusePort);
        Promise<UdpSocket> bound = context.promise();
        context.nettyEventLoop().register(socket.channel).addListener(registered -> {
            if (!registered.isSuccess()) {
                bound.fail(registered.cause());
                return;
            }
            socket.channel.bind(new InetSocketAddress(address.address(), address.port())).addListener((ChannelFuture b) -> {
                if (b.isSuccess()) {
                    bound.complete(socket);
                } else {
                    socket.channel.close();
                    bound.fail(b.cause());
                }
            });
        });
        return bound.future();
    }

    /** The bound port. */
    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** The listener the queries are counted under, once both protocols are bound. */
    void listener(Listener value) {
        listener = value;
    }

    Future<Void> close() {
        Promise<Void> closed = context.promise();
        channel.close().addListener(f -> closed.complete());
        return closed.future();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        byte[] wire;
        InetSocketAddress sender;
        try {
            ByteBuf content = packet.content();
            wire = new byte[content.readableBytes()];
            content.getBytes(content.readerIndex(), wire);
            sender = packet.sender();
        } finally {
            packet.release();
        }
        InetSocketAddress client = senders.of(sender);
        reading = true;
        ContextInternal previous = context.beginDispatch();
        try {
            receiver.receive(wire, Transport.UDP, client, listener, new Reply(sender));
        } finally {
            context.endDispatch(previous);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a failed send or an ICMP error reported on the socket: this datagram only, never the socket
        log.debug("udp socket error: {}", cause.toString());
    }

    /** The sink of one datagram's response: back to its sender. */
    private final class Reply implements ReplySink {
        private final InetSocketAddress to;

        Reply(InetSocketAddress to) {
            this.to = to;
        }

        @Override
        public void send(byte[] response) {
            reply(channel.alloc().directBuffer(response.length).writeBytes(response), to);
        }

        /** The fast path's response, patched in the pooled buffer itself: no array per response. */
        @Override
        public void send(ResponsePatch patch) {
            byte[] template = patch.template();
            ByteBuf buffer = channel.alloc().directBuffer(template.length).writeBytes(template);
            patch.apply(buffer, 0);
            reply(buffer, to);
        }
    }

    /** Any thread, once per query: on the loop inside a read batch it waits for the batch's flush. */
    private void reply(ByteBuf buffer, InetSocketAddress to) {
        DatagramPacket packet = new DatagramPacket(buffer, to);
        if (reading && channel.eventLoop().inEventLoop()) {
            channel.write(packet, channel.voidPromise());
            unflushed = true;
        } else {
            channel.writeAndFlush(packet, channel.voidPromise());
        }
    }
}
