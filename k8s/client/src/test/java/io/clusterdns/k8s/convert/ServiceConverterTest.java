package io.clusterdns.k8s.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServicePort;
import io.clusterdns.k8s.model.ServiceType;
import io.clusterdns.k8s.model.SessionAffinity;
import io.clusterdns.k8s.model.TargetPort;
import io.clusterdns.k8s.model.TrafficPolicy;
import io.fabric8.kubernetes.api.model.Service;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ServiceConverterTest {
    // Conventions: service CIDR 10.96.0.0/12 + fd00:10:96::/112, LB ingress from 203.0.113.0/24
    // (TEST-NET-3), client ranges from 198.51.100.0/24, names from the seed documents.
    private static final String WEB_IP = "10.96.45.100";
    private static final String WEB_IP6 = "fd00:10:96::2d64";
    private static final String LB_IP = "203.0.113.10";

    private static ServiceInfo convert(String yaml) {
        return ServiceConverter.convert(Fabric8Yaml.read(yaml, Service.class));
    }

    @Test
    void keepsTrafficDistribution() {
        for (String value : ServiceConverter.TRAFFIC_DISTRIBUTIONS) {
            assertThat(convert("metadata: {name: web}\nspec: {trafficDistribution: " + value + ", ports: [{port: 80}]}")
                    .trafficDistribution()).isEqualTo(value);
        }
        assertThat(convert("metadata: {name: web}\nspec: {ports: [{port: 80}]}").trafficDistribution()).isNull();
    }

    @Test
    void appliesApiServerDefaults() {
        ServiceInfo s = convert("""
                metadata: {name: web}
                spec:
                  selector: {app: web}
                  ports:
                  - port: 80
                """);
        assertThat(s.key()).isEqualTo(ServiceKey.of("default", "web"));
        assertThat(s.type()).isEqualTo(ServiceType.CLUSTER_IP);
        assertThat(s.ports()).containsExactly(new ServicePort(null, Protocol.TCP, 80, TargetPort.of(80), 0, null));
        assertThat(s.clusterIPs()).isEmpty();
        assertThat(s.ipFamilies()).isEmpty();
        assertThat(s.headless()).isFalse();
        assertThat(s.sessionAffinity()).isEqualTo(SessionAffinity.NONE);
        assertThat(s.externalTrafficPolicy()).isEqualTo(TrafficPolicy.CLUSTER);
        assertThat(s.selector()).containsEntry("app", "web");
        assertThat(ServiceConverter.ipFamilyPolicy(Fabric8Yaml.read("spec: {}", Service.class))).isEmpty();
    }

    @Test
    void convertsEveryField() {
        ServiceInfo s = convert("""
                metadata:
                  name: api
                  namespace: shop
                  labels: {app: api, service.kubernetes.io/service-proxy-name: other-proxy}
                spec:
                  type: LoadBalancer
                  clusterIP: %s
                  clusterIPs: [%s, "%s"]
                  externalTrafficPolicy: Local
                  internalTrafficPolicy: Local
                  healthCheckNodePort: 31999
                  externalIPs: [198.51.100.7]
                  loadBalancerSourceRanges: [198.51.100.0/24]
                  sessionAffinity: ClientIP
                  publishNotReadyAddresses: true
                  selector: {app: api}
                  ports:
                  - {name: https, port: 443, targetPort: https, nodePort: 31443, appProtocol: https}
                  - {name: dns, port: 53, protocol: UDP, targetPort: 0}
                status:
                  loadBalancer:
                    ingress:
                    - {ip: %s, ipMode: Proxy}
                    - {hostname: lb.example.com}
                """.formatted(WEB_IP, WEB_IP, WEB_IP6, LB_IP));
        assertThat(s.clusterIPs()).extracting(IpAddresses::format).containsExactly(WEB_IP, WEB_IP6);
        assertThat(s.ipFamilies()).containsExactly(IpFamily.IPV4, IpFamily.IPV6);
        assertThat(s.ports()).containsExactly(
                new ServicePort("https", Protocol.TCP, 443, TargetPort.named("https"), 31443, "https"),
                new ServicePort("dns", Protocol.UDP, 53, TargetPort.of(53), 0, null));
        assertThat(s.healthCheckNodePort()).isEqualTo(31999);
        assertThat(s.externalIPs()).extracting(IpAddresses::format).containsExactly("198.51.100.7");
        assertThat(s.loadBalancerSourceRanges()).containsExactly("198.51.100.0/24");
        assertThat(s.loadBalancerIngress().get(0).proxyMode()).isTrue();
        assertThat(s.loadBalancerIngress().get(1).hostname()).isEqualTo("lb.example.com");
        assertThat(s.sessionAffinity()).isEqualTo(SessionAffinity.clientIp(SessionAffinity.DEFAULT_TIMEOUT_SECONDS));
        assertThat(s.internalTrafficPolicy()).isEqualTo(TrafficPolicy.LOCAL);
        assertThat(s.publishNotReadyAddresses()).isTrue();
        assertThat(s.labels()).as("only the labels proxies read").containsExactly(Map.entry("service.kubernetes.io/service-proxy-name", "other-proxy"));
    }

    @Test
    void aSelectorValueEqualToTheServicesNameIsThatNamesString() {
        ServiceInfo s = convert("""
                metadata: {name: web}
                spec: {clusterIP: %s, ports: [{port: 80}], selector: {app: web, tier: front}}
                """.formatted(WEB_IP));
        assertThat(s.selector()).containsOnly(Map.entry("app", "web"), Map.entry("tier", "front"));
        assertThat(s.selector().get("app")).as("one String for the name and the selector's value").isSameAs(s.name());
    }

    @Test
    void everyLabelIsValidatedThoughOnlyTheProxiesOnesAreKept() {
        assertThat(convert("""
                metadata: {name: web, labels: {app: web, helm.sh/chart: web-1.2.3, service.kubernetes.io/headless: ""}}
                spec: {clusterIP: %s, ports: [{port: 80}]}
                """.formatted(WEB_IP)).labels()).containsExactly(Map.entry("service.kubernetes.io/headless", ""));
        assertThatThrownBy(() -> convert("""
                metadata: {name: web, labels: {"app!": web}}
                spec: {clusterIP: %s, ports: [{port: 80}]}
                """.formatted(WEB_IP))).hasMessageContaining("metadata.labels");
    }

    @Test
    void headlessAndExternalNameHaveNoClusterIps() {
        ServiceInfo headless = convert("""
                metadata: {name: mongo-headless}
                spec: {clusterIP: None, selector: {app: mongo}}
                """);
        assertThat(headless.headless()).isTrue();
        assertThat(headless.clusterIPs()).isEmpty();
        assertThat(headless.ports()).isEmpty();

        ServiceInfo alias = convert("""
                metadata: {name: my-database}
                spec: {type: ExternalName, externalName: db.example.com}
                """);
        assertThat(alias.isExternalName()).isTrue();
        assertThat(alias.externalName()).isEqualTo("db.example.com");
        assertThat(alias.clusterIPs()).isEmpty();
        assertThat(alias.ipFamilies()).isEmpty();
    }

    @Test
    void keepsIpValuedExternalNameAsTheApiDoes() {
        ServiceInfo s = convert("""
                metadata: {name: legacy-db}
                spec: {type: ExternalName, externalName: 192.0.2.15}
                """);
        assertThat(s.externalName()).isEqualTo("192.0.2.15");
    }

    @Test
    void derivesFamiliesFromClusterIps() {
        ServiceInfo s = convert("""
                metadata: {name: v6only}
                spec: {clusterIP: "fd00:10:96::a", ports: [{port: 53}]}
                """);
        assertThat(s.ipFamilies()).containsExactly(IpFamily.IPV6);
    }

    @Test
    void keepsRequestedFamiliesBeforeAllocation() {
        Service raw = Fabric8Yaml.read("""
                metadata: {name: echo}
                spec: {ipFamilyPolicy: RequireDualStack, ipFamilies: [IPv6, IPv4], ports: [{port: 80}]}
                """, Service.class);
        assertThat(ServiceConverter.convert(raw).ipFamilies()).containsExactly(IpFamily.IPV6, IpFamily.IPV4);
        assertThat(ServiceConverter.ipFamilyPolicy(raw)).contains(IpFamilyPolicy.REQUIRE_DUAL_STACK);
    }

    /** What the API server accepts although it looks odd: defaulted, ignored or kept, never refused. */
    @Test
    void acceptsWhatTheApiServerAccepts() {
        ServiceInfo alias = convert("""
                metadata: {name: db}
                spec:
                  type: ExternalName
                  externalName: db.example.com
                  ports: [{port: 5432, nodePort: 30432}]
                """);
        assertThat(alias.ports()).as("a nodePort on an ExternalName service is never allocated").extracting(ServicePort::nodePort).containsExactly(0);

        ServiceInfo exposed = convert("""
                metadata: {name: web}
                spec:
                  externalIPs: [198.51.100.7]
                  externalTrafficPolicy: Local
                  sessionAffinity: None
                  sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}
                  ports: [{port: 80}]
                """);
        assertThat(exposed.externalTrafficPolicy()).as("ClusterIP with externalIPs is externally accessible").isEqualTo(TrafficPolicy.LOCAL);
        assertThat(exposed.sessionAffinity()).as("the config of affinity None is dropped by defaulting").isEqualTo(SessionAffinity.NONE);

        ServiceInfo notReady = convert("""
                metadata: {name: mongo-headless, annotations: {endpoints.kubernetes.io/last-change-trigger-time: soon}}
                spec: {clusterIP: None, publishNotReadyAddresses: true, selector: {app: mongo}}
                """);
        assertThat(notReady.publishNotReadyAddresses()).isTrue();
    }

    static Stream<Arguments> invalidServices() {
        return Stream.of(
                Arguments.of("metadata: {name: Web_1}\nspec: {ports: [{port: 80}]}",
                        "metadata.name: \"Web_1\" " + DnsNames.DNS1035_LABEL_RULE),
                Arguments.of("metadata: {name: 1web}\nspec: {ports: [{port: 80}]}",
                        "metadata.name: \"1web\" " + DnsNames.DNS1035_LABEL_RULE),
                Arguments.of("metadata: {namespace: shop}\nspec: {ports: [{port: 80}]}", "metadata.name: required"),
                Arguments.of("metadata: {name: web, namespace: Shop}\nspec: {ports: [{port: 80}]}",
                        "metadata.namespace: \"Shop\" " + DnsNames.DNS1123_LABEL_RULE),
                Arguments.of("metadata: {name: web}\nspec: {ports: [{name: a, port: 80}, {name: b, port: 70000}]}",
                        "spec.ports[1].port: must be 1..65535, got 70000"),
                Arguments.of("metadata: {name: web}\nspec: {ports: [{port: 0}]}", "spec.ports[0].port: must be 1..65535, got 0"),
                Arguments.of("metadata: {name: web}\nspec: {ports: [{name: x}]}", "spec.ports[0].port: required"),
                Arguments.of("metadata: {name: web}\nspec: {}",
                        "spec.ports: required (at least one port) unless clusterIP is None or type is ExternalName"),
                Arguments.of("metadata: {name: web}\nspec: {clusterIP: 10.96.0.300, ports: [{port: 80}]}",
                        "spec.clusterIP: \"10.96.0.300\" is not an IP address or None"),
                Arguments.of("metadata: {name: web}\nspec: {clusterIP: 10.96.0.5, clusterIPs: [10.96.0.5, 10.96.0.6], ports: [{port: 80}]}",
                        "spec.clusterIPs[1]: must be of the other IP family than spec.clusterIPs[0]"),
                Arguments.of("metadata: {name: web}\nspec: {clusterIPs: [10.96.0.5], ports: [{port: 80}]}",
                        "spec.clusterIP: must be set when spec.clusterIPs is (to its first entry, \"10.96.0.5\")"),
                Arguments.of("metadata: {name: web}\nspec: {clusterIP: 10.96.0.5, clusterIPs: [10.96.0.6], ports: [{port: 80}]}",
                        "spec.clusterIPs[0]: must match spec.clusterIP (\"10.96.0.5\"), got \"10.96.0.6\""),
                Arguments.of("metadata: {name: web}\nspec: {type: NodePort, clusterIP: None, ports: [{port: 80}]}",
                        "spec.clusterIP: may not be None for type NodePort"),
                Arguments.of("metadata: {name: web}\nspec: {type: Balanced, ports: [{port: 80}]}",
                        "spec.type: unsupported service type \"Balanced\" (expected ClusterIP, NodePort, LoadBalancer or ExternalName)"),
                Arguments.of("metadata: {name: web}\nspec: {ports: [{port: 80, protocol: HTTP}]}",
                        "spec.ports[0].protocol: unsupported protocol \"HTTP\" (expected TCP, UDP or SCTP)"),
                Arguments.of("metadata: {name: web}\nspec: {ipFamilies: [IPv5], ports: [{port: 80}]}",
                        "spec.ipFamilies[0]: unsupported IP family \"IPv5\" (expected IPv4 or IPv6)"),
                Arguments.of("metadata: {name: web}\nspec: {ipFamilies: [IPv4, IPv4], ipFamilyPolicy: RequireDualStack, ports: [{port: 80}]}",
                        "spec.ipFamilies[1]: duplicate family IPv4"),
                Arguments.of("metadata: {name: web}\nspec: {clusterIP: 10.96.0.5, ipFamilies: [IPv6], ports: [{port: 80}]}",
                        "spec.ipFamilies[0]: IPv6 does not match the family of spec.clusterIPs[0] (10.96.0.5)"),
                Arguments.of("metadata: {name: web}\nspec: {ipFamilyPolicy: DualStack, ports: [{port: 80}]}",
                        "spec.ipFamilyPolicy: unsupported ipFamilyPolicy \"DualStack\" (expected SingleStack, PreferDualStack or RequireDualStack)"),
                Arguments.of("metadata: {name: web}\nspec: {ipFamilyPolicy: SingleStack, ipFamilies: [IPv4, IPv6], ports: [{port: 80}]}",
                        "spec.ipFamilies: SingleStack allows one IP family, got 2"),
                Arguments.of("metadata: {name: my-database}\nspec: {type: ExternalName}",
                        "spec.externalName: required for type ExternalName"),
                Arguments.of("metadata: {name: my-database}\nspec: {type: ExternalName, externalName: db_1.example.com}",
                        "spec.externalName: \"db_1.example.com\" is not a valid DNS name (lower-case letters, digits, '-' and '.', at most 253 characters)"),
                Arguments.of("metadata: {name: my-database}\nspec: {type: ExternalName, externalName: db.example.com, clusterIP: 10.96.0.9}",
                        "spec.clusterIP: may not be set for type ExternalName"),
                Arguments.of("metadata: {name: web}\nspec: {ports: [{port: 80}, {port: 81}]}",
                        "spec.ports[0].name: required when the service has more than one port"),
                Arguments.of("metadata: {name: web}\nspec: {ports: [{name: http, port: 80}, {name: http, port: 81}]}",
                        "spec.ports[1].name: duplicate port name \"http\" (also spec.ports[0])"),
                Arguments.of("metadata: {name: web}\nspec: {ports: [{name: a, port: 80}, {name: b, port: 80}]}",
                        "spec.ports[1]: duplicate port 80/TCP (also spec.ports[0])"),
                Arguments.of("metadata: {name: web}\nspec: {ports: [{name: HTTP, port: 80}]}",
                        "spec.ports[0].name: \"HTTP\" " + DnsNames.DNS1123_LABEL_RULE),
                Arguments.of("metadata: {name: web}\nspec: {ports: [{port: 80, targetPort: 70000}]}",
                        "spec.ports[0].targetPort: must be 1..65535 or a port name, got 70000"),
                Arguments.of("metadata: {name: web}\nspec: {ports: [{port: 80, targetPort: http_alt}]}",
                        "spec.ports[0].targetPort: \"http_alt\" " + DnsNames.IANA_SERVICE_NAME_RULE),
                Arguments.of("metadata: {name: web}\nspec: {ports: [{port: 80, nodePort: 30080}]}",
                        "spec.ports[0].nodePort: may not be set when type is ClusterIP"),
                Arguments.of("metadata: {name: web}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 70000}]}",
                        "spec.ports[0].nodePort: must be 1..65535, got 70000"),
                Arguments.of("metadata: {name: web}\nspec: {externalIPs: [example.com], ports: [{port: 80}]}",
                        "spec.externalIPs[0]: \"example.com\" is not an IP address"),
                Arguments.of("metadata: {name: web}\nspec: {type: LoadBalancer, loadBalancerSourceRanges: [198.51.100.0], ports: [{port: 80}]}",
                        "spec.loadBalancerSourceRanges[0]: \"198.51.100.0\" is not a CIDR (address/prefix-length)"),
                Arguments.of("metadata: {name: web}\nspec: {sessionAffinity: Cookie, ports: [{port: 80}]}",
                        "spec.sessionAffinity: unsupported session affinity \"Cookie\" (expected None or ClientIP)"),
                Arguments.of("metadata: {name: web}\nspec: {sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 0}}, ports: [{port: 80}]}",
                        "spec.sessionAffinityConfig.clientIP.timeoutSeconds: must be 1..86400, got 0"),
                Arguments.of("metadata: {name: web}\nspec: {type: NodePort, externalTrafficPolicy: Nearest, ports: [{port: 80}]}",
                        "spec.externalTrafficPolicy: unsupported traffic policy \"Nearest\" (expected Cluster or Local)"),
                Arguments.of("metadata: {name: web}\nspec: {externalTrafficPolicy: Local, ports: [{port: 80}]}",
                        "spec.externalTrafficPolicy: may only be set for externally-accessible services (type NodePort or LoadBalancer, or with externalIPs)"),
                Arguments.of("metadata: {name: db}\nspec: {type: ExternalName, externalName: db.example.com, externalTrafficPolicy: Cluster}",
                        "spec.externalTrafficPolicy: may only be set for externally-accessible services (type NodePort or LoadBalancer, or with externalIPs)"),
                Arguments.of("metadata: {name: db}\nspec: {type: ExternalName, externalName: db.example.com, ipFamilyPolicy: SingleStack}",
                        "spec.ipFamilyPolicy: may not be set for type ExternalName"),
                Arguments.of("metadata: {name: db}\nspec: {type: ExternalName, externalName: db.example.com, ipFamilies: [IPv4]}",
                        "spec.ipFamilies: may not be set for type ExternalName"),
                Arguments.of("metadata: {name: web}\nspec: {type: NodePort, loadBalancerSourceRanges: [198.51.100.0/24], ports: [{port: 80}]}",
                        "spec.loadBalancerSourceRanges: may only be used when type is LoadBalancer"),
                Arguments.of("metadata: {name: web}\nspec: {allocateLoadBalancerNodePorts: false, ports: [{port: 80}]}",
                        "spec.allocateLoadBalancerNodePorts: may only be used when type is LoadBalancer"),
                Arguments.of("metadata: {name: web}\nspec: {ports: [{port: 80}]}\nstatus: {loadBalancer: {ingress: [{ip: 203.0.113.10}]}}",
                        "status.loadBalancer.ingress: may only be used when spec.type is LoadBalancer"),
                Arguments.of("metadata: {name: web}\nspec: {type: LoadBalancer, ports: [{port: 80}]}\nstatus: {loadBalancer: {ingress: [{hostname: lb.example.com, ipMode: VIP}]}}",
                        "status.loadBalancer.ingress[0].ipMode: may not be set when ip is not set"),
                Arguments.of("metadata: {name: web}\nspec: {type: LoadBalancer, ports: [{port: 80}]}\nstatus: {loadBalancer: {ingress: [{hostname: 203.0.113.10}]}}",
                        "status.loadBalancer.ingress[0].hostname: \"203.0.113.10\" must be a DNS name, not an IP address"),
                Arguments.of("metadata: {name: web}\nspec: {externalIPs: [127.0.0.1], ports: [{port: 80}]}",
                        "spec.externalIPs[0]: \"127.0.0.1\" may not be in the loopback range (127.0.0.0/8, ::1/128)"),
                Arguments.of("metadata: {name: web}\nspec: {selector: {app: 'web server'}, ports: [{port: 80}]}",
                        "spec.selector.app: \"web server\" " + DnsNames.LABEL_VALUE_RULE),
                Arguments.of("metadata: {name: web, labels: {'app name': web}}\nspec: {ports: [{port: 80}]}",
                        "metadata.labels[\"app name\"]: key \"app name\" " + DnsNames.QUALIFIED_NAME_RULE),
                Arguments.of("metadata: {name: web, labels: {example.com/-app: web}}\nspec: {ports: [{port: 80}]}",
                        "metadata.labels[\"example.com/-app\"]: key \"example.com/-app\" " + DnsNames.QUALIFIED_NAME_RULE),
                Arguments.of("metadata: {name: web}\nspec: {ports: [{port: 80, appProtocol: 'h2 c'}]}",
                        "spec.ports[0].appProtocol: \"h2 c\" " + DnsNames.QUALIFIED_NAME_RULE),
                Arguments.of("metadata: {name: web}\nspec: {type: NodePort, healthCheckNodePort: 31000, ports: [{port: 80}]}",
                        "spec.healthCheckNodePort: may only be set when type is LoadBalancer and externalTrafficPolicy is Local"),
                Arguments.of("metadata: {name: web}\nspec: {type: LoadBalancer, ports: [{port: 80}]}\nstatus: {loadBalancer: {ingress: [{ip: 203.0.113.999}]}}",
                        "status.loadBalancer.ingress[0].ip: \"203.0.113.999\" is not an IP address"),
                Arguments.of("metadata: {name: web}\nspec: {trafficDistribution: preferClose, ports: [{port: 80}]}",
                        "spec.trafficDistribution: Unsupported value: \"preferClose\": supported values: \"PreferClose\", \"PreferSameZone\", \"PreferSameNode\""));
    }

    /** As the manifest source creates a service: converted, then the rules of creation. */
    private static ServiceInfo create(String yaml) {
        Service raw = Fabric8Yaml.read(yaml, Service.class);
        ServiceInfo info = ServiceConverter.convert(raw);
        ServiceConverter.checkAsCreated(raw);
        return info;
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalidServices")
    void rejectsWithFieldPath(String yaml, String message) {
        assertThatThrownBy(() -> create(yaml))
                .isInstanceOf(ConversionException.class)
                .hasMessage(message);
    }

    /**
     * Fields refused on creation for the service's type may linger on stored objects (created
     * before the rule, or left by a type change): an informer converts them, ignoring the field.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("storedLeftovers")
    void convertsStoredObjectsThatBreakOnlyCreationRules(String yaml, String message) {
        assertThat(convert(yaml).key()).isNotNull();
        assertThatThrownBy(() -> create(yaml)).hasMessage(message);
    }

    static Stream<Arguments> storedLeftovers() {
        return invalidServices().filter(a -> CREATION_RULES.stream().anyMatch(((String) a.get()[1])::startsWith));
    }

    private static final List<String> CREATION_RULES = List.of("spec.externalTrafficPolicy: may only", "spec.ipFamilyPolicy: may not be set for type",
            "spec.ipFamilies: may not be set for type", "spec.loadBalancerSourceRanges: may only", "spec.allocateLoadBalancerNodePorts:",
            "status.loadBalancer.ingress: may only");

    @Test
    void exceptionCarriesPathAndReasonSeparately() {
        ConversionException e = new ConversionException("spec.ports[1].port", "must be 1..65535, got 70000");
        assertThat(e.fieldPath()).isEqualTo("spec.ports[1].port");
        assertThat(e.reason()).isEqualTo("must be 1..65535, got 70000");
        assertThat(e.under("items[2]").getMessage()).isEqualTo("items[2].spec.ports[1].port: must be 1..65535, got 70000");
    }
}
