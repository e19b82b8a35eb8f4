package io.clusterdns.agent.netns;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Network namespaces owned by one test class: named {@code cdns-<tag>-<random>-<name>}, so that
 * {@link #deleteLeftovers()} can remove what an earlier, crashed run of the same class left
 * behind, and {@link #close()} removes every one this instance created. Nothing here touches the
 * root namespace: links, addresses, routes and sysctls are always set with {@code ip -n NS} or
 * {@code ip netns exec NS}.
 */
public final class Netns implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Netns.class);

    private final String classPrefix;
    private final String prefix;
    private final List<String> created = new ArrayList<>();

    /** @param tag a short name of the test class (a few letters: names must stay short) */
    public Netns(String tag) {
        this.classPrefix = "cdns-" + tag + "-";
        this.prefix = classPrefix + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6) + "-";
    }

    /** Deletes namespaces of this test class from earlier runs (never other namespaces). */
    public void deleteLeftovers() {
        for (String line : Cmd.check("ip", "netns", "list").split("\n")) {
            String name = line.split(" ")[0].trim();
            if (name.startsWith(classPrefix)) {
                LOG.warn("Deleting network namespace {} left by an earlier run", name);
                Cmd.run(Cmd.DEFAULT, "ip", "netns", "del", name);
            }
        }
    }

    /** Creates {@code <prefix><name>} with its loopback up; returns the full name. */
    public String create(String name) {
        String ns = prefix + name;
        Cmd.check("ip", "netns", "add", ns);
        created.add(ns);
        Cmd.check("ip", "-n", ns, "link", "set", "lo", "up");
        return ns;
    }

    /** {@code ip -n NS args...}, failing the test on error. */
    public static String ip(String ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns));
        cmd.addAll(List.of(args));
        return Cmd.check(cmd.toArray(String[]::new));
    }

    /** {@code ip netns exec NS command...} (the command's result, not checked). */
    public static Cmd.Result exec(String ns, String... command) {
        return Cmd.run(Cmd.DEFAULT, execCommand(ns, command));
    }

    public static Cmd.Result execWithInput(String ns, String stdin, String... command) {
        return Cmd.runWithInput(Cmd.DEFAULT, stdin, execCommand(ns, command));
    }

    public static String[] execCommand(String ns, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(command));
        return cmd.toArray(String[]::new);
    }

    /** Sets sysctls inside the namespace only. */
    public static void sysctl(String ns, String... settings) {
        for (String s : settings) {
            Cmd.check(execCommand(ns, "sysctl", "-qw", s));
        }
    }

    public List<String> created() {
        return List.copyOf(created);
    }

    @Override
    public void close() {
        for (String ns : created) {
            Cmd.Result r = Cmd.run(Cmd.DEFAULT, "ip", "netns", "del", ns);
            if (!r.ok()) {
                LOG.error("Could not delete network namespace {}: {}", ns, r.output());
            }
        }
        created.clear();
    }
}
