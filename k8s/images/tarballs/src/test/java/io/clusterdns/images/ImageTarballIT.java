package io.clusterdns.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.ChildProcess;
import io.clusterdns.k8s.testing.Commands;
import io.clusterdns.k8s.testing.NetNamespaces;
import io.clusterdns.k8s.testing.Privileged;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The tarballs {@code mvn -Pimages package} wrote, checked as a user would use them: an OCI
 * archive with the image's name, the configuration the Dockerfiles give (entrypoint, user, the
 * dns-server's JVM flags), and the entrypoint run from the unpacked root file system (umoci) in a
 * chroot, as the image's user with the image's environment: {@code --help} of each server, and
 * the dns-server answering on :53 as uid 65532 (the file capability on its java) in a network
 * namespace of its own, and the discovery-agent programming the example cluster there over
 * netlink (JNA) with its own nft.
 */
class ImageTarballIT {
    private static final Path EXAMPLES = Path.of("../../../k8s/examples").toAbsolutePath().normalize();
    private static final Duration UNPACK = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path unpacked;

    @ParameterizedTest
    @EnumSource(ImageComponent.class)
    void isAnOciArchiveNamedForTheRegistry(ImageComponent c) throws Exception {
        assertThat(c.tarball()).as("built by mvn -Pimages package").isRegularFile();
        List<String> entries = Commands.check("tar", "-tf", c.tarball().toString()).lines().toList();
        assertThat(entries).contains("oci-layout", "index.json");
        assertThat(entries.stream().filter(e -> e.startsWith("blobs/sha256/"))).as("config, manifest and layers").hasSizeGreaterThanOrEqualTo(5);

        JsonNode index = JSON.readTree(Commands.check("tar", "-xOf", c.tarball().toString(), "index.json"));
        assertThat(index.at("/manifests/0/annotations/org.opencontainers.image.ref.name").asText()).isEqualTo(c.reference());
    }

    @ParameterizedTest
    @EnumSource(ImageComponent.class)
    void configurationIsTheDockerfiles(ImageComponent c) throws Exception {
        Privileged.requireTool("skopeo", "skopeo");
        JsonNode config = JSON.readTree(Commands.check("skopeo", "inspect", "--config", "oci-archive:" + c.tarball()));
        JsonNode manifest = JSON.readTree(Commands.check("skopeo", "inspect", "oci-archive:" + c.tarball()));
        List<String> entrypoint = strings(config.at("/config/Entrypoint"));
        Map<String, String> env = env(config.at("/config/Env"));

        assertThat(config.at("/config/User").asText()).isEqualTo(c.user);
        assertThat(config.at("/architecture").asText()).isEqualTo("amd64");
        assertThat(config.at("/config/Cmd").isMissingNode() || config.at("/config/Cmd").isEmpty()).as("args are the Deployment's").isTrue();
        assertThat(env).containsEntry("JAVA_HOME", "/opt/java");
        // the runtime layer, the variant's layer (capability or nft), Jib's layers
        assertThat(manifest.at("/Layers").size()).isGreaterThanOrEqualTo(c == ImageComponent.ENVINJECTOR ? 2 : 3);
        assertThat(entrypoint).isEqualTo(c.entrypoint);
        assertThat(config.at("/config/ExposedPorts").fieldNames()).toIterable().containsExactlyInAnyOrderElementsOf(c.ports);
        if (c == ImageComponent.DNS_SERVER) {
            assertThat(env).containsEntry("JAVA_TOOL_OPTIONS", ImageComponent.DNS_SERVER_JAVA_TOOL_OPTIONS)
                    .containsEntry("MALLOC_ARENA_MAX", "2");
            assertThat(env.get("JAVA_TOOL_OPTIONS")).contains("-XX:TieredStopAtLevel=1", "-XX:MaxRAMPercentage=50");
        }
    }

    @ParameterizedTest
    @EnumSource(ImageComponent.class)
    void entrypointPrintsItsHelpFromTheUnpackedImage(ImageComponent c) throws Exception {
        Unpacked image = unpack(c);
        List<String> command = new ArrayList<>(image.args());
        command.add("--help");
        Map<String, String> env = new HashMap<>(image.env());
        if (c == ImageComponent.DNS_SERVER) {
            // the trained class archive must map (a stale one would only warn without this)
            env.put("JAVA_TOOL_OPTIONS", "-Xshare:on " + env.get("JAVA_TOOL_OPTIONS"));
        }
        Commands.Result help = Commands.run(Commands.DEFAULT, image.chroot(env, command));

        assertThat(help.exitCode()).as(help.output()).isZero();
        assertThat(help.output()).as("runs as the image's user").contains(c.usage);
        if (c == ImageComponent.DISCOVERY_AGENT) {
            Commands.Result nft = Commands.run(Commands.DEFAULT, image.chroot(env, List.of("/usr/sbin/nft", "--version")));
            Commands.Result conntrack = Commands.run(Commands.DEFAULT, image.chroot(env, List.of("/usr/sbin/conntrack", "--version")));
            assertThat(nft.output()).as("nft lists the tables on every backend").startsWith("nftables v");
            assertThat(conntrack.output()).as("the cli backend's conntrack").startsWith("conntrack v");
        }
    }

