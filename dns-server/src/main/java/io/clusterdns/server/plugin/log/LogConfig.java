package io.clusterdns.server.plugin.log;

import io.clusterdns.server.chain.MergedLines;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * CoreDNS's {@code log [NAMES...] [FORMAT] { class success|denial|error|all }} lines of one block:
 * the first rule whose names hold the question logs it, in its format, if its class matches.
 */
public record LogConfig(List<Rule> rules) implements MergedLines<LogConfig> {
    public static final String NAME = "log";
    /** CoreDNS's {@code {common}} format. */
    public static final String COMMON = "{remote}:{port} - {>id} \"{type} {class} {name} {proto} {size} {>do} {>bufsize}\" "
            + "{rcode} {>rflags} {rsize} {duration}";
    /** CoreDNS's {@code {combined}}: common plus the opcode. */
    public static final String COMBINED = COMMON + " \"{>opcode}\"";

    /** What a response is for the class filter. */
    public enum ResponseClass { SUCCESS, DENIAL, ERROR }

    /** One {@code log} line. */
    public record Rule(List<Name> names, String format, Set<ResponseClass> classes) {
        public Rule {
            names = List.copyOf(names);
            classes = Set.copyOf(classes);
        }
    }

    public LogConfig {
        rules = List.copyOf(rules);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** This config with another block line's rules after its own (several {@code log} lines). */
    @Override
    public LogConfig and(LogConfig more) {
        List<Rule> all = new java.util.ArrayList<>(rules);
        all.addAll(more.rules);
        return new LogConfig(all);
    }
}
