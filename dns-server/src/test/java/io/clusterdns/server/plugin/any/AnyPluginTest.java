package io.clusterdns.server.plugin.any;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.server.chain.Outcomes;
import io.clusterdns.server.chain.Requests;
import io.clusterdns.server.corefile.PluginLines;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Type;

/** {@code any} lines, and RFC 8482's answer to ANY (other types go on). */
class AnyPluginTest {
    static final Path FILE = PluginLines.FILE;

    static AnyConfig parse(String line) {
        return AnySetup.parse(PluginLines.of(line));
    }

    static Stream<Arguments> lines() {
        return Stream.of(
                Arguments.of("any", null),
                Arguments.of("any {\n}", null),
                Arguments.of("any all", FILE + ":2: any: wrong argument count: expected no arguments, got 1"),
                Arguments.of("any {\nhinfo\n}", FILE + ":3: any: unknown property 'hinfo'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lines")
    void setup(String line, String error) {
        if (error == null) {
            assertThat(parse(line)).isEqualTo(new AnyConfig());
        } else {
            assertThatThrownBy(() -> parse(line)).isInstanceOf(ConfigException.class).hasMessage(error);
        }
    }

    static Stream<Arguments> questions() {
        return Stream.of(
                Arguments.of("example.org.", Type.ANY, "NOERROR | example.org. 8482 HINFO \"ANY obsoleted\" \"See RFC 8482\""),
                Arguments.of("Web.Example.ORG.", Type.ANY, "NOERROR | Web.Example.ORG. 8482 HINFO \"ANY obsoleted\" \"See RFC 8482\""),
                Arguments.of("example.org.", Type.A, "next"),
                Arguments.of("example.org.", Type.HINFO, "next"),
                Arguments.of("example.org.", Type.TXT, "next"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("questions")
    void answers(String name, int type, String expected) {
        String outcome = Outcomes.of(new AnyPlugin(), Requests.of(name, type));
        assertThat(outcome).isEqualTo(expected);
    }
}
