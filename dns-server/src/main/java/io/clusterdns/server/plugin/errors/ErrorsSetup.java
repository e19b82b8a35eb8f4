package io.clusterdns.server.plugin.errors;

import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.Setup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Reads {@code errors [stdout] { consolidate DURATION REGEXP [LEVEL]; stacktrace }}. */
public final class ErrorsSetup {
    private static final Set<String> LEVELS = Set.of("error", "warning", "info", "debug");

    private ErrorsSetup() {
    }

    public static ErrorsConfig parse(Directive d) {
        Setup s = new Setup(ErrorsConfig.NAME);
        s.args(d, 0, 1);
        if (d.args().size() == 1 && !d.args().get(0).text().equals("stdout")) {
            throw s.error(d.args().get(0), null, "invalid log file: " + d.args().get(0).text() + " (only stdout)");
        }
        List<ErrorsConfig.Consolidation> out = new ArrayList<>();
        for (Directive o : d.children()) {
            switch (o.name().text()) {
                case "stacktrace" -> s.args(o, 0, 0);
                case "consolidate" -> {
                    s.args(o, 2, 3);
                    Duration period = s.duration(o.args().get(0), "consolidate", Duration.ofMillis(1), Duration.ofDays(1));
                    Pattern p;
                    try {
                        p = Pattern.compile(o.args().get(1).text());
                    } catch (PatternSyntaxException e) {
                        throw s.error(o.args().get(1), "consolidate", "invalid regular expression: " + e.getDescription());
                    }
                    String level = o.args().size() == 3 ? o.args().get(2).text() : "error";
                    if (!LEVELS.contains(level)) {
                        throw s.error(o.args().get(2), "consolidate", "level must be error, warning, info or debug, got \"" + level + "\"");
                    }
                    out.add(new ErrorsConfig.Consolidation(period, p, level));
                }
                default -> throw s.unknownOption(o);
            }
        }
        return new ErrorsConfig(out);
    }
}
