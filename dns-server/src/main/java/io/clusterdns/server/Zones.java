package io.clusterdns.server;

import io.clusterdns.resolver.Answer;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * The configured zones, numbered, for the {@code zone} label of the per-query metrics: a question
 * is in the longest zone that contains it. Two more numbers name what CoreDNS reports outside its
 * zones: {@link #ROOT} ({@code "."}, what kubeadm's {@code .:53} server block would have counted a
 * forwarded name under) and {@link #DROPPED} (rejected before any zone was looked at).
 */
final class Zones {
    /** A name outside every zone: label {@code "."}; the resolver's {@link Answer#NO_ZONE}. */
    static final int ROOT = Answer.NO_ZONE;
    /** A message rejected before its zone mattered (FORMERR, NOTIMP, BADVERS, a class other than IN): label {@code "dropped"}. */
    static final int DROPPED = -2;

    private final Name[] zones;

    Zones(List<Name> zones) {
        this.zones = zones.toArray(Name[]::new);
    }

    int size() {
        return zones.length;
    }

    /** The index of the longest zone containing {@code name}, or {@link #ROOT}. */
    int indexOf(Name name) {
        int best = ROOT;
        int bestLabels = -1;
        for (int i = 0; i < zones.length; i++) {
            if (zones[i].labels() > bestLabels && name.subdomain(zones[i])) {
                best = i;
                bestLabels = zones[i].labels();
            }
        }
        return best;
    }

    /** The label value of a zone number: the zone with its final dot, {@code "."} or {@code "dropped"}. */
    String label(int index) {
        if (index == ROOT) {
            return ".";
        }
        return index == DROPPED ? "dropped" : zones[index].toString();
    }
}
