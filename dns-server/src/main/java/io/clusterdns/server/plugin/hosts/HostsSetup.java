package io.clusterdns.server.plugin.hosts;

import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.Setup;
import io.clusterdns.server.corefile.Token;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.xbill.DNS.Name;

/**
 * Reads CoreDNS's {@code hosts} line:
 *
 * <pre>
 * hosts [FILE [ZONES...]] {
 *     [INLINE]                  hosts-file lines, before fallthrough
 *     ttl SECONDS               1..65535, default 3600
 *     no_reverse                no PTR records from the entries
 *     reload DURATION           default 5s; 0: read the file once
 *     fallthrough [ZONES...]
 *     fallthrough_unsupported   other query types go on too (needs fallthrough)
 * }
 * </pre>
 *
 * As in CoreDNS, every line of the block that is not an option is an inline entry until
 * {@code fallthrough}; after it, such a line is an unknown property. A file that does not exist
 * is not an error (it is warned about when the plugin starts, and read once it appears); one
 * that cannot be looked at (a folder without permission on the way) is.
 */
public final class HostsSetup {
    /** Go's durations end at about 292 years; nobody checks a hosts file less than once a year. */
    private static final Duration MAX_RELOAD = Duration.ofDays(365);

    private HostsSetup() {
    }

    /**
     * @param blockZones the server block's zones: the plugin's when the line names none
     * @param base       where a relative FILE is (the Corefile's folder; CoreDNS: the root plugin's, else the working folder)
     */
    public static HostsConfig parse(Directive d, List<Name> blockZones, Path base) {
        Setup s = new Setup(HostsConfig.NAME);
        List<Token> args = d.args();
        Path file = HostsConfig.DEFAULT_FILE;
        List<Name> zones = blockZones;
        if (!args.isEmpty()) {
            Token t = args.get(0);
            file = base == null ? Path.of(t.text()) : base.resolve(t.text());
            accessible(s, t, file);
            if (args.size() > 1) {
                zones = s.zones(args.subList(1, args.size()), null);
            }
        }
        List<HostsConfig.Line> inline = new ArrayList<>();
        long ttl = HostsConfig.DEFAULT_TTL;
        boolean reverse = true;
        Duration reload = HostsConfig.DEFAULT_RELOAD;
        Fallthrough fallthrough = Fallthrough.NONE;
        boolean fallthroughSeen = false;
        boolean unsupported = false;
        for (Directive o : d.children()) {
            String option = o.name().text();
            switch (option) {
                case "fallthrough" -> {
                    fallthrough = o.args().isEmpty() ? Fallthrough.ALL : new Fallthrough(s.zones(o.args(), option));
                    fallthroughSeen = true;
                }
                case "fallthrough_unsupported" -> {
                    s.args(o, 0, 0);
                    unsupported = true;
                }
                case "no_reverse" -> {
                    s.args(o, 0, 0);
                    reverse = false;
                }
                case "ttl" -> {
                    s.args(o, 1, 1);
                    ttl = s.integer(o.args().get(0), option, 1, HostsConfig.MAX_TTL);
                }
                case "reload" -> {
                    s.args(o, 1, 1);
                    reload = s.duration(o.args().get(0), option, Duration.ZERO, MAX_RELOAD);
                }
                default -> {
                    if (fallthroughSeen) {
                        throw s.unknownOption(o);
                    }
                    if (o.hasBlock()) {
                        throw s.error(o.name(), null, "an inline hosts entry takes no block: '" + option + "'");
                    }
                    String text = Stream.concat(Stream.of(o.name()), o.args().stream()).map(Token::text).collect(Collectors.joining(" "));
                    inline.add(new HostsConfig.Line(text, o.where()));
                }
            }
        }
        if (unsupported && !fallthroughSeen) {
            throw s.error(d.name(), null, "fallthrough_unsupported requires fallthrough");
        }
        return new HostsConfig(file, zones, inline, ttl, reverse, reload, fallthrough, unsupported);
    }

    /** CoreDNS's check: a missing file is fine (warned about at start), one that cannot be looked at is not. */
    private static void accessible(Setup s, Token t, Path file) {
        try {
            Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            // served once it appears
        } catch (AccessDeniedException e) {
            throw s.error(t, null, "unable to access hosts file '" + t.text() + "': permission denied");
        } catch (FileSystemException e) {
            throw s.error(t, null, "unable to access hosts file '" + t.text() + "': " + (e.getReason() == null ? e.getMessage() : e.getReason()));
        } catch (IOException e) {
            throw s.error(t, null, "unable to access hosts file '" + t.text() + "': " + e.getMessage());
        }
    }
}
