package io.clusterdns.server.plugin.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.BuildVersion;
import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.server.chain.Outcomes;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.Requests;
import io.clusterdns.server.corefile.PluginLines;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** {@code chaos} lines, and the CH TXT questions it answers (everything else goes on). */
class ChaosPluginTest {
    static final Path FILE = PluginLines.FILE;

    static ChaosConfig parse(String line) {
        return ChaosSetup.parse(PluginLines.of(line));
    }

    static Stream<Arguments> goodLines() {
        return Stream.of(
                Arguments.of("chaos", new ChaosConfig("clusterdns-" + BuildVersion.get(), List.of("clusterdns maintainers"))),
                Arguments.of("chaos {\n}", new ChaosConfig("clusterdns-" + BuildVersion.get(), List.of("clusterdns maintainers"))),
                Arguments.of("chaos CoreDNS-001", new ChaosConfig("CoreDNS-001", List.of("clusterdns maintainers"))),
                Arguments.of("chaos CoreDNS-001 info@coredns.io", new ChaosConfig("CoreDNS-001", List.of("info@coredns.io"))),
                Arguments.of("chaos v2 zed alice zed \"bob smith\"", new ChaosConfig("v2", List.of("alice", "bob smith", "zed"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodLines")
    void setup(String line, ChaosConfig expected) {
        assertThat(parse(line)).isEqualTo(expected);
    }

    @Test
    void optionsAreRefused() {
        assertThatThrownBy(() -> parse("chaos v1 {\nversion v2\n}")).isInstanceOf(ConfigException.class)
                .hasMessage(FILE + ":3: chaos: unknown property 'version'");
    }

    /** A query of {@code name} in class {@code dclass}. */
    static Request query(String name, int type, int dclass) {
        Message q = new Message(77);
        q.addRecord(Record.newRecord(Name.fromConstantString(name), type, dclass), Section.QUESTION);
        return Requests.of(name, type).withMessage(q);
    }

    static String outcome(ChaosPlugin plugin, String name, int type, int dclass) {
        return Outcomes.of(plugin, query(name, type, dclass));
    }

    static Stream<Arguments> questions() {
        return Stream.of(
                Arguments.of("version.bind.", Type.TXT, DClass.CH, "NOERROR | version.bind. 0 TXT CoreDNS-001"),
                Arguments.of("VERSION.Server.", Type.TXT, DClass.CH, "NOERROR | VERSION.Server. 0 TXT CoreDNS-001"),
                Arguments.of("hostname.bind.", Type.TXT, DClass.CH, "NOERROR | hostname.bind. 0 TXT coredns-5d78c9869d-abcde"),
                Arguments.of("id.server.", Type.TXT, DClass.CH, "NOERROR | id.server. 0 TXT coredns-5d78c9869d-abcde"),
                Arguments.of("authors.bind.", Type.TXT, DClass.CH, "NOERROR | authors.bind. 0 TXT info@coredns.io"),
                Arguments.of("version.bind.", Type.TXT, DClass.IN, "next"),
                Arguments.of("version.bind.", Type.A, DClass.CH, "next"),
                Arguments.of("other.bind.", Type.TXT, DClass.CH, "next"));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("questions")
    void answers(String name, int type, int dclass, String expected) {
        ChaosPlugin p = new ChaosPlugin(new ChaosConfig("CoreDNS-001", List.of("info@coredns.io")), "coredns-5d78c9869d-abcde");
        assertThat(outcome(p, name, type, dclass)).isEqualTo(expected);
    }

    @Test
    void answersAreOfClassChaos() {
        ChaosPlugin p = new ChaosPlugin(new ChaosConfig("v", List.of("a")), "h");
        Requests.Capture capture = new Requests.Capture();
        p.serve(query("version.bind.", Type.TXT, DClass.CH), capture, (request, writer) -> { });

        assertThat(capture.written.get(0).getSection(Section.ANSWER)).singleElement()
                .satisfies(r -> assertThat(r.getDClass()).isEqualTo(DClass.CH));
    }

    @Test
    void authorsComeInEveryOrder() {
        ChaosPlugin p = new ChaosPlugin(new ChaosConfig("v", List.of("a", "b", "c")), "h");
        Set<String> firsts = new HashSet<>();
        for (int i = 0; i < 300 && firsts.size() < 3; i++) {
            String out = outcome(p, "authors.bind.", Type.TXT, DClass.CH);
            assertThat(out.split(" \\| ")).hasSize(4);
            firsts.add(out.split(" \\| ")[1]);
        }
        assertThat(firsts).hasSize(3);
    }

    @Test
    void aTextLongerThanATxtStringHoldsIsCutTo255Bytes() {
        ChaosPlugin p = new ChaosPlugin(new ChaosConfig("v".repeat(300), List.of()), "h");
        Requests.Capture capture = new Requests.Capture();
        p.serve(query("version.bind.", Type.TXT, DClass.CH), capture, (request, writer) -> { });

        TXTRecord txt = (TXTRecord) capture.written.get(0).getSection(Section.ANSWER).get(0);
        assertThat(txt.getStrings()).containsExactly("v".repeat(255));
    }

    @Test
    void theHostnameIsTheKernels() {
        assertThat(ChaosPlugin.hostname()).isNotBlank().doesNotContain("\n");
    }
}
