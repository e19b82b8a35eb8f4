import io.clusterdns.k8s.manifest.ManifestSnapshots;
import io.clusterdns.k8s.model.ContainerPort;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.model.Protocol;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Collectors;

/**
 * The demo's kubelet view: the pods a manifest folder holds, read by the same code the DNS server
 * and the discovery agent read it with, so that the demo starts exactly the pods (names,
 * addresses, ports) whose endpoints they serve. One line per running pod with an IPv4 address:
 *
 *   NAMESPACE NAME IP APP-LABEL READY TCP-PORTS   e.g.  default web-7d4b9c8f5-x2k9p 10.244.1.5 web true 8080
 *
 * Run from demo.sh as {@code java -cp clusterdns-dns-server.jar PodList.java DIR} (a single-file
 * source program, JDK 11+); not part of any module.
 */
public class PodList {
    public static void main(String[] args) {
        // the pods with their labels and ports, which a snapshot does not keep
        ManifestSnapshots.pods(Path.of(args[0])).stream()
                .filter(p -> p.running() && p.ips().stream().anyMatch(ip -> ip instanceof Inet4Address))
                .sorted(Comparator.comparing(PodInfo::namespace).thenComparing(PodInfo::name))
                .forEach(p -> System.out.println(String.join(" ", p.namespace(), p.name(),
                        p.ips().stream().filter(ip -> ip instanceof Inet4Address).findFirst().orElseThrow().getHostAddress(),
                        p.labels().getOrDefault("app", p.labels().getOrDefault("k8s-app", "-")),
                        Boolean.toString(p.ready()),
                        p.ports().stream().filter(c -> c.protocol() == Protocol.TCP).map(c -> Integer.toString(c.containerPort()))
                                .distinct().collect(Collectors.joining(",")))));
    }
}
