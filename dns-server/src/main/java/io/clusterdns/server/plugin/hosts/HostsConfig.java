package io.clusterdns.server.plugin.hosts;

import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.chain.PluginConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.xbill.DNS.Name;

/**
 * CoreDNS's {@code hosts [FILE [ZONES...]] { INLINE...; ttl; no_reverse; reload; fallthrough; fallthrough_unsupported }}
 * of one server block.
 *
 * @param file                   the hosts file (default {@code /etc/hosts}), read again when its mtime or size changes
 * @param zones                  names under these zones are answered (A, AAAA); the block's zones unless the line names some
 * @param inline                 the entries written in the Corefile, served besides the file's
 * @param ttl                    of every record made (forward and reverse), 1..65535 seconds
 * @param reverse                PTR records are made from the entries ({@code no_reverse} turns it off)
 * @param reload                 how often the file is checked for changes; zero: read once at start
 * @param fallthrough            names that have no entry go on to the next plugin instead of SERVFAIL
 * @param fallthroughUnsupported query types other than A, AAAA and PTR go on too (where {@code fallthrough} applies)
 */
public record HostsConfig(
        Path file,
        List<Name> zones,
        List<Line> inline,
        long ttl,
        boolean reverse,
        Duration reload,
        Fallthrough fallthrough,
        boolean fallthroughUnsupported) implements PluginConfig {
    public static final String NAME = "hosts";
    public static final Path DEFAULT_FILE = Path.of("/etc/hosts");
    public static final long DEFAULT_TTL = 3600;
    public static final long MAX_TTL = 65535;
    public static final Duration DEFAULT_RELOAD = Duration.ofSeconds(5);

    @Override
    public Object setupKey() {
        return new HostsConfig(file, zones, inline.stream().map(l -> new Line(l.text(), "")).toList(), ttl, reverse, reload, fallthrough,
                fallthroughUnsupported);
    }

    /**
     * One line of hosts data as written, with where it was written ({@code FILE:LINE}), for the
     * warning a malformed line gets.
     */
    public record Line(String text, String where) {
        public Line {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(where, "where");
        }
    }

    public HostsConfig {
        Objects.requireNonNull(file, "file");
        zones = List.copyOf(zones);
        inline = List.copyOf(inline);
        Objects.requireNonNull(reload, "reload");
        Objects.requireNonNull(fallthrough, "fallthrough");
    }

    @Override
    public String name() {
        return NAME;
    }
}
