package io.clusterdns.resolver;

import io.clusterdns.k8s.model.IpAddresses;
import java.net.InetAddress;

/** Dashed pod-name labels ({@code 10-244-1-5}, {@code fd00-10-244--5}) to addresses, and back. */
final class PodName {
    private PodName() {
    }

    /**
     * The address a dashed label denotes, or null. Three dashes and no "--" means IPv4, as in
     * CoreDNS; anything else is read as IPv6 with '-' for ':'.
     */
    static InetAddress toAddress(String label) {
        long dashes = label.chars().filter(c -> c == '-').count();
        String text = dashes == 3 && !label.contains("--") ? label.replace('-', '.') : label.replace('-', ':');
        return IpAddresses.tryParse(text);
    }

    /** The dashed label of an address: {@code 172-0-0-2}, {@code 5678-abcd--1}. */
    static String label(InetAddress address) {
        String text = IpAddresses.format(address);
        return text.replace('.', '-').replace(':', '-');
    }
}