    @Test
    void dnsServerAnswersOnPort53AsItsNonRootUser() throws Exception {
        NetNamespaces.requirePrivileges("network namespaces");
        Privileged.requireTool("dig", "bind9-dnsutils");
        Unpacked image = unpack(ImageComponent.DNS_SERVER);
        Path examples = copyExamples(image);
        List<String> command = new ArrayList<>(image.args());
        command.addAll(List.of("--manifests", "/" + image.rootfs().relativize(examples), "--listen", "127.0.0.1:53"));
        try (NetNamespaces namespaces = new NetNamespaces("img")) {
            namespaces.deleteLeftovers();
            String ns = namespaces.create("pod");
            try (ChildProcess server = ChildProcess.start("dns-server image", unpacked.resolve("dns-server.log"),
                    List.of(NetNamespaces.execCommand(ns, image.chroot(image.env(), command))))) {
                server.awaitLog("dns-server listening on");
                Commands.Result dig = NetNamespaces.exec(ns, "dig", "@127.0.0.1", "-p", "53", "+short", "web.default.svc.cluster.local");

                assertThat(dig.output().trim()).as(dig.output()).isEqualTo("10.96.45.100");
                assertThat(server.log()).as("archive mapped, no warning").doesNotContain("Unable to use shared archive");
                assertThat(server.stop()).as("stops on SIGTERM").isTrue();
            }
        }
    }

    @Test
    void discoveryAgentProgramsTheExampleClusterThroughNetlinkFromItsImage() throws Exception {
        NetNamespaces.requirePrivileges("network namespaces");
        Privileged.requireTool("nft", "nftables");
        Unpacked image = unpack(ImageComponent.DISCOVERY_AGENT);
        Path examples = copyExamples(image);
        List<String> command = new ArrayList<>(image.args());
        // --nft-backend netlink: exits instead of falling back to nft -f when JNA cannot load
        command.addAll(List.of("--manifests", "/" + image.rootfs().relativize(examples), "--node-name", "node-1",
                "--node-ip", "192.0.2.1", "--cluster-cidr", "10.244.0.0/16", "--nft-backend", "netlink",
                "--snapshot-file", "off"));
        Map<String, String> env = new HashMap<>(image.env());
        env.put("JAVA_TOOL_OPTIONS", "-Djna.tmpdir=/tmp"); // the DaemonSet's is its writable volume
        try (NetNamespaces namespaces = new NetNamespaces("imga")) {
            namespaces.deleteLeftovers();
            String ns = namespaces.create("node");
            try (ChildProcess agent = ChildProcess.start("discovery-agent image", unpacked.resolve("discovery-agent.log"),
                    List.of(NetNamespaces.execCommand(ns, image.chroot(env, command))))) {
                String table = Await.until("the agent's table in " + ns,
                        () -> NetNamespaces.exec(ns, "nft", "list", "table", "ip", "clusterdns").output(),
                        out -> out.contains("10.96.45.100"));

                assertThat(table).as("web's ClusterIP").contains("10.96.45.100");
                assertThat(agent.log()).doesNotContain("cannot use the netlink backend");
                assertThat(agent.stop()).as("stops on SIGTERM").isTrue();
            }
        }
    }

    private static Path copyExamples(Unpacked image) throws IOException {
        Path examples = image.rootfs().resolve("tmp/examples");
        if (!Files.isDirectory(examples)) {
            Files.createDirectories(examples);
            try (var files = Files.list(EXAMPLES)) {
                for (Path f : files.toList()) {
                    Files.copy(f, examples.resolve(f.getFileName().toString()));
                }
            }
        }
        return examples;
    }

    /** An image unpacked by umoci: its root file system and its runtime configuration. */
    private record Unpacked(Path rootfs, List<String> args, Map<String, String> env, String user) {
        /** {@code env -i ENV... chroot --userspec=USER ROOTFS command...}: the image's user and environment. */
        String[] chroot(Map<String, String> environment, List<String> command) {
            List<String> cmd = new ArrayList<>(List.of("env", "-i"));
            environment.forEach((k, v) -> cmd.add(k + "=" + v));
            cmd.addAll(List.of("chroot", "--userspec=" + user, rootfs.toString()));
            cmd.addAll(command);
            return cmd.toArray(String[]::new);
        }
    }

    private static synchronized Unpacked unpack(ImageComponent c) throws IOException {
        Privileged.requireRoot("chroot into the unpacked image");
        Privileged.requireTool("umoci", "umoci");
        Path layout = unpacked.resolve(c.name + "-layout");
        Path bundle = unpacked.resolve(c.name + "-bundle");
        if (!Files.isDirectory(bundle)) {
            Files.createDirectories(layout);
            Commands.check("tar", "-xf", c.tarball().toString(), "-C", layout.toString());
            Commands.Result r = Commands.run(UNPACK, "umoci", "unpack", "--image", layout + ":" + c.reference(), bundle.toString());
            assertThat(r.exitCode()).as(r.output()).isZero();
        }
        JsonNode process = JSON.readTree(bundle.resolve("config.json").toFile()).at("/process");
        return new Unpacked(bundle.resolve("rootfs"), strings(process.at("/args")), env(process.at("/env")),
                process.at("/user/uid").asInt() + ":" + process.at("/user/gid").asInt());
    }

    private static List<String> strings(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    private static Map<String, String> env(JsonNode array) {
        Map<String, String> env = new HashMap<>();
        for (String entry : strings(array)) {
            int eq = entry.indexOf('=');
            env.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        return env;
    }
}
