package io.clusterdns.k8s.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one duration syntax: Go's, as CoreDNS and kube-proxy read it, plus bare seconds where asked for. */
class DurationsTest {

    @ParameterizedTest(name = "{0} = {1} ns")
    @CsvSource(delimiter = '|', value = {
            "0          | 0",
            "0s         | 0",
            "500ms      | 500000000",
            "30s        | 30000000000",
            "' 30s '    | 30000000000",
            "1m30s      | 90000000000",
            "1.5s       | 1500000000",
            "1.5h       | 5400000000000",
            "2h45m      | 9900000000000",
            "250us      | 250000",
            "250µs      | 250000",
            "10ns       | 10",
            "1h1m1s1ms  | 3661001000000",
    })
    void parsesGoDurations(String text, long nanos) {
        assertThat(Durations.parse("--x", text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(delimiter = '|', value = {
            "30", "-1s", "1d", "s", "1.2.3s", "''", "10 s", "PT20M", "1m-1s", ".s", "99999999999999999999h",
    })
    void refusesAnythingElseEchoingTheText(String text) {
        assertThatThrownBy(() -> Durations.parse("--sync-period", text))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--sync-period: expected a duration like 500ms, 30s, 1m30s or 2h, got \"" + text + "\"");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "5     | 5000",
            "0     | 0",
            "5s    | 5000",
            "1m30s | 90000",
    })
    void takesBareSecondsWhereAskedFor(String text, long millis) {
        assertThat(Durations.parseOrSeconds("--startup-timeout", text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "20m  | --startup-timeout: must be 0s..10m, got \"20m\"",
            "600  | ",
            "601  | --startup-timeout: must be 0s..10m, got \"601\"",
    })
    void checksRangesEchoingTheText(String text, String message) {
        if (message == null) {
            assertThat(Durations.parseOrSeconds("--startup-timeout", text, Duration.ZERO, Duration.ofMinutes(10)))
                    .isEqualTo(Duration.ofMinutes(10));
        } else {
            assertThatThrownBy(() -> Durations.parseOrSeconds("--startup-timeout", text, Duration.ZERO, Duration.ofMinutes(10)))
                    .hasMessage(message);
        }
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "0              | 0s",
            "500000000      | 500ms",
            "1500000000     | 1.5s",
            "30000000000    | 30s",
            "90000000000    | 1m30s",
            "7200000000000  | 2h",
            "3601000000000  | 1h1s",
            "250000         | 250us",
            "1500000        | 1.5ms",
    })
    void formatsWhatItParses(long nanos, String text) {
        assertThat(Durations.format(Duration.ofNanos(nanos))).isEqualTo(text);
        assertThat(Durations.parse("--x", text)).isEqualTo(Duration.ofNanos(nanos));
    }
}
