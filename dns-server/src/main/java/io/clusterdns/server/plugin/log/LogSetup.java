package io.clusterdns.server.plugin.log;

import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.Setup;
import io.clusterdns.server.corefile.Token;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * Reads {@code log [NAMES...] [FORMAT] { class CLASSES... }}: with one argument it is a name (as
 * CoreDNS); with more, the last is the format when it holds a {@code {}; {@code {common}} and
 * {@code {combined}} expand.
 */
public final class LogSetup {
    private LogSetup() {
    }

    public static LogConfig parse(Directive d) {
        Setup s = new Setup(LogConfig.NAME);
        List<Token> args = d.args();
        String format = LogConfig.COMMON;
        List<Token> names = args;
        if (args.size() > 1 && args.get(args.size() - 1).text().contains("{")) {
            format = expand(args.get(args.size() - 1).text());
            names = args.subList(0, args.size() - 1);
        }
        List<Name> zones = names.isEmpty() ? List.of(Name.root) : s.zones(names, null);
        Set<LogConfig.ResponseClass> classes = EnumSet.noneOf(LogConfig.ResponseClass.class);
        for (Directive o : d.children()) {
            if (!o.name().text().equals("class")) {
                throw s.unknownOption(o);
            }
            s.args(o, 1, Integer.MAX_VALUE);
            for (Token t : o.args()) {
                switch (t.text()) {
                    case "all" -> classes.addAll(EnumSet.allOf(LogConfig.ResponseClass.class));
                    case "success" -> classes.add(LogConfig.ResponseClass.SUCCESS);
                    case "denial" -> classes.add(LogConfig.ResponseClass.DENIAL);
                    case "error" -> classes.add(LogConfig.ResponseClass.ERROR);
                    default -> throw s.error(t, "class", "invalid class: " + t.text() + " (success, denial, error or all)");
                }
            }
        }
        if (classes.isEmpty()) {
            classes = EnumSet.allOf(LogConfig.ResponseClass.class);
        }
        return new LogConfig(List.of(new LogConfig.Rule(zones, format, classes)));
    }

    private static String expand(String format) {
        return format.replace("{common}", LogConfig.COMMON).replace("{combined}", LogConfig.COMBINED);
    }
}
