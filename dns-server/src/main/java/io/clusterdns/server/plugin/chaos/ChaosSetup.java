package io.clusterdns.server.plugin.chaos;

import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.Setup;
import io.clusterdns.server.corefile.Token;
import java.util.List;
import java.util.TreeSet;

/** Reads {@code chaos [VERSION] [AUTHORS...]} (no options); authors given replace the default list, sorted and each once, as CoreDNS. */
public final class ChaosSetup {
    private ChaosSetup() {
    }

    public static ChaosConfig parse(Directive d) {
        Setup s = new Setup(ChaosConfig.NAME);
        for (Directive o : d.children()) {
            throw s.unknownOption(o);
        }
        List<Token> args = d.args();
        if (args.isEmpty()) {
            return new ChaosConfig(ChaosConfig.DEFAULT_VERSION, ChaosConfig.DEFAULT_AUTHORS);
        }
        if (args.size() == 1) {
            return new ChaosConfig(args.get(0).text(), ChaosConfig.DEFAULT_AUTHORS);
        }
        TreeSet<String> authors = new TreeSet<>();
        for (Token t : args.subList(1, args.size())) {
            authors.add(t.text());
        }
        return new ChaosConfig(args.get(0).text(), List.copyOf(authors));
    }
}
