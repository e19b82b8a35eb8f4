package io.clusterdns.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.model.IpAddresses;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressesTest {

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
}
