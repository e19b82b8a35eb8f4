package io.clusterdns.server;

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
        ListenAddress a = ListenAddress.parse(text);

        assertThat(a.toString()).isEqualTo(canonical);
        assertThat(a.isIPv6()).isEqualTo(v6);
        assertThat(ListenAddress.parse(a.toString())).isEqualTo(a);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "localhost:53    | expected ADDR:PORT",
            "1053            | expected ADDR:PORT",
            "127.0.0.1       | expected ADDR:PORT",
            "127.0.0.1:      | expected ADDR:PORT",
            "127.0.0.1:port  | expected ADDR:PORT",
            "127.0.0.1:-1    | expected ADDR:PORT",
            "127.0.0.1:65536 | port must be 0..65535, got 65536",
            "256.0.0.1:53    | expected ADDR:PORT",
            "::1:53          | IPv6 addresses need brackets",
            "[127.0.0.1]:53  | expected ADDR:PORT",
            "[::1:53         | IPv6 addresses need brackets",
    })
    void rejects(String text, String message) {
        assertThatThrownBy(() -> ListenAddress.parse(text))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("--listen: ")
                .hasMessageContaining(message);
    }
}
