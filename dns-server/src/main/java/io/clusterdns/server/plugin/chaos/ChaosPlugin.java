package io.clusterdns.server.plugin.chaos;

import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.wire.Responses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The {@code chaos} plugin: CH-class TXT queries for {@code version.bind} and
 * {@code version.server} get the version, {@code hostname.bind} and {@code id.server} the host's
 * name (the pod's), {@code authors.bind} the authors in a random order; TTL 0, class CH, as
 * CoreDNS. Everything else goes on. Its presence in a block is also what lets CH-class queries
 * into the block at all (else REFUSED, as CoreDNS): see {@code QueryDispatcher}.
 */
public final class ChaosPlugin implements Plugin {
    private static final Name VERSION_BIND = Name.fromConstantString("version.bind.");
    private static final Name VERSION_SERVER = Name.fromConstantString("version.server.");
    private static final Name AUTHORS_BIND = Name.fromConstantString("authors.bind.");
    private static final Name HOSTNAME_BIND = Name.fromConstantString("hostname.bind.");
    private static final Name ID_SERVER = Name.fromConstantString("id.server.");

    private final byte[] version;
    private final List<byte[]> authors;
    private final byte[] hostname;

    /** With the host's name as the kernel has it (the pod's name in Kubernetes). */
    public ChaosPlugin(ChaosConfig config) {
        this(config, hostname());
    }

    ChaosPlugin(ChaosConfig config, String hostname) {
        this.version = txt(config.version());
        this.authors = config.authors().stream().map(ChaosPlugin::txt).toList();
        this.hostname = txt(hostname);
    }

    @Override
    public String name() {
        return ChaosConfig.NAME;
    }

    @Override
    public void serve(Request request, ResponseWriter writer, Chain next) {
        Name qname = request.qname();
        if (request.qclass() != DClass.CH || request.qtype() != Type.TXT) {
            next.serve(request, writer);
            return;
        }
        List<byte[]> texts;
        if (qname.equals(VERSION_BIND) || qname.equals(VERSION_SERVER)) {
            texts = List.of(version);
        } else if (qname.equals(HOSTNAME_BIND) || qname.equals(ID_SERVER)) {
            texts = List.of(hostname);
        } else if (qname.equals(AUTHORS_BIND)) {
            List<byte[]> shuffled = new ArrayList<>(authors);
            Collections.shuffle(shuffled, ThreadLocalRandom.current());
            texts = shuffled;
        } else {
            next.serve(request, writer);
            return;
        }
        Message m = Responses.start(request.message(), Rcode.NOERROR);
        for (byte[] rdata : texts) {
            m.addRecord(Record.newRecord(qname, Type.TXT, DClass.CH, 0, rdata), Section.ANSWER);
        }
        writer.write(m);
    }

    /**
     * The rdata of a TXT record of one string, its bytes as given (no zone-file escapes), cut to
     * the 255 bytes a string holds, as CoreDNS cuts it.
     */
    static byte[] txt(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(bytes.length, 255);
        byte[] rdata = new byte[n + 1];
        rdata[0] = (byte) n;
        System.arraycopy(bytes, 0, rdata, 1, n);
        return rdata;
    }

    /** Go's {@code os.Hostname} on Linux (the kernel's), without a DNS lookup; {@code localhost} when unknown, as CoreDNS. */
    static String hostname() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the environment's, else CoreDNS's fallback
        }
        String env = System.getenv("HOSTNAME");
        return env == null || env.isBlank() ? "localhost" : env.trim();
    }
}
