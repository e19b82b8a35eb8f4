package io.clusterdns.k8s.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DottedQuadTest {
    /** What tryParse did before it read IPv4 by hand: the rules, then the JDK's parse. */
    private static InetAddress reference(String text) throws UnknownHostException {
        return isDottedQuad(text) ? InetAddress.getByAddress(InetAddress.getByName(text).getAddress()) : null;
    }

    /** The rules tryParse followed before it read IPv4 by hand (a split, then per part). */
    private static boolean isDottedQuad(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            // a leading zero is refused, as Go's net.ParseIP (and so the API server and CoreDNS) does:
            // "010" must not silently mean 10
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                return false;
            }
            for (int i = 0; i < p.length(); i++) {
                if (p.charAt(i) < '0' || p.charAt(i) > '9') {
                    return false;
                }
            }
            if (Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    @Test
    void readsIpv4LiteralsAsTheJdkDoesAfterTheRules() throws UnknownHostException {
        List<String> texts = new ArrayList<>(List.of("0.0.0.0", "10.96.0.1", "255.255.255.255", "256.1.1.1", "1.2.3", "1.2.3.4.5",
                "01.2.3.4", "1.2.3.00", "1.2.3.0", ".1.2.3", "1.2.3.", "1..2.3", "1.2.3.4 ", "1.2.3.1000", "١.2.3.4", "a.b.c.d"));
        Random random = new Random(11);
        String chars = "0123456789.0123456789..5x";
        for (int i = 0; i < 200_000; i++) {
            StringBuilder s = new StringBuilder();
            int length = 1 + random.nextInt(16);
            for (int k = 0; k < length; k++) {
                s.append(chars.charAt(random.nextInt(chars.length())));
            }
            texts.add(s.toString());
        }
        int valid = 0;
        for (String text : texts) {
            InetAddress expected = reference(text);
            assertThat(IpAddresses.tryParse(text)).as(text).isEqualTo(expected);
            valid += expected == null ? 0 : 1;
        }
        assertThat(valid).isGreaterThan(100);
        assertThat(IpAddresses.format(IpAddresses.tryParse("10.96.0.1"))).isEqualTo("10.96.0.1");
    }
}
