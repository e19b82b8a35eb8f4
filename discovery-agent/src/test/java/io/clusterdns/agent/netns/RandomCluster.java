package io.clusterdns.agent.netns;

import io.clusterdns.agent.Conventions;
import io.clusterdns.agent.lb.LoadBalancing;
import io.clusterdns.agent.lb.ServiceLoadBalancing;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.LoadBalancerIngress;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServicePort;
import io.clusterdns.k8s.model.ServiceType;
import io.clusterdns.k8s.model.SessionAffinity;
import io.clusterdns.k8s.model.TargetPort;
import io.clusterdns.k8s.model.TrafficPolicy;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A seeded random cluster that changes a few services per step, covering every rule shape the
 * agent writes: ClusterIP / NodePort / LoadBalancer, TCP/UDP/SCTP, one or two ports, IPv4, IPv6
 * and dual-stack, 0..7 endpoints (local, remote, not ready, terminating), ClientIP affinity,
 * Local traffic policies, external IPs, load balancer IPs with source ranges, and every
 * load-balancing mode by annotation. Same seed, same sequence.
 */
final class RandomCluster {
    static final int SERVICES = 24;

    private final Random rnd;
    private final Map<Integer, ServiceInfo> services = new TreeMap<>();
    private final Map<Integer, List<EndpointSliceInfo>> slices = new TreeMap<>();
    private long version;

    RandomCluster(long seed) {
        this.rnd = new Random(seed);
        for (int i = 0; i < SERVICES; i++) {
            if (rnd.nextInt(5) > 0) {
                put(i);
            }
        }
    }

    /** Changes 1..3 services (re-randomised, or removed) and returns the new snapshot. */
    ClusterSnapshot step() {
        int n = 1 + rnd.nextInt(3);
        for (int k = 0; k < n; k++) {
            int i = rnd.nextInt(SERVICES);
            if (rnd.nextInt(6) == 0) {
                services.remove(i);
                slices.remove(i);
            } else if (services.containsKey(i) && rnd.nextBoolean()) {
                slices.put(i, slicesOf(i, services.get(i))); // endpoints only
            } else {
                put(i);
            }
        }
        return snapshot();
    }

    ClusterSnapshot snapshot() {
        List<EndpointSliceInfo> all = new ArrayList<>();
        slices.values().forEach(all::addAll);
        return new ClusterSnapshot(++version, Instant.EPOCH, List.copyOf(services.values()), all, List.of(), List.of());
    }

    private void put(int i) {
        ServiceInfo s = service(i);
        services.put(i, s);
        slices.put(i, slicesOf(i, s));
    }

