package io.clusterdns.envinjector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InjectorConfigTest {
    static final SourceConfig SOURCE = new SourceConfig.Manifests(List.of(Path.of("k8s/examples")));
    static final InjectorConfig BASE = InjectorConfig.of(SOURCE, Path.of("tls.crt"), Path.of("tls.key"));

    @Test
    void defaults() {
        assertThat(BASE.listen()).hasToString("0.0.0.0:8443");
        assertThat(BASE.zone()).isEqualTo("cluster.local");
        assertThat(BASE.tlsReloadInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(BASE.maxVariables()).isEqualTo(1000);
        assertThat(BASE.maxRequestBytes()).isEqualTo(8 * 1024 * 1024);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Cluster.Local.     | cluster.local",
            "k8s.example.com    | k8s.example.com",
            "local              | local"})
    void goodZones(String in, String out) {
        assertThat(BASE.withZone(in).zone()).isEqualTo(out);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                 | --zone: expected a DNS domain like cluster.local, got \"\"",
            "cluster..local     | --zone: \"\" in \"cluster..local\" is not a valid DNS label",
            "-bad.local         | --zone: \"-bad\" in \"-bad.local\" is not a valid DNS label",
            "a_b.local          | --zone: \"a_b\" in \"a_b.local\" is not a valid DNS label"})
    void badZones(String in, String message) {
        assertThatThrownBy(() -> BASE.withZone(in)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void badNumbersAndDurations() {
        assertThatThrownBy(() -> BASE.withMaxVariables(0)).hasMessage("--max-variables: must be 1..20000, got 0");
        assertThatThrownBy(() -> BASE.withMaxVariables(20_001)).hasMessage("--max-variables: must be 1..20000, got 20001");
        assertThatThrownBy(() -> BASE.withMaxRequestBytes(10)).hasMessage("--max-request-bytes: must be 1024..67108864, got 10");
        assertThatThrownBy(() -> BASE.withTlsReloadInterval(Duration.ofMillis(10)))
                .hasMessage("--tls-reload-interval: must be 50ms..1h, got 10ms");
        assertThatThrownBy(() -> new InjectorConfig(SOURCE, null, null, null, Path.of("k"), null, 1, 1024))
                .hasMessageStartingWith("--tls-cert: required");
        assertThatThrownBy(() -> new SourceConfig.Manifests(List.of())).hasMessage("--manifests: at least one path is required");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0.0.0.0:8443    | 0.0.0.0:8443",
            ":8443           | 0.0.0.0:8443",
            "[::]:8443       | [::]:8443",
            "[::1]:0         | [::1]:0",
            "127.0.0.1:0     | 127.0.0.1:0"})
    void goodListenAddresses(String in, String out) {
        assertThat(ListenAddress.parse(in)).hasToString(out);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"8443", "localhost:8443", "::1:8443", "[127.0.0.1]:8443", "1.2.3.4:", "1.2.3.4:99999", "1.2.3.4:x"})
    void badListenAddresses(String in) {
        assertThatThrownBy(() -> ListenAddress.parse(in)).isInstanceOf(ConfigException.class).hasMessageStartingWith("--listen: ");
    }

    @ParameterizedTest
    @CsvSource({"10s, PT10S", "500ms, PT0.5S", "2m, PT2M", "1h, PT1H", "' 3S ', PT3S"})
    void durations(String in, Duration out) {
        assertThat(Durations.parse("--x", in)).isEqualTo(out);
        assertThat(Durations.parse("--x", Durations.format(out))).isEqualTo(out);
    }

    @ParameterizedTest
    @CsvSource({"10", "s", "-1s", "1d", "1.5s", "''"})
    void badDurations(String in) {
        assertThatThrownBy(() -> Durations.parse("--x", in)).hasMessageStartingWith("--x: expected a duration like 10s");
    }
}
