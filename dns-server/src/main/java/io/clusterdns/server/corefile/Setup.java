package io.clusterdns.server.corefile;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.config.Durations;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.server.listen.Wildcard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Reading one plugin's lines: argument counts, numbers, durations, addresses and zones, each
 * error placed at its word as {@code FILE:LINE: PLUGIN[/OPTION]: reason}. One instance per plugin
 * line, so every error names the plugin without repeating it.
 */
public final class Setup {
    private final String plugin;

    public Setup(String plugin) {
        this.plugin = plugin;
    }

    public String plugin() {
        return plugin;
    }

    /** An error of the plugin's own line or of one of its option lines ({@code option} null for the plugin's). */
    public ConfigException error(Token at, String option, String problem) {
        return option == null ? CorefileErrors.plugin(at, plugin, problem) : CorefileErrors.option(at, plugin, option, problem);
    }

    /** Fails unless {@code d} has {@code min..max} arguments. */
    public void args(Directive d, int min, int max) {
        int n = d.args().size();
        if (n < min || n > max) {
            String option = d.name().text().equals(plugin) ? null : d.name().text();
            String want = min == max ? (min == 0 ? "no arguments" : min + " argument" + (min == 1 ? "" : "s"))
                    : max == Integer.MAX_VALUE ? "at least " + min + " argument" + (min == 1 ? "" : "s")
                    : min + ".." + max + " arguments";
            Token at = n > max ? d.args().get(max) : d.name();
            throw error(at, option, "wrong argument count: expected " + want + ", got " + n);
        }
    }

    /** Fails when the plugin line has a block: the plugin takes no options. */
    public void noBlock(Directive d) {
        if (d.hasBlock()) {
            throw error(d.name(), null, "takes no options block");
        }
    }

    /** The error of an option line this plugin does not have. */
    public ConfigException unknownOption(Directive option) {
        return error(option.name(), null, "unknown property '" + option.name().text() + "'");
    }

    /** A whole number in {@code min..max}. */
    public long integer(Token t, String option, long min, long max) {
        String s = t.text();
        if (!s.matches("[-+]?[0-9]{1,18}")) {
            throw error(t, option, "expected a whole number, got \"" + s + "\"");
        }
        long v = Long.parseLong(s);
        if (v < min || v > max) {
            throw error(t, option, "must be " + min + ".." + max + ", got \"" + s + "\"");
        }
        return v;
    }

    /** A Go duration ({@code 500ms}, {@code 30s}, {@code 1m30s}) in {@code min..max}. */
    public Duration duration(Token t, String option, Duration min, Duration max) {
        return Durations.parse(where(t, option), t.text(), min, max);
    }

    /** A Go duration, or bare whole seconds. */
    public Duration durationOrSeconds(Token t, String option, Duration min, Duration max) {
        return Durations.parseOrSeconds(where(t, option), t.text(), min, max);
    }

    /**
     * A listen address as CoreDNS's HTTP plugins write it: {@code :8080} (every interface),
     * {@code 127.0.0.1:9153}, {@code [::1]:9153}, {@code localhost:9153} (loopback).
     */
    public ListenAddress address(Token t, String option, int port) {
        String text = t.text();
        if (text.regionMatches(true, 0, "localhost:", 0, 10)) {
            text = "127.0.0.1" + text.substring(9);
        }
        ListenAddress parsed = ListenAddress.parse(where(t, option), text, port);
        // ":8080" is every address of both families in CoreDNS (Go), not only IPv4's
        return text.trim().startsWith(":") ? Wildcard.on(parsed.port()) : parsed;
    }

    /** A zone ({@code cluster.local}, {@code 10.in-addr.arpa.}, {@code .}): absolute and lower-case. */
    public Name zone(Token t, String option) {
        String text = t.text().trim().toLowerCase(Locale.ROOT);
        if (text.isEmpty() || text.contains("..")) {
            throw error(t, option, "\"" + t.text() + "\" is not a valid domain name");
        }
        try {
            return Name.fromString(text, Name.root);
        } catch (TextParseException e) {
            throw error(t, option, "\"" + t.text() + "\" is not a valid domain name: " + e.getMessage());
        }
    }

    /** Zones of {@code tokens}; a CIDR such as {@code 10.0.0.0/8} stands for its reverse zone. */
    public List<Name> zones(List<Token> tokens, String option) {
        List<Name> out = new ArrayList<>();
        for (Token t : tokens) {
            out.add(t.text().contains("/") ? reverseZone(t, option) : zone(t, option));
        }
        return out;
    }

    /** The reverse zone of a CIDR on an octet (IPv4) or nibble (IPv6) boundary, as CoreDNS accepts them. */
    private Name reverseZone(Token t, String option) {
        String[] parts = t.text().split("/", 2);
        java.net.InetAddress ip = IpAddresses.tryParse(parts[0]);
        int bits;
        try {
            bits = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            bits = -1;
        }
        int step = ip != null && ip.getAddress().length == 4 ? 8 : 4;
        if (ip == null || bits < 0 || bits > ip.getAddress().length * 8 || bits % step != 0) {
            throw error(t, option, "\"" + t.text() + "\" is not a CIDR on a " + step + "-bit boundary");
        }
        byte[] a = ip.getAddress();
        StringBuilder sb = new StringBuilder();
        if (step == 8) {
            for (int i = bits / 8 - 1; i >= 0; i--) {
                sb.append(a[i] & 0xFF).append('.');
            }
            sb.append("in-addr.arpa.");
        } else {
            for (int i = bits / 4 - 1; i >= 0; i--) {
                int b = a[i / 2] & 0xFF;
                sb.append(Integer.toHexString(i % 2 == 0 ? b >> 4 : b & 0xF)).append('.');
            }
            sb.append("ip6.arpa.");
        }
        return Name.fromConstantString(sb.toString());
    }

    private String where(Token t, String option) {
        return t.where() + ": " + plugin + (option == null ? "" : "/" + option);
    }
}
