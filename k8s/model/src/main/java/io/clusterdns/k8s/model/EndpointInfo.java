package io.clusterdns.k8s.model;

import java.net.InetAddress;
import java.util.Objects;

/**
 * One endpoint address of an EndpointSlice (a slice endpoint with several addresses becomes
 * several of these, as the API only ever fills one today). Conditions follow
 * {@code discovery.k8s.io/v1}: ready, serving, terminating. hostname, nodeName, zone,
 * targetPodName may be null.
 */
public record EndpointInfo(
        InetAddress address,
        String hostname,
        String nodeName,
        String zone,
        boolean ready,
        boolean serving,
        boolean terminating,
        String targetPodName) {

    public EndpointInfo {
        Objects.requireNonNull(address, "address");
    }

    public IpFamily family() {
        return IpFamily.of(address);
    }
}
