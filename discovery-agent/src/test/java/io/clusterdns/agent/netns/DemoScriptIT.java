package io.clusterdns.agent.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.Commands;
import io.clusterdns.k8s.testing.NetNamespaces;
import io.clusterdns.k8s.testing.Privileged;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's demo, {@code k8s/examples/demo.sh}, run as a user runs it: the script itself is
 * what is tested, so the transcript in the README and this test cannot drift apart. It needs both
 * shaded jars: the dns-server's is built first in the reactor (dns-server precedes this module in
 * the parent's module list), so this runs after {@code package} of a whole-project build.
 *
 * <p>Besides the script's own checks (every step asserts what it shows, and its exit trap checks
 * that no namespace, process or /etc/netns entry it created is left and that the root namespace
 * did not change), this test looks for the script's namespaces and /etc/netns entries itself, by
 * the prefix the script announces on its first line. Needs root, {@code ip netns}, nftables, curl,
 * dig, dnsmasq, python3 and javac; skips without them, fails under CLUSTERDNS_REQUIRE_PRIVILEGED=1.
 */
class DemoScriptIT {
    static final Path SCRIPT = Path.of("../k8s/examples/demo.sh").toAbsolutePath().normalize();
    static final Path DNS_JAR = Path.of("../dns-server/target/clusterdns-dns-server.jar").toAbsolutePath().normalize();
    /** The whole demo; each wait inside it has its own deadline (CLUSTERDNS_DEMO_DEADLINE, 120 s). */
    static final Duration RUN_DEADLINE = Duration.ofMinutes(15);
    static final Pattern PREFIX = Pattern.compile("namespaces (cdns-demo-[0-9a-f]{6}-)\\*");

    @TempDir
    Path dir;

    @Test
    void theDemoRunsGreenAndLeavesNothingBehind() throws Exception {
        NetNamespaces.requirePrivileges("the demo's network namespaces");
        for (String[] tool : new String[][] {{"nft", "nftables"}, {"curl", "curl"}, {"dig", "bind9-dnsutils"},
                {"dnsmasq", "dnsmasq-base"}, {"python3", "python3"}, {"getent", "libc-bin"}}) {
            Privileged.requireTool(tool[0], tool[1]);
        }
        Path javaBin = Path.of(System.getProperty("java.home"), "bin");
        Privileged.require(Files.isExecutable(javaBin.resolve("javac")), javaBin + "/javac is missing: the demo compiles its pod lister (a JDK, not a JRE)");
        Privileged.require(Files.isRegularFile(DNS_JAR), DNS_JAR + " is missing: package dns-server first (the whole-project build does)");
        Privileged.require(Files.isRegularFile(AgentProcess.JAR), AgentProcess.JAR + " is missing: run after package");

        Path log = dir.resolve("demo.log");
        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("PATH", javaBin + File.pathSeparator + pb.environment().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"));
        Process demo = pb.start();
        demo.getOutputStream().close();
        if (!demo.waitFor(RUN_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
            demo.destroy();   // SIGTERM: the script's exit trap stops its processes and deletes its namespaces
            if (!demo.waitFor(3, TimeUnit.MINUTES)) {
                demo.destroyForcibly();
            }
        }
        String out = Files.readString(log);

        assertThat(demo.exitValue()).as("demo.sh exit code; its output:\n%s", out).isZero();
        assertThat(out).as(out)
                .containsPattern("getent hosts web +10\\.96\\.45\\.100 web\\.default\\.svc\\.cluster\\.local")
                .containsPattern("dig \\+short web\\.default\\.svc\\.cluster\\.local +10\\.96\\.45\\.100")
                .containsPattern("curl http://web/ .* web-\\S+ web-\\S+")
                .containsPattern("curl http://192\\.0\\.2\\.1:30080/ .* web-")
                .containsPattern("curl http://mongo-0\\.mongo-headless:27017/ +mongo-0\n")
                .containsPattern("getent hosts www\\.example\\.org +203\\.0\\.113\\.80 ")
                .containsPattern("scale web from \\d+ to \\d+ replicas").containsPattern("scale web back to \\d+").contains("NXDOMAIN: gone from DNS")
                .containsPattern("check: processes, namespaces, /etc/netns, rules +none left: ")
                .endsWith("demo finished: all steps passed\n");

        Matcher m = PREFIX.matcher(out);
        assertThat(m.find()).as("the namespace prefix on the first line of:\n%s", out).isTrue();
        String prefix = m.group(1);
        assertThat(Commands.check("ip", "netns", "list")).as("namespaces after the demo").doesNotContain(prefix);
        Path etcNetns = Path.of("/etc/netns");
        if (Files.isDirectory(etcNetns)) {
            try (Stream<Path> entries = Files.list(etcNetns)) {
                assertThat(entries.map(p -> p.getFileName().toString())).as("/etc/netns after the demo")
                        .noneMatch(name -> name.startsWith(prefix));
            }
        }
    }
}
