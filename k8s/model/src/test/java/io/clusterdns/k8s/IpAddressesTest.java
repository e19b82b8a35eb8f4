package io.clusterdns.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.PodInfo;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressesTest {
    private static final InetAddress V4 = IpAddresses.parse("10.96.0.10");
    private static final InetAddress V6 = IpAddresses.parse("fd00::a");

    @ParameterizedTest
    @CsvSource({
            "10.96.0.1, 10.96.0.1",
            "fd00:10:96::a, fd00:10:96::a",
            "FD00:0:0:0:0:0:0:1, fd00::1",
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
            "::, ::",
            "::1, ::1",
            "5678:abcd:0:0:0:0:0:1, 5678:abcd::1",
    })
    void formatsCanonically(String in, String out) {
        assertThat(IpAddresses.format(IpAddresses.parse(in))).isEqualTo(out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "None", "example.com", "10.0.0", "10.0.0.256", "1.2.3.4.5", "fe80::1%eth0", "g::1", "01234.1.1.1", "010.244.1.20", "10.244.001.20"})
    void rejectsNonLiterals(String in) {
        assertThat(IpAddresses.isLiteral(in)).isFalse();
        assertThatThrownBy(() -> IpAddresses.parse(in)).hasMessageContaining("is not an IP address");
    }

    @Test
    void aCompactListOfOneIpv4AddressBehavesAsListOf() {
        List<InetAddress> compact = IpAddresses.compactList(new ArrayList<>(List.of(V4)));
        assertThat(compact).isNotInstanceOf(List.of(V4).getClass()).containsExactly(V4);
        assertThat(compact).isEqualTo(List.of(V4)).hasSameHashCodeAs(List.of(V4));
        assertThat(List.of(V4)).isEqualTo(compact);
        assertThat(compact.get(0)).isEqualTo(V4);
        assertThat(compact.contains(V4)).isTrue();
        assertThat(compact.contains(IpAddresses.parse("10.96.0.11"))).isFalse();
        assertThat(compact.contains(V6)).isFalse();
        assertThat(compact).isNotEqualTo(List.of(IpAddresses.parse("10.96.0.11")));
        assertThat(IpAddresses.compactList(compact)).isSameAs(compact);
        assertThat(List.copyOf(compact)).isEqualTo(List.of(V4));
        assertThatThrownBy(() -> compact.get(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> compact.add(V4)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> compact.set(0, V6)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void otherListsAreImmutableCopies() {
        assertThat(IpAddresses.compactList(new ArrayList<>())).isEqualTo(List.of()).isEmpty();
        assertThat(IpAddresses.compactList(new ArrayList<>(List.of(V4, V6)))).isEqualTo(List.of(V4, V6));
        assertThat(IpAddresses.compactList(new ArrayList<>(List.of(V6)))).isEqualTo(List.of(V6));
        assertThatThrownBy(() -> IpAddresses.compactList(new ArrayList<>(List.of(V6))).add(V4))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void podsAndServicesKeepTheirAddressesCompact() {
        PodInfo pod = new PodInfo("ns", "p", new ArrayList<>(List.of(V4)), null, null, null, null, "Running", true, false, null);
        assertThat(pod.ips()).isEqualTo(List.of(V4)).isNotInstanceOf(List.of(V4).getClass());
        assertThat(pod).isEqualTo(new PodInfo("ns", "p", List.of(V4), null, null, null, null, "Running", true, false, null))
                .hasSameHashCodeAs(new PodInfo("ns", "p", List.of(V4), null, null, null, null, "Running", true, false, null));
    }
}
