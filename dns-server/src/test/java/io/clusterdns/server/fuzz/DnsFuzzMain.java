package io.clusterdns.server.fuzz;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The full fuzz run (bench/fuzz.sh): {@code DnsFuzzMain [UDP_PACKETS [TCP_SESSIONS [SEED]]]},
 * defaults 1,000,000, 10,000 and a random seed (printed first). Prints the figures and every
 * problem; exits 1 when there is one (a bad response, an unanswered or wrong probe, an ERROR line
 * or exception in the server's log, a plugin panic).
 */
public final class DnsFuzzMain {
    private DnsFuzzMain() {
    }

    public static void main(String[] args) throws Exception {
        long udp = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        int tcp = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : new java.security.SecureRandom().nextLong();
        int cpus = Runtime.getRuntime().availableProcessors();
        DnsFuzz.Settings settings = new DnsFuzz.Settings(seed, udp, tcp, Math.max(2, cpus), Math.max(8, 4 * cpus));
        System.out.println("dns fuzz: seed " + seed + ", " + udp + " UDP packets, " + tcp + " TCP sessions");
        Path dir = Files.createTempDirectory("dns-fuzz");
        FuzzTarget target = FuzzTarget.start(dir);
        // also on Ctrl-C or kill: dnsmasq is a child process, and would outlive this JVM
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            target.close();
            delete(dir);
        }));
        DnsFuzz.Report report = new DnsFuzz(target.address(), settings, FuzzTarget.PROBES).run();
        double panics = target.panics();
        System.out.println("dns fuzz: " + report.summary());
        System.out.println("dns fuzz: server log: " + target.logFindings() + " ERROR lines or exceptions; coredns_panics_total "
                + (long) panics);
        System.out.println("dns fuzz: UDP responses by packet kind and rcode:");
        report.outcomes().forEach((k, v) -> System.out.println("  " + k + ": " + v));
        report.problems().forEach(p -> System.out.println("  problem: " + p));
        target.logLines().forEach(l -> System.out.println("  log: " + l));
        boolean clean = report.problemCount() == 0 && report.probes().unanswered() == 0 && report.probes().wrong() == 0
                && target.logFindings() == 0 && panics == 0;
        System.out.println(clean ? "dns fuzz: PASS" : "dns fuzz: FAIL");
        int exit = clean ? 0 : 1;
        System.exit(exit);
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // a temporary folder: nothing else to do
        }
    }
}
