package io.clusterdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.Await;
import io.clusterdns.server.ConcurrentCaseIT.Asked;
import io.clusterdns.server.ConcurrentCaseIT.Question;
import io.clusterdns.server.plan.CorefileSource;
import io.clusterdns.server.plan.ServerPlan;
import io.clusterdns.server.plugin.forward.Dnsmasq;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import picocli.CommandLine;

/**
 * Case one question at a time, as a reviewer asks with dig: real sockets on 127.0.0.1, queries
 * built as dig builds them (RD, AD, EDNS 1232 with a client cookie, so they take the chain), the
 * same name asked in one spelling and then in others (A, CNAME, AAAA, SRV, ...), with manifest
 * reloads between the rounds. Unlike {@link ConcurrentCaseIT}'s load, nothing overwrites what one
 * question leaves behind (a thread's last look-up, a cache entry) before the next one comes. Every
 * response must echo its query's question bytes, spell owners equal to it as typed and end SRV
 * targets in the cluster zone as typed ({@link ConcurrentCaseIT#caseProblem}).
 *
 * <p>Servers: the flags' chain; kubeadm's Corefile shape forwarding to a dnsmasq this test starts
 * (with its {@code cache 30} that disables cluster.local, with a plain {@code cache 30}, without
 * cache); and a block whose cache holds the cluster's answers too ({@code log} keeps the fast
 * path and its leave-alone rule out), where a hit for a second spelling once answered SRV
 * targets in the first asker's spelling of the zone.
 */
class SequentialCaseCacheTest {
    private static final String SVC = ".default.svc.cluster.local.";
    private static final List<Question> QUESTIONS = List.of(
            new Question("my-database" + SVC, Type.A), new Question("my-database" + SVC, Type.CNAME),
            new Question("my-database" + SVC, Type.AAAA), new Question("my-database" + SVC, Type.TXT),
            new Question("web" + SVC, Type.A), new Question("web" + SVC, Type.SRV), new Question("_http._tcp.web" + SVC, Type.SRV),
            new Question("mongo-headless" + SVC, Type.SRV), new Question("mongo-0.mongo-headless" + SVC, Type.A),
            new Question("flip" + SVC, Type.A), new Question("ext-flip" + SVC, Type.A), new Question("ext-flip" + SVC, Type.CNAME),
            new Question("db.example.com.", Type.A), new Question("nope" + SVC, Type.A));
    private static final int ROUNDS = 6;

