package io.clusterdns.server.plugin.forward;

import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;

/**
 * Which upstream messages are answers. The header is checked on the raw bytes first (ID, QR, one
 * question), so that stray and spoofed packets rarely cost a parse; then the question must be the
 * one sent (name case-insensitively, type, class). Anything else is ignored and the exchange keeps
 * waiting: an off-path attacker must now guess the ID and the source port and echo the question.
 */
final class Replies {
    static final int HEADER = 12;

    private Replies() {
    }

    /** The answer to the query with {@code id} and {@code question}; null when {@code wire} is not it. */
    static Message match(byte[] wire, int id, Record question) {
        if (!isReply(wire, id) || u16(wire, 4) != 1) {
            return null;
        }
        Message m;
        try {
            m = new Message(wire);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        Record q = m.getQuestion();
        if (q == null || q.getType() != question.getType() || q.getDClass() != question.getDClass()
                || !q.getName().equals(question.getName())) {
            return null;
        }
        return m;
    }

    /** A response (QR set) with {@code id}: all a health check asks for (any rcode means the upstream is up). */
    static boolean isReply(byte[] wire, int id) {
        return wire.length >= HEADER && u16(wire, 0) == id && (wire[2] & 0x80) != 0;
    }

    /** Go's words for a failed connect: {@code dial tcp 10.0.0.10:53: connect: connection refused}. */
    static String dialError(boolean tcp, Upstream upstream, Throwable cause) {
        String why;
        if (cause instanceof ConnectTimeoutException) {
            why = "i/o timeout";
        } else if (cause instanceof ConnectException) {
            why = "connect: connection refused";
        } else {
            why = String.valueOf(cause.getMessage());
        }
        return "dial " + (tcp ? "tcp " : "udp ") + upstream.label + ": " + why;
    }

    /** Writes {@code id} into the first two bytes of {@code wire}. */
    static void setId(byte[] wire, int id) {
        wire[0] = (byte) (id >>> 8);
        wire[1] = (byte) id;
    }

    private static int u16(byte[] m, int offset) {
        return ((m[offset] & 0xFF) << 8) | (m[offset + 1] & 0xFF);
    }
}