    private ServiceInfo service(int i) {
        int familyPick = rnd.nextInt(4);
        List<IpFamily> families = familyPick == 0 ? List.of(IpFamily.IPV6) : familyPick == 1
                ? List.of(IpFamily.IPV4, IpFamily.IPV6) : List.of(IpFamily.IPV4);
        List<InetAddress> clusterIPs = new ArrayList<>();
        for (IpFamily f : families) {
            clusterIPs.add(IpAddresses.parse(f == IpFamily.IPV4 ? "10.96.0." + (10 + i) : "fd00:10:96::" + Integer.toHexString(0x10 + i)));
        }
        ServiceType type = List.of(ServiceType.CLUSTER_IP, ServiceType.NODE_PORT, ServiceType.LOAD_BALANCER).get(rnd.nextInt(3));
        List<ServicePort> ports = new ArrayList<>();
        int nPorts = 1 + rnd.nextInt(2);
        for (int p = 0; p < nPorts; p++) {
            Protocol proto = Protocol.values()[rnd.nextInt(10) < 6 ? 0 : rnd.nextInt(3)];
            int nodePort = type == ServiceType.CLUSTER_IP ? 0 : 30000 + i * 2 + p;
            ports.add(new ServicePort("p" + p, proto, 80 + p * 1000 + rnd.nextInt(3), TargetPort.of(8080 + p), nodePort, null));
        }
        List<InetAddress> externalIPs = new ArrayList<>();
        if (rnd.nextInt(4) == 0) {
            externalIPs.add(IpAddresses.parse(families.contains(IpFamily.IPV4) ? "192.0.2." + (100 + i) : "2001:db8:1::" + (100 + i)));
        }
        List<LoadBalancerIngress> ingress = new ArrayList<>();
        List<String> ranges = new ArrayList<>();
        if (type == ServiceType.LOAD_BALANCER) {
            for (IpFamily f : families) {
                ingress.add(new LoadBalancerIngress(IpAddresses.parse(f == IpFamily.IPV4 ? "192.0.2." + (10 + i) : "2001:db8:1::" + (10 + i)), null, null));
            }
            int r = rnd.nextInt(4);
            if (r >= 1) {
                ranges.add("203.0.113.0/25");
            }
            if (r >= 2) {
                ranges.add("203.0.113.128/25"); // adjacent: nft merges the two into one range
                ranges.add("198.51.100.7/32");
            }
            if (r == 3) {
                ranges.add("2001:db8:2::/64");
                ranges.add("2001:db8:3::1/128");
                ranges.add("192.168.0.0/16"); // contains the node: the LB IPs join the allowed sources
            }
        }
        SessionAffinity affinity = rnd.nextInt(4) == 0 ? SessionAffinity.clientIp(60 + rnd.nextInt(3)) : SessionAffinity.NONE;
        TrafficPolicy ext = type != ServiceType.CLUSTER_IP && rnd.nextInt(3) == 0 ? TrafficPolicy.LOCAL : TrafficPolicy.CLUSTER;
        TrafficPolicy internal = rnd.nextInt(6) == 0 ? TrafficPolicy.LOCAL : TrafficPolicy.CLUSTER;
        Map<String, String> annotations = Map.of();
        int lb = rnd.nextInt(6);
        if (lb < LoadBalancing.values().length) {
            annotations = Map.of(ServiceLoadBalancing.ANNOTATION, LoadBalancing.values()[lb].label());
        }
        return new ServiceInfo(ServiceKey.of("ns" + (i % 3), "svc" + i), type, clusterIPs, false, families, ports, null, externalIPs,
                ingress, ranges, affinity, ext, internal, ext == TrafficPolicy.LOCAL ? 32000 + i : 0, false, Map.of("app", "s" + i),
                Map.of(), null, annotations);
    }

    private List<EndpointSliceInfo> slicesOf(int i, ServiceInfo s) {
        List<EndpointSliceInfo> out = new ArrayList<>();
        for (IpFamily f : s.ipFamilies()) {
            int n = rnd.nextInt(8);
            List<EndpointInfo> eps = new ArrayList<>();
            for (int e = 0; e < n; e++) {
                int host = 10 + rnd.nextInt(40);
                boolean local = rnd.nextInt(3) == 0;
                String ip = f == IpFamily.IPV4 ? "10.244." + (local ? 1 : 2) + "." + host : "fd00:10:244:" + (local ? 1 : 2) + "::" + host;
                boolean terminating = rnd.nextInt(8) == 0;
                boolean ready = !terminating && rnd.nextInt(8) > 0;
                eps.add(new EndpointInfo(IpAddresses.parse(ip), null, local ? Conventions.NODE : "node-2", null, ready, ready || terminating,
                        terminating, "pod-" + i + "-" + e));
            }
            List<EndpointPort> ports = new ArrayList<>();
            for (ServicePort p : s.ports()) {
                ports.add(new EndpointPort(p.name(), p.protocol(), 8080 + rnd.nextInt(2), null));
            }
            out.add(new EndpointSliceInfo("svc" + i + "-" + f.name().toLowerCase(), s.key(), f, eps, ports, null));
        }
        return out;
    }
}
