package io.clusterdns.envinjector;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServicePort;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Kubelet's own expectations ({@code pkg/kubelet/envvars/envvars_test.go}, TestFromServices), the
 * two worked examples of the issue (the Kubernetes docs' redis-primary, three named ports), and
 * the dns/both styles.
 */
class ServiceVariablesTest {

    private static ServicePort port(String name, int port, Protocol protocol) {
        return new ServicePort(name, protocol, port, null, 0, null);
    }

    private static EnvService service(String name, String clusterIP, ServicePort... ports) {
        return new EnvService(EnvNames.of(name), clusterIP, name + ".default.svc.cluster.local", List.of(ports));
    }

    /** What kubelet's FromServices does with a list: each service's variables in list order, services without IP skipped. */
    private static List<String> fromServices(List<EnvService> services) {
        List<String> out = new ArrayList<>();
        for (EnvService s : services) {
            ServiceVariables.of(s, EnvStyle.KUBELET).forEach(v -> out.add(v.toString()));
        }
        return out;
    }

    @Test
    void kubeletFixture() {
        List<EnvService> services = List.of(
                service("foo-bar", "1.2.3.4", port(null, 8080, Protocol.TCP)),
                service("abc-123", "5.6.7.8", port("u-d-p", 8081, Protocol.UDP), port("t-c-p", 8081, Protocol.TCP)),
                service("q-u-u-x", "9.8.7.6", port(null, 8082, Protocol.TCP), port("8083", 8083, Protocol.TCP)),
                service("svrc-clusterip-none", null, port(null, 8082, Protocol.TCP)),
                service("svrc-clusterip-empty", null, port(null, 8082, Protocol.TCP)),
                service("super-ipv6", "2001:DB8::", port("u-d-p", 8084, Protocol.UDP), port("t-c-p", 8084, Protocol.TCP)),
                service("sctp-1", "1.2.3.4", port(null, 777, Protocol.SCTP)));

        assertThat(fromServices(services)).containsExactly(
                "FOO_BAR_SERVICE_HOST=1.2.3.4",
                "FOO_BAR_SERVICE_PORT=8080",
                "FOO_BAR_PORT=tcp://1.2.3.4:8080",
                "FOO_BAR_PORT_8080_TCP=tcp://1.2.3.4:8080",
                "FOO_BAR_PORT_8080_TCP_PROTO=tcp",
                "FOO_BAR_PORT_8080_TCP_PORT=8080",
                "FOO_BAR_PORT_8080_TCP_ADDR=1.2.3.4",
                "ABC_123_SERVICE_HOST=5.6.7.8",
                "ABC_123_SERVICE_PORT=8081",
                "ABC_123_SERVICE_PORT_U_D_P=8081",
                "ABC_123_SERVICE_PORT_T_C_P=8081",
                "ABC_123_PORT=udp://5.6.7.8:8081",
                "ABC_123_PORT_8081_UDP=udp://5.6.7.8:8081",
                "ABC_123_PORT_8081_UDP_PROTO=udp",
                "ABC_123_PORT_8081_UDP_PORT=8081",
                "ABC_123_PORT_8081_UDP_ADDR=5.6.7.8",
                "ABC_123_PORT_8081_TCP=tcp://5.6.7.8:8081",
                "ABC_123_PORT_8081_TCP_PROTO=tcp",
                "ABC_123_PORT_8081_TCP_PORT=8081",
                "ABC_123_PORT_8081_TCP_ADDR=5.6.7.8",
                "Q_U_U_X_SERVICE_HOST=9.8.7.6",
                "Q_U_U_X_SERVICE_PORT=8082",
                "Q_U_U_X_SERVICE_PORT_8083=8083",
                "Q_U_U_X_PORT=tcp://9.8.7.6:8082",
                "Q_U_U_X_PORT_8082_TCP=tcp://9.8.7.6:8082",
                "Q_U_U_X_PORT_8082_TCP_PROTO=tcp",
                "Q_U_U_X_PORT_8082_TCP_PORT=8082",
                "Q_U_U_X_PORT_8082_TCP_ADDR=9.8.7.6",
                "Q_U_U_X_PORT_8083_TCP=tcp://9.8.7.6:8083",
                "Q_U_U_X_PORT_8083_TCP_PROTO=tcp",
                "Q_U_U_X_PORT_8083_TCP_PORT=8083",
                "Q_U_U_X_PORT_8083_TCP_ADDR=9.8.7.6",
                "SUPER_IPV6_SERVICE_HOST=2001:DB8::",
                "SUPER_IPV6_SERVICE_PORT=8084",
                "SUPER_IPV6_SERVICE_PORT_U_D_P=8084",
                "SUPER_IPV6_SERVICE_PORT_T_C_P=8084",
                "SUPER_IPV6_PORT=udp://[2001:DB8::]:8084",
                "SUPER_IPV6_PORT_8084_UDP=udp://[2001:DB8::]:8084",
                "SUPER_IPV6_PORT_8084_UDP_PROTO=udp",
                "SUPER_IPV6_PORT_8084_UDP_PORT=8084",
                "SUPER_IPV6_PORT_8084_UDP_ADDR=2001:DB8::",
                "SUPER_IPV6_PORT_8084_TCP=tcp://[2001:DB8::]:8084",
                "SUPER_IPV6_PORT_8084_TCP_PROTO=tcp",
                "SUPER_IPV6_PORT_8084_TCP_PORT=8084",
                "SUPER_IPV6_PORT_8084_TCP_ADDR=2001:DB8::",
                "SCTP_1_SERVICE_HOST=1.2.3.4",
                "SCTP_1_SERVICE_PORT=777",
                "SCTP_1_PORT=sctp://1.2.3.4:777",
                "SCTP_1_PORT_777_SCTP=sctp://1.2.3.4:777",
                "SCTP_1_PORT_777_SCTP_PROTO=sctp",
                "SCTP_1_PORT_777_SCTP_PORT=777",
                "SCTP_1_PORT_777_SCTP_ADDR=1.2.3.4");
    }

    @Test
    void servicesWithoutClusterIpGetNoKubeletVariables() {
        EnvService headless = service("svrc-clusterip-none", null, port(null, 8082, Protocol.TCP));
        assertThat(ServiceVariables.isEmptyFor(headless, EnvStyle.KUBELET)).isTrue();
        assertThat(ServiceVariables.of(headless, EnvStyle.KUBELET)).isEmpty();
    }

    /** The Kubernetes docs' example ("Discovering services"): exactly these 7. */
    @Test
    void redisPrimaryGivesTheSevenVariablesOfTheDocs() {
        EnvService redis = service("redis-primary", "10.0.0.11", port(null, 6379, Protocol.TCP));
        assertThat(ServiceVariables.of(redis, EnvStyle.KUBELET)).extracting(EnvVar::toString).containsExactly(
                "REDIS_PRIMARY_SERVICE_HOST=10.0.0.11",
                "REDIS_PRIMARY_SERVICE_PORT=6379",
                "REDIS_PRIMARY_PORT=tcp://10.0.0.11:6379",
                "REDIS_PRIMARY_PORT_6379_TCP=tcp://10.0.0.11:6379",
                "REDIS_PRIMARY_PORT_6379_TCP_PROTO=tcp",
                "REDIS_PRIMARY_PORT_6379_TCP_PORT=6379",
                "REDIS_PRIMARY_PORT_6379_TCP_ADDR=10.0.0.11");
    }

    @Test
    void threeNamedPortsGiveEighteen() {
        EnvService web = service("web", "10.96.0.20", port("http", 80, Protocol.TCP), port("https", 443, Protocol.TCP),
                port("metrics", 9090, Protocol.TCP));
        assertThat(ServiceVariables.of(web, EnvStyle.KUBELET)).extracting(EnvVar::toString).containsExactly(
                "WEB_SERVICE_HOST=10.96.0.20",
                "WEB_SERVICE_PORT=80",
                "WEB_SERVICE_PORT_HTTP=80",
                "WEB_SERVICE_PORT_HTTPS=443",
                "WEB_SERVICE_PORT_METRICS=9090",
                "WEB_PORT=tcp://10.96.0.20:80",
                "WEB_PORT_80_TCP=tcp://10.96.0.20:80",
                "WEB_PORT_80_TCP_PROTO=tcp",
                "WEB_PORT_80_TCP_PORT=80",
                "WEB_PORT_80_TCP_ADDR=10.96.0.20",
                "WEB_PORT_443_TCP=tcp://10.96.0.20:443",
                "WEB_PORT_443_TCP_PROTO=tcp",
                "WEB_PORT_443_TCP_PORT=443",
                "WEB_PORT_443_TCP_ADDR=10.96.0.20",
                "WEB_PORT_9090_TCP=tcp://10.96.0.20:9090",
                "WEB_PORT_9090_TCP_PROTO=tcp",
                "WEB_PORT_9090_TCP_PORT=9090",
                "WEB_PORT_9090_TCP_ADDR=10.96.0.20");
    }

    @Test
    void dnsStyleHasNameAndPortsButNoIpsNorDockerLinks() {
        EnvService kafka = service("kafka", "10.96.0.30", port("broker", 9092, Protocol.TCP));
        assertThat(ServiceVariables.of(kafka, EnvStyle.DNS)).extracting(EnvVar::toString).containsExactly(
                "KAFKA_SERVICE_DNS=kafka.default.svc.cluster.local",
                "KAFKA_SERVICE_PORT=9092",
                "KAFKA_SERVICE_PORT_BROKER=9092");
    }

    @Test
    void bothStyleIsKubeletPlusDnsAfterTheHost() {
        EnvService redis = service("redis-primary", "10.0.0.11", port(null, 6379, Protocol.TCP));
        List<String> both = ServiceVariables.of(redis, EnvStyle.BOTH).stream().map(EnvVar::toString).toList();
        assertThat(both).hasSize(8);
        assertThat(both.subList(0, 2)).containsExactly("REDIS_PRIMARY_SERVICE_HOST=10.0.0.11",
                "REDIS_PRIMARY_SERVICE_DNS=redis-primary.default.svc.cluster.local");
        assertThat(both).containsAll(ServiceVariables.of(redis, EnvStyle.KUBELET).stream().map(EnvVar::toString).toList());
    }

    @Test
    void headlessServicesStillHaveADnsName() {
        EnvService headless = service("mongo", null, port("mongo", 27017, Protocol.TCP));
        assertThat(ServiceVariables.of(headless, EnvStyle.BOTH)).extracting(EnvVar::toString).containsExactly(
                "MONGO_SERVICE_DNS=mongo.default.svc.cluster.local",
                "MONGO_SERVICE_PORT=27017",
                "MONGO_SERVICE_PORT_MONGO=27017");
        EnvService externalName = service("db", null);
        assertThat(ServiceVariables.of(externalName, EnvStyle.DNS)).extracting(EnvVar::toString)
                .containsExactly("DB_SERVICE_DNS=db.default.svc.cluster.local");
    }

    @Test
    void ipv6IsBracketedOnlyInsideUrls() {
        EnvService v6 = service("echo", "fd00:10:96::ab17", port("http", 80, Protocol.TCP));
        assertThat(ServiceVariables.of(v6, EnvStyle.KUBELET)).extracting(EnvVar::toString).contains(
                "ECHO_SERVICE_HOST=fd00:10:96::ab17",
                "ECHO_PORT=tcp://[fd00:10:96::ab17]:80",
                "ECHO_PORT_80_TCP_ADDR=fd00:10:96::ab17");
    }
}
