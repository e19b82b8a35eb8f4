package io.clusterdns.k8s.model;

import java.net.InetAddress;

/** One {@code status.loadBalancer.ingress} entry; ip or hostname may be null. ipMode is VIP or Proxy (null = VIP). */
public record LoadBalancerIngress(InetAddress ip, String hostname, String ipMode) {
    public boolean proxyMode() {
        return "Proxy".equals(ipMode);
    }
}
