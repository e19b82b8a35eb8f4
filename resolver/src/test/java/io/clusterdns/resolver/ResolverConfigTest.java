package io.clusterdns.resolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Name;

class ResolverConfigTest {

    @Test
    void defaultsAreThoseOfCoreDns() {
        ResolverConfig c = ResolverConfig.defaults();
        assertThat(c.zones()).containsExactly(Name.fromConstantString("cluster.local."));
        assertThat(c.ttl()).isEqualTo(5);
        assertThat(c.podMode()).isEqualTo(PodMode.DISABLED);
        assertThat(c.namespaces()).isEmpty();
        assertThat(c.clusterDomain()).isEqualTo(Name.fromConstantString("cluster.local."));
        assertThat(c.namespaceExposed("anything")).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"cluster.local, cluster.local.", "Cluster.Local., cluster.local.", "10.in-addr.arpa, 10.in-addr.arpa.", " ip6.arpa , ip6.arpa."})
    void parsesZones(String in, String out) {
        assertThat(ResolverConfig.parseZone(in).toString()).isEqualTo(out);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"''|invalid zone", "a..b|invalid zone"})
    void rejectsBadZones(String in, String message) {
        assertThatThrownBy(() -> ResolverConfig.parseZone(in)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void rejectsBadValues() {
        Name zone = Name.fromConstantString("cluster.local.");
        assertThatThrownBy(() -> new ResolverConfig(List.of(zone), 3601, null, null, false, false))
                .hasMessage("ttl must be 0..3600 seconds, got 3601");
        assertThatThrownBy(() -> new ResolverConfig(List.of(zone), -1, null, null, false, false))
                .hasMessage("ttl must be 0..3600 seconds, got -1");
        assertThatThrownBy(() -> new ResolverConfig(List.of(), 5, null, null, false, false))
                .hasMessage("at least one zone is required");
        assertThatThrownBy(() -> new ResolverConfig(List.of(ResolverConfig.IN_ADDR_ARPA), 5, null, null, false, false))
                .hasMessageContaining("at least one forward");
        assertThatThrownBy(() -> PodMode.parse("sometimes")).hasMessageContaining("expected disabled, insecure or verified");
        assertThat(PodMode.parse("Verified")).isEqualTo(PodMode.VERIFIED);
        assertThat(new ResolverConfig(List.of(ResolverConfig.IP6_ARPA, zone), 5, null, Set.of("a"), false, false).clusterDomain())
                .isEqualTo(zone);
    }
}
