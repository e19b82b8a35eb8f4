package io.clusterdns.images;

import java.nio.file.Path;
import java.util.List;

/**
 * What each image is, once for both of its builds: the Maven-built tarball ({@link ImageTarballIT})
 * and the Dockerfile ({@link DockerfilesTest}).
 */
enum ImageComponent {
    DNS_SERVER("dns-server", "65532:65532", "Usage: clusterdns-dns-server",
            List.of("/opt/java/bin/java", "-XX:SharedArchiveFile=/opt/clusterdns/clusterdns-dns-server.jsa",
                    "-Djava.library.path=/opt/clusterdns/native", "-jar", "/opt/clusterdns/clusterdns-dns-server.jar"),
            List.of("53/udp", "53/tcp", "8080/tcp", "8181/tcp", "9153/tcp")),
    DISCOVERY_AGENT("discovery-agent", "0:0", "Usage: discovery-agent",
            List.of("/opt/java/bin/java", "-jar", "/opt/clusterdns/clusterdns-discovery-agent.jar"),
            List.of("10249/tcp", "10256/tcp")),
    ENVINJECTOR("envinjector", "65532:65532", "Usage: envinjector",
            List.of("/opt/java/bin/java", "-jar", "/opt/clusterdns/envinjector.jar"),
            List.of("8443/tcp"));

    static final Path IMAGES = Path.of(System.getProperty("images.dir", "target/images"));
    static final String VERSION = System.getProperty("images.version", "");
    static final String REGISTRY = System.getProperty("images.registry", "");
    /** The dns-server's JVM flags (images/tarballs/pom.xml, dns-server.java.tool.options). */
    static final String DNS_SERVER_JAVA_TOOL_OPTIONS = System.getProperty("images.dns-server.java.tool.options", "");
    /** The jlinked runtime's modules (images/tarballs/pom.xml, image.runtime.modules). */
    static final String RUNTIME_MODULES = System.getProperty("images.runtime.modules", "");

    final String name;
    final String user;
    final String usage;
    final List<String> entrypoint;
    final List<String> ports;

    ImageComponent(String name, String user, String usage, List<String> entrypoint, List<String> ports) {
        this.name = name;
        this.user = user;
        this.usage = usage;
        this.entrypoint = entrypoint;
        this.ports = ports;
    }

    Path tarball() {
        return IMAGES.resolve(name + ".tar");
    }

    String reference() {
        return REGISTRY + "/" + name + ":" + VERSION;
    }

    Path dockerfile() {
        return Path.of("../../..", name, "Dockerfile");
    }
}