    @TempDir
    Path dir;
    private DnsServer server;
    private Dnsmasq dnsmasq;
    private final List<String> failures = new ArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (dnsmasq != null) {
            dnsmasq.close();
        }
    }

    @Test
    void flagsServer() throws Exception {
        Path manifests = manifests();
        CommandLine cl = DnsServerMain.commandLine();
        cl.parseArgs("--manifests", manifests.toString(), "--listen", "127.0.0.1:0", "--health", "off", "--ready", "off", "--metrics", "off");
        server = ((DnsServerMain) cl.getCommand()).startServer();
        run(manifests);
    }

    @Test
    void kubeadmCacheDisablingTheClusterZone() throws Exception {
        corefileServer("""
                cache 30 {
                    disable success cluster.local
                    disable denial cluster.local
                }
                loadbalance""");
    }

    @Test
    void plainCache() throws Exception {
        corefileServer("cache 30");
    }

    @Test
    void noCache() throws Exception {
        corefileServer("loadbalance");
    }

    /**
     * {@code log} puts the block on the chain alone: its cache holds the kubernetes plugin's answers
     * as CoreDNS's does (all but flip's, which tells that a reload is served).
     */
    @Test
    void cacheHoldingTheClusterAnswers() throws Exception {
        corefileServer("""
                log . {
                    class error
                }
                cache 30 {
                    disable success flip.default.svc.cluster.local
                }""");
    }

    private void corefileServer(String plugins) throws Exception {
        Dnsmasq.require();
        Path manifests = manifests();
        dnsmasq = Dnsmasq.startForkingTcp(Files.createDirectories(dir.resolve("dnsmasq")), "127.0.0.1", "192.0.2.10 db.example.com\n2001:db8::10 db.example.com\n");
        Path corefile = Files.writeString(dir.resolve("Corefile"), """
                .:0 {
                    bind 127.0.0.1
                    errors
                    kubernetes cluster.local in-addr.arpa ip6.arpa {
                       manifests %s
                       pods insecure
                       fallthrough in-addr.arpa ip6.arpa
                       ttl 30
                    }
                    forward . %s
                    %s
                }
                """.formatted(manifests, dnsmasq.target(), plugins.replace("\n", "\n    ")));
        server = DnsServerMain.start(new CorefileSource(corefile, Map.of(), 53, ServerPlan.DEFAULT_TCP_IDLE_TIMEOUT, 2));
        run(manifests);
    }

    private void run(Path manifests) {
        int port = server.port();
        Random random = new Random(42);
        int id = 1;
        int checked = 0;
        for (int round = 0; round < ROUNDS; round++) {
            int state = round % 2;
            ConcurrentCaseIT.writeState(manifests, state);
            Await.until("state " + state + " served", () -> flipAddress(port).equals(ConcurrentCaseIT.FLIP_IPS[state]));
            for (Question q : QUESTIONS) {
                // a spelling with capitals first, then others: lower case, upper case, capitals elsewhere
                List<String> spellings = List.of(mixed(q.name(), random), q.name(), q.name().toUpperCase(java.util.Locale.ROOT),
                        mixed(q.name(), random));
                for (String spelled : spellings) {
                    for (boolean tcp : new boolean[] {false, true}) {
                        Asked a = new Asked(q, spelled, 1232, false, true, true, tcp);
                        int queryId = id++ & 0xFFFF;
                        byte[] query = ConcurrentCaseIT.query(queryId, a);
                        byte[] response = ConcurrentCaseIT.askAlone(port, a, queryId);
                        check(a, query, response);
                        checked++;
                    }
                }
            }
        }
        assertThat(failures).as("%d responses checked", checked).isEmpty();
    }

    private void check(Asked a, byte[] query, byte[] r) {
        int questionEnd = 12 + Name.fromConstantString(a.spelled()).length() + 4;
        String problem;
        if (r.length < questionEnd || r[0] != query[0] || r[1] != query[1]) {
            problem = "not this query's response";
        } else if (!java.util.Arrays.equals(r, 12, questionEnd, query, 12, questionEnd)) {
            problem = "question bytes differ from the query's";
        } else {
            Message m = Wire.parse(r);
            problem = ConcurrentCaseIT.caseProblem(a, m);
            if (problem == null && a.question().type() == Type.SRV && m.getSection(Section.ANSWER).isEmpty()) {
                problem = "no SRV answer";
            }
        }
        if (problem != null && failures.size() < 20) {
            failures.add(problem + ": asked " + a.spelled() + " " + Type.string(a.question().type()) + (a.tcp() ? " tcp" : " udp")
                    + "; answer " + answer(r) + "; response " + HexFormat.of().formatHex(r));
        }
    }

    private static String answer(byte[] r) {
        try {
            List<String> out = new ArrayList<>();
            for (Record rec : Wire.parse(r).getSection(Section.ANSWER)) {
                out.add(rec instanceof SRVRecord srv ? rec.getName() + " SRV " + srv.getTarget() : rec.toString());
            }
            return out.toString();
        } catch (RuntimeException e) {
            return "(does not parse)";
        }
    }

    /**
     * Capitals somewhere, at least one in the last label: the cache takes an SRV target's end for
     * the first asker's echo only from a capital on (a lower-case first spelling leaves the next
     * askers the lower-case zone in targets, as CoreDNS's cache does; {@code Entry.echoed}).
     */
    private static String mixed(String name, Random random) {
        char[] c = name.toCharArray();
        for (int i = 0; i < c.length; i++) {
            if (Character.isLetter(c[i]) && random.nextBoolean()) {
                c[i] = Character.toUpperCase(c[i]);
            }
        }
        int last = name.lastIndexOf('.', name.length() - 2) + 1;
        if (new String(c, last, c.length - last).equals(name.substring(last))) {
            c[last] = Character.toUpperCase(c[last]);
        }
        return new String(c);
    }

    private static String flipAddress(int port) {
        Asked a = new Asked(ConcurrentCaseIT.FLIP, ConcurrentCaseIT.FLIP.name(), -1, false, false, false, true);
        List<String> texts = Wire.texts(Wire.parse(ConcurrentCaseIT.askAlone(port, a, 2)), Section.ANSWER);
        return texts.size() == 1 ? texts.get(0).substring(texts.get(0).lastIndexOf(' ') + 1) : texts.toString();
    }

    /** The README's example cluster and ConcurrentCaseIT's file (flip, ext-flip, big) in state 0. */
    private Path manifests() throws IOException {
        Path out = Files.createDirectories(dir.resolve("manifests"));
        try (DirectoryStream<Path> yaml = Files.newDirectoryStream(Path.of("../k8s/examples"), "*.yaml")) {
            for (Path p : yaml) {
                Files.copy(p, out.resolve(p.getFileName()));
            }
        }
        ConcurrentCaseIT.writeState(out, 0);
        return out;
    }
}
