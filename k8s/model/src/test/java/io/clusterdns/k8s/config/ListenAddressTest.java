package io.clusterdns.k8s.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ListenAddressTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1:1053 | 127.0.0.1:1053 | false",
            "0.0.0.0:53     | 0.0.0.0:53     | false",
            ":53            | 0.0.0.0:53     | false",
            "' :5353 '      | 0.0.0.0:5353   | false",
            "[::1]:1053     | [::1]:1053     | true",
            "[::]:53        | [::]:53        | true",
            "[fd00:0:0::10]:53 | [fd00::10]:53 | true",
            "10.96.0.10:0   | 10.96.0.10:0   | false",
    })
    void parses(String text, String canonical, boolean v6) {
        ListenAddress a = ListenAddress.parse("--listen", text, 1053);

        assertThat(a.toString()).isEqualTo(canonical);
        assertThat(a.isIPv6()).isEqualTo(v6);
        assertThat(ListenAddress.parse("--listen", a.toString(), 1053)).isEqualTo(a);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "localhost:53    | expected ADDR:PORT",
            "1053            | expected ADDR:PORT",
            "127.0.0.1       | expected ADDR:PORT",
            "127.0.0.1:      | expected ADDR:PORT",
            "127.0.0.1:port  | expected ADDR:PORT",
            "127.0.0.1:-1    | expected ADDR:PORT",
            "127.0.0.1:65536 | port must be 0..65535, got \"127.0.0.1:65536\"",
            "256.0.0.1:53    | expected ADDR:PORT",
            "::1:53          | IPv6 addresses need brackets",
            "[127.0.0.1]:53  | expected ADDR:PORT",
            "[::1:53         | IPv6 addresses need brackets",
    })
    void rejects(String text, String message) {
        assertThatThrownBy(() -> ListenAddress.parse("--listen", text, 1053))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("--listen: ")
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--health  | 8080 | nonsense | --health: expected ADDR:PORT like 127.0.0.1:8080, [::1]:8080 or :8080, got \"nonsense\"",
            "--metrics | 9153 | 9153     | --metrics: expected ADDR:PORT like 127.0.0.1:9153, [::1]:9153 or :9153, got \"9153\"",
    })
    void examplesFitTheOption(String option, int port, String text, String message) {
        assertThatThrownBy(() -> ListenAddress.parse(option, text, port)).hasMessage(message);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "null     | fallback",
            "off      | off",
            "' OFF '  | off",
            "''       | off",
            ":8080    | 0.0.0.0:8080",
    })
    void canBeTurnedOff(String text, String expected) {
        ListenAddress fallback = new ListenAddress(java.net.InetAddress.getLoopbackAddress(), 1);
        var parsed = ListenAddress.parseOrOff("--health", text, java.util.Optional.of(fallback), 8080);
        String shown = parsed.map(a -> a.equals(fallback) ? "fallback" : a.toString()).orElse("off");
        assertThat(shown).isEqualTo(expected);
    }
}
