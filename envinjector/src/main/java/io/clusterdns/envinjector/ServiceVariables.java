package io.clusterdns.envinjector;

import io.clusterdns.k8s.model.ServicePort;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The variables of one service, in kubelet's order ({@code pkg/kubelet/envvars}):
 *
 * <pre>
 * P_SERVICE_HOST            cluster IP (no brackets, also for IPv6)
 * P_SERVICE_DNS             name.ns.svc.zone                    (dns and both styles only)
 * P_SERVICE_PORT            first port
 * P_SERVICE_PORT_&lt;NAME&gt;     every named port
 * P_PORT                    proto://ip:port of the first port   (Docker links, kubelet and both styles)
 * P_PORT_&lt;port&gt;_&lt;PROTO&gt;     proto://ip:port, then _PROTO, _PORT, _ADDR for every port
 * </pre>
 *
 * IPv6 addresses are bracketed only inside URLs. Pure: no I/O, no state.
 */
public final class ServiceVariables {
    private ServiceVariables() {
    }

    /**
     * The variables of {@code service} in {@code style}; empty when the style needs a cluster IP
     * and there is none ({@link #isEmptyFor}).
     */
    public static List<EnvVar> of(EnvService service, EnvStyle style) {
        List<EnvVar> out = new ArrayList<>(8 + service.ports().size() * 5);
        boolean ip = style.ipVariables() && service.hasClusterIP();
        if (!ip && !style.dnsVariables()) {
            return out;
        }
        String p = service.prefix();
        if (ip) {
            out.add(new EnvVar(p + "_SERVICE_HOST", service.clusterIP()));
        }
        if (style.dnsVariables()) {
            out.add(new EnvVar(p + "_SERVICE_DNS", service.dnsName()));
        }
        List<ServicePort> ports = service.ports();
        if (!ports.isEmpty()) {
            out.add(new EnvVar(p + "_SERVICE_PORT", Integer.toString(ports.get(0).port())));
            for (ServicePort port : ports) {
                if (port.name() != null) {
                    out.add(new EnvVar(p + "_SERVICE_PORT_" + EnvNames.of(port.name()), Integer.toString(port.port())));
                }
            }
        }
        if (ip) {
            addLinkVariables(out, p, service.clusterIP(), ports);
        }
        return out;
    }

    /** True when {@code style} yields nothing for {@code service} (kubelet style without a cluster IP). */
    public static boolean isEmptyFor(EnvService service, EnvStyle style) {
        return style == EnvStyle.KUBELET && !service.hasClusterIP();
    }

    /** Docker links, which kubelet still emits for compatibility; the first port gets {@code P_PORT}. */
    private static void addLinkVariables(List<EnvVar> out, String prefix, String ip, List<ServicePort> ports) {
        String host = ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip;
        for (int i = 0; i < ports.size(); i++) {
            ServicePort port = ports.get(i);
            String proto = port.protocol().name().toLowerCase(Locale.ROOT);
            String number = Integer.toString(port.port());
            String url = proto + "://" + host + ":" + number;
            if (i == 0) {
                out.add(new EnvVar(prefix + "_PORT", url));
            }
            String portPrefix = prefix + "_PORT_" + number + "_" + port.protocol().name();
            out.add(new EnvVar(portPrefix, url));
            out.add(new EnvVar(portPrefix + "_PROTO", proto));
            out.add(new EnvVar(portPrefix + "_PORT", number));
            out.add(new EnvVar(portPrefix + "_ADDR", ip));
        }
    }
}
