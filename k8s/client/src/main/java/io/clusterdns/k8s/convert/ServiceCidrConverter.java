package io.clusterdns.k8s.convert;

import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.ServiceCidrInfo;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDR;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Converts a {@link ServiceCIDR} ({@code networking.k8s.io/v1}): its name and {@code spec.cidrs},
 * checked as the API server does (one or two ranges, at most one per family, each in canonical
 * form: no bits set after the prefix). The status (a Ready condition) is not read: see
 * {@link ServiceCidrInfo}.
 */
public final class ServiceCidrConverter {
    public static final String KIND = "ServiceCIDR";

    private ServiceCidrConverter() {
    }

    /** Converts and validates; throws {@link ConversionException} naming the bad field. */
    public static ServiceCidrInfo convert(ServiceCIDR object) {
        ObjectMeta meta = ObjectMetas.meta(object.getMetadata());
        String name = ObjectMetas.name(meta, ObjectMetas.NameRule.DNS1123_SUBDOMAIN);
        List<String> written = object.getSpec() == null ? List.of() : Fields.list(object.getSpec().getCidrs());
        return new ServiceCidrInfo(name, cidrs(written));
    }

    /** The validated, canonical {@code spec.cidrs}. */
    static List<String> cidrs(List<String> written) {
        return cidrs("spec.cidrs", written);
    }

    /**
     * One or two CIDRs, at most one per family, each in canonical form, as the API server checks
     * every such list (a ServiceCIDR's {@code spec.cidrs}, a Node's {@code spec.podCIDRs}).
     *
     * @param listPath the field the list is in, for errors ({@code spec.podCIDRs})
     * @return the CIDRs in canonical spelling, in the order written
     */
    public static List<String> cidrs(String listPath, List<String> written) {
        if (written.isEmpty() || written.size() > 2) {
            throw new ConversionException(listPath, "must hold one or two CIDRs, got " + written.size());
        }
        Set<IpFamily> seen = EnumSet.noneOf(IpFamily.class);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < written.size(); i++) {
            String path = FieldPaths.index(listPath, i);
            String cidr = canonical(path, written.get(i));
            IpFamily family = cidr.contains(":") ? IpFamily.IPV6 : IpFamily.IPV4;
            if (!seen.add(family)) {
                throw new ConversionException(path, "a second " + Fields.apiName(family) + " CIDR (at most one per family)");
            }
            out.add(cidr);
        }
        return out;
    }

    private static String canonical(String path, String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        InetAddress ip = slash < 0 ? null : IpAddresses.tryParse(text.substring(0, slash));
        if (ip == null) {
            throw new ConversionException(path, Fields.quote(text) + " is not a CIDR (address/prefix length)");
        }
        int bits = ip.getAddress().length * 8;
        int prefix;
        try {
            prefix = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            prefix = -1;
        }
        if (prefix < 0 || prefix > bits) {
            throw new ConversionException(path, Fields.quote(text) + ": the prefix length must be 0.." + bits);
        }
        BigInteger host = new BigInteger(1, ip.getAddress()).and(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE));
        if (host.signum() != 0) {
            throw new ConversionException(path, Fields.quote(text) + " is not in canonical form (bits set after the prefix)");
        }
        return IpAddresses.format(ip) + "/" + prefix;
    }
}
