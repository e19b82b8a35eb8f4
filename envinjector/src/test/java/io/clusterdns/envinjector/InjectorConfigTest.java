package io.clusterdns.envinjector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InjectorConfigTest {
    static final ClusterSourceSpec SOURCE = new ClusterSourceSpec.Manifests(List.of(Path.of("k8s/examples")));
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
                .hasMessage("--tls-reload-interval: must be 50ms..1h, got \"10ms\"");
        assertThatThrownBy(() -> new InjectorConfig(SOURCE, null, null, null, Path.of("k"), null, 1, 1024))
                .hasMessageStartingWith("--tls-cert: required");
        assertThatThrownBy(() -> new ClusterSourceSpec.Manifests(List.of())).hasMessage("--manifests: at least one file or folder is required");
    }
}
