package io.clusterdns.k8s.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Network namespaces owned by one test class: named {@code cdns-<tag>-<pid>.<random>-<name>}
 * (the creating JVM's PID in base 36), so that {@link #deleteLeftovers()} can remove what an
 * earlier, crashed run of the same class left behind while leaving alone those of a run that is
 * still going (two builds on one machine, e.g. a fresh-clone CI run beside a developer's), and {@link #close()} removes every one this instance created, with the
 * {@code /etc/netns/<ns>/resolv.conf} files it wrote (what {@code ip netns exec} shows a process
 * as its /etc/resolv.conf). Nothing here touches the root namespace: links, addresses, routes and
 * sysctls are always set with {@code ip -n NS} or {@code ip netns exec NS}.
 */
public final class NetNamespaces implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetNamespaces.class);
    private static final Path ETC_NETNS = Path.of("/etc/netns");

    private final String classPrefix;
    private final String prefix;
    private final List<String> created = new ArrayList<>();
    private final List<Path> written = new ArrayList<>();
    private boolean createdEtcNetns;

    /** @param tag a short name of the test class (a few letters: names must stay short) */
    public NetNamespaces(String tag) {
        this.classPrefix = "cdns-" + tag + "-";
        this.prefix = classPrefix + Long.toString(ProcessHandle.current().pid(), 36) + "."
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 3) + "-";
    }

    /** Skips (or fails under CI) unless root with {@code ip netns} working. */
    public static void requirePrivileges(String what) {
        Privileged.requireTool("ip", "iproute2");
        Privileged.requireRoot(what);
        Commands.Result netns = Commands.run(Commands.DEFAULT, "ip", "netns", "list");
        Privileged.require(netns.ok(), "ip netns is unavailable: " + netns.output().trim());
    }

    /**
     * Deletes namespaces of this test class left by runs whose JVM has ended (never other
     * namespaces, nor those of a run still going in another JVM).
     */
    public void deleteLeftovers() {
        for (String line : Commands.check("ip", "netns", "list").split("\n")) {
            String name = line.split(" ")[0].trim();
            if (name.startsWith(classPrefix) && !ownedByAnotherLiveJvm(name.substring(classPrefix.length()))) {
                LOG.warn("Deleting network namespace {} left by an earlier run", name);
                Commands.run(Commands.DEFAULT, "ip", "netns", "del", name);
                deleteEtc(ETC_NETNS.resolve(name));
            }
        }
    }

    /** {@code rest} = {@code <pid>.<random>-<name>}: is {@code pid} a running process other than this JVM? */
    static boolean ownedByAnotherLiveJvm(String rest) {
        int dot = rest.indexOf('.');
        if (dot <= 0) {
            return false; // an older naming scheme: a leftover
        }
        try {
            long pid = Long.parseLong(rest.substring(0, dot), 36);
            return pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Creates {@code <prefix><name>} with its loopback up; returns the full name. */
    public String create(String name) {
        String ns = prefix + name;
        Commands.check("ip", "netns", "add", ns);
        created.add(ns);
        Commands.check("ip", "-n", ns, "link", "set", "lo", "up");
        return ns;
    }

    /** Gives processes run in {@code ns} with {@link #exec} this resolv.conf (removed on {@link #close()}). */
    public void resolvConf(String ns, String text) {
        try {
            createdEtcNetns |= !Files.exists(ETC_NETNS);
            Path dir = Files.createDirectories(ETC_NETNS.resolve(ns));
            written.add(dir);
            Files.writeString(dir.resolve("resolv.conf"), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code ip -n NS args...}, failing the test on error. */
    public static String ip(String ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns));
        cmd.addAll(List.of(args));
        return Commands.check(cmd.toArray(String[]::new));
    }

    /** {@code ip netns exec NS command...} (the command's result, not checked). */
    public static Commands.Result exec(String ns, String... command) {
        return Commands.run(Commands.DEFAULT, execCommand(ns, command));
    }

    public static Commands.Result execWithInput(String ns, String stdin, String... command) {
        return Commands.runWithInput(Commands.DEFAULT, stdin, execCommand(ns, command));
    }

    public static String[] execCommand(String ns, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(command));
        return cmd.toArray(String[]::new);
    }

    /** Sets sysctls inside the namespace only. */
    public static void sysctl(String ns, String... settings) {
        for (String s : settings) {
            Commands.check(execCommand(ns, "sysctl", "-qw", s));
        }
    }

    public List<String> created() {
        return List.copyOf(created);
    }

    @Override
    public void close() {
        for (String ns : created) {
            Commands.Result r = Commands.run(Commands.DEFAULT, "ip", "netns", "del", ns);
            if (!r.ok()) {
                LOG.error("Could not delete network namespace {}: {}", ns, r.output());
            }
        }
        created.clear();
        written.forEach(NetNamespaces::deleteEtc);
        written.clear();
        if (createdEtcNetns) {
            try (Stream<Path> left = Files.list(ETC_NETNS)) {
                if (left.findAny().isEmpty()) {
                    Files.delete(ETC_NETNS);
                }
            } catch (IOException e) {
                LOG.warn("Could not remove {}: {}", ETC_NETNS, e.toString());
            }
            createdEtcNetns = false;
        }
    }

    private static void deleteEtc(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve("resolv.conf"));
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.warn("Could not remove {}: {}", dir, e.toString());
        }
    }
}
