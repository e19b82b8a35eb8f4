package io.clusterdns.server.plugin.log;

import io.clusterdns.server.wire.Responses;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.chain.WrappingWriter;
import io.clusterdns.server.wire.ClientEdns;
import io.clusterdns.server.wire.Transport;
import java.math.BigDecimal;
import java.net.Inet6Address;
import java.util.Locale;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The {@code log} plugin: one line per query, in CoreDNS's format by default:
 * {@code 10.244.0.92:48081 - 26946 "A IN web.default.svc.cluster.local. udp 72 false 512" NOERROR qr,aa,rd 165 0.00007631s}.
 */
public final class LogPlugin implements Plugin {
    private static final Logger LOG = LoggerFactory.getLogger("plugin/log");

    private final LogConfig config;
    /** Where the lines go: the log at INFO, or a test's list. */
    private final Consumer<String> sink;

    public LogPlugin(LogConfig config) {
        this(config, line -> LOG.info("{}", line));
    }

    LogPlugin(LogConfig config, Consumer<String> sink) {
        this.config = config;
        this.sink = sink;
    }

    @Override
    public String name() {
        return LogConfig.NAME;
    }

    @Override
    public void serve(Request request, ResponseWriter writer, Chain next) {
        LogConfig.Rule rule = rule(request);
        if (rule == null) {
            next.serve(request, writer);
            return;
        }
        next.serve(request, new WrappingWriter(writer) {
            @Override
            public int write(Message response) {
                int rcode = response.getRcode();
                String flags = flags(response);
                LogConfig.ResponseClass c = classify(rcode, response.getSection(Section.ANSWER).isEmpty());
                int bytes = super.write(response);
                log(rule, request, c, Rcode.string(rcode), flags, bytes);
                return bytes;
            }

            @Override
            public int fail(int rcode, String error) {
                int bytes = super.fail(rcode, error);
                // the flags of the error response the client gets (QR, RD and CD echoed), as CoreDNS logs it
                log(rule, request, LogConfig.ResponseClass.ERROR, Rcode.string(rcode), flags(Responses.start(request.message(), rcode)), bytes);
                return bytes;
            }

            @Override
            public int drop() {
                int bytes = super.drop();
                // nothing was sent (acl's drop): CoreDNS logs it as an error-class NOERROR without flags, 0 bytes
                log(rule, request, LogConfig.ResponseClass.ERROR, Rcode.string(Rcode.NOERROR), "-", 0);
                return bytes;
            }
        });
    }

    private LogConfig.Rule rule(Request request) {
        for (LogConfig.Rule r : config.rules()) {
            for (org.xbill.DNS.Name n : r.names()) {
                if (request.qname().subdomain(n)) {
                    return r;
                }
            }
        }
        return null;
    }

    /** CoreDNS's classes: an answer is success, NXDOMAIN and NODATA are denial, anything else error. */
    private static LogConfig.ResponseClass classify(int rcode, boolean noAnswer) {
        if (rcode == Rcode.NOERROR) {
            return noAnswer ? LogConfig.ResponseClass.DENIAL : LogConfig.ResponseClass.SUCCESS;
        }
        return rcode == Rcode.NXDOMAIN ? LogConfig.ResponseClass.DENIAL : LogConfig.ResponseClass.ERROR;
    }

    private void log(LogConfig.Rule rule, Request request, LogConfig.ResponseClass c, String rcode, String flags, int rsize) {
        if (!rule.classes().contains(c) || !LOG.isInfoEnabled()) {
            return;
        }
        sink.accept(format(rule.format(), request, rcode, flags, rsize, System.nanoTime() - request.received()));
    }

    /** Replaces CoreDNS's placeholders; unknown ones stay as written. */
    static String format(String format, Request request, String rcode, String flags, int rsize, long nanos) {
        StringBuilder out = new StringBuilder(format.length() + 64);
        int i = 0;
        while (i < format.length()) {
            int open = format.indexOf('{', i);
            int close = open < 0 ? -1 : format.indexOf('}', open);
            if (open < 0 || close < 0) {
                out.append(format, i, format.length());
                break;
            }
            out.append(format, i, open);
            String key = format.substring(open + 1, close);
            String value = value(key, request, rcode, flags, rsize, nanos);
            out.append(value == null ? format.substring(open, close + 1) : value);
            i = close + 1;
        }
        return out.toString();
    }

    private static String value(String key, Request r, String rcode, String flags, int rsize, long nanos) {
        return switch (key) {
            case "remote" -> host(r.client().getAddress());
            case "port" -> Integer.toString(r.client().getPort());
            case "local" -> host(r.listener().address().address());
            case ">id" -> Integer.toString(r.id());
            case "type" -> Type.string(r.qtype());
            case "class" -> DClass.string(r.qclass());
            case "name" -> r.qname().toString().toLowerCase(Locale.ROOT);
            case "proto" -> r.transport() == Transport.TCP ? "tcp" : "udp";
            case "size" -> Integer.toString(r.size());
            case ">do" -> Boolean.toString(r.dnssecOk());
            case ">bufsize" -> Integer.toString(r.transport() == Transport.TCP ? 65535
                    : r.edns() instanceof ClientEdns.Present p ? Math.max(512, p.udpPayloadSize()) : 512);
            case ">opcode" -> Integer.toString(r.message().getHeader().getOpcode());
            case "rcode" -> rcode;
            case ">rflags" -> flags;
            case "rsize" -> Integer.toString(rsize);
            case "duration" -> BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString() + "s";
            default -> null;
        };
    }

    /** {@code 10.0.0.1}, {@code [::1]}: as Go prints a remote address (the short IPv6 form). */
    private static String host(java.net.InetAddress a) {
        String h = IpAddresses.format(a);
        return a instanceof Inet6Address ? "[" + h + "]" : h;
    }

    private static String flags(Message m) {
        StringBuilder sb = new StringBuilder();
        int[] bits = {Flags.QR, Flags.AA, Flags.TC, Flags.RD, Flags.RA, Flags.AD, Flags.CD};
        String[] names = {"qr", "aa", "tc", "rd", "ra", "ad", "cd"};
        for (int i = 0; i < bits.length; i++) {
            if (m.getHeader().getFlag(bits[i])) {
                sb.append(sb.length() == 0 ? "" : ",").append(names[i]);
            }
        }
        return sb.toString();
    }
}
