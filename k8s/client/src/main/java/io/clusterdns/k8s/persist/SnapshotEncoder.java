package io.clusterdns.k8s.persist;

import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.ImportedSliceInfo;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.NodeInfo;
import io.clusterdns.k8s.model.ServiceCidrInfo;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.model.ServiceImportInfo;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServicePort;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A growing byte array with the interning tables of the strings and addresses written through it. */
final class SnapshotEncoder {
    final Map<String, Integer> strings = new LinkedHashMap<>();
    final Map<InetAddress, Integer> addresses = new LinkedHashMap<>();
    byte[] buf = new byte[4096];
    int size;

    void u8(int b) {
        if (size == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        buf[size++] = (byte) b;
    }

    void bytes(byte[] b, int n) {
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }
        System.arraycopy(b, 0, buf, size, n);
        size += n;
    }

    void varlong(long v) {
        while ((v & ~0x7FL) != 0) {
            u8((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        u8((int) v);
    }

    void varint(int v) {
        varlong(Integer.toUnsignedLong(v));
    }

    void zigzag(long v) {
        varlong((v << 1) ^ (v >> 63));
    }

    void bool(boolean b) {
        u8(b ? 1 : 0);
    }

    void string(String s) {
        varint(s == null ? 0 : strings.computeIfAbsent(s, k -> strings.size()) + 1);
    }

    void address(InetAddress a) {
        varint(a == null ? 0 : addresses.computeIfAbsent(a, k -> addresses.size()) + 1);
    }

    void enumName(Enum<?> e) {
        string(e == null ? null : e.name());
    }

    void instant(Instant t) {
        bool(t != null);
        if (t != null) {
            zigzag(t.getEpochSecond());
            varint(t.getNano());
        }
    }

    <T> void list(List<T> items, java.util.function.Consumer<T> each) {
        varint(items.size());
        items.forEach(each);
    }

    void addresses(List<InetAddress> list) {
        list(list, this::address);
    }

    void strings(List<String> list) {
        list(list, this::string);
    }

    /** Null and empty differ for a selector: 0 is null, n + 1 entries otherwise. */
    void map(Map<String, String> m) {
        if (m == null) {
            varint(0);
            return;
        }
        varint(m.size() + 1);
        m.forEach((k, v) -> {
            string(k);
            string(v);
        });
    }

    void key(ServiceKey k) {
        string(k.namespace());
        string(k.name());
    }

    void service(ServiceInfo s) {
        key(s.key());
        enumName(s.type());
        addresses(s.clusterIPs());
        bool(s.headless());
        list(s.ipFamilies(), this::enumName);
        list(s.ports(), this::servicePort);
        string(s.externalName());
        addresses(s.externalIPs());
        list(s.loadBalancerIngress(), i -> {
            address(i.ip());
            string(i.hostname());
            string(i.ipMode());
        });
        strings(s.loadBalancerSourceRanges());
        bool(s.sessionAffinity().clientIp());
        varint(s.sessionAffinity().timeoutSeconds());
        enumName(s.externalTrafficPolicy());
        enumName(s.internalTrafficPolicy());
        varint(s.healthCheckNodePort());
        bool(s.publishNotReadyAddresses());
        map(s.selector());
        map(s.labels());
        string(s.trafficDistribution());
        map(s.annotations());
    }

    void servicePort(ServicePort p) {
        string(p.name());
        enumName(p.protocol());
        varint(p.port());
        varint(p.targetPort().number());
        string(p.targetPort().name());
        varint(p.nodePort());
        string(p.appProtocol());
    }

    void slice(EndpointSliceInfo s) {
        string(s.name());
        key(s.service());
        enumName(s.addressType());
        list(s.endpoints(), e -> {
            address(e.address());
            string(e.hostname());
            string(e.nodeName());
            string(e.zone());
            u8((e.ready() ? 1 : 0) | (e.serving() ? 2 : 0) | (e.terminating() ? 4 : 0));
            string(e.targetPodName());
            strings(e.zoneHints());
            strings(e.nodeHints());
        });
        list(s.ports(), p -> {
            string(p.name());
            enumName(p.protocol());
            varint(p.port());
            string(p.appProtocol());
        });
        instant(s.triggerTime());
    }

    void pod(PodInfo p) {
        string(p.namespace());
        string(p.name());
        addresses(p.ips());
        string(p.hostname());
        string(p.subdomain());
        string(p.nodeName());
        map(p.labels());
        string(p.phase());
        u8((p.ready() ? 1 : 0) | (p.terminating() ? 2 : 0) | (p.hostNetwork() ? 4 : 0));
        list(p.ports(), c -> {
            string(c.name());
            varint(c.containerPort());
            enumName(c.protocol());
        });
        instant(p.created());
    }

    void namespace(NamespaceInfo n) {
        string(n.name());
        map(n.labels());
    }

    void node(NodeInfo n) {
        string(n.name());
        map(n.labels());
    }

    void serviceCidr(ServiceCidrInfo c) {
        string(c.name());
        strings(c.cidrs());
    }

    void serviceImport(ServiceImportInfo i) {
        key(i.key());
        enumName(i.type());
        addresses(i.ips());
        list(i.ports(), this::servicePort);
    }

    void importedSlice(ImportedSliceInfo i) {
        string(i.sourceCluster());
        slice(i.slice());
    }
}
