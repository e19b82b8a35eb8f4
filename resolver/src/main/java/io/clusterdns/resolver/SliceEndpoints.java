package io.clusterdns.resolver;

import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A service's ready endpoints read straight from its slices, for the usual service whose slices
 * need no merging: every endpoint ready, no address in two slices, slices already in name order
 * (one slice, or a dual-stack service's two), few names. The endpoints are then exactly the
 * slices' in order, each with its slice's ports, and the index copies none of them: the entry
 * keeps the slice list and makes this view when asked, against 64 bytes a service for
 * {@link ReadyEndpoints} and its address column (2.9 MB at 50,000 services). Names are derived as
 * {@link ServiceEntry#name(EndpointInfo, boolean)} derives them.
 */
final class SliceEndpoints extends EndpointList {
    /** A service without endpoints. */
    static final SliceEndpoints NONE = new SliceEndpoints(List.of(), false);

    private final List<EndpointSliceInfo> slices;
    private final boolean podNames;

    /** A view of {@code slices}, which {@link #fits} (a list that is not modified). */
    SliceEndpoints(List<EndpointSliceInfo> slices, boolean podNames) {
        this.slices = slices;
        this.podNames = podNames;
    }

    /**
     * True when a view of {@code slices} lists exactly {@code ready} (their merge, as
     * {@link ServiceEntry#readyEndpoints} makes it) and few of them have names.
     */
    static boolean fits(List<EndpointSliceInfo> slices, List<ReadyEndpoint> ready) {
        int total = 0;
        for (int s = 0; s < slices.size(); s++) {
            if (s > 0 && slices.get(s - 1).name().compareTo(slices.get(s).name()) > 0) {
                return false;
            }
            total += slices.get(s).endpointCount();
        }
        // the merge keeps one endpoint per ready address: as many as the slices hold means all ready, none repeated
        if (total != ready.size()) {
            return false;
        }
        int named = 0;
        for (ReadyEndpoint e : ready) {
            if (e.name() != null && ++named > SCAN) {
                return false;
            }
        }
        return true;
    }

    @Override
    public ReadyEndpoint get(int index) {
        int i = index;
        for (int k = 0; k < slices.size(); k++) {
            EndpointSliceInfo s = slices.get(k);
            if (i < s.endpointCount()) {
                EndpointInfo ep = s.endpoint(i);
                return new ReadyEndpoint(ep.address(), ServiceEntry.name(ep, podNames), s.ports());
            }
            i -= s.endpointCount();
        }
        throw new IndexOutOfBoundsException(index);
    }

    @Override
    public int size() {
        int n = 0;
        for (int k = 0; k < slices.size(); k++) {
            n += slices.get(k).endpointCount();
        }
        return n;
    }

    private EndpointInfo at(int index) {
        int i = index;
        for (int k = 0; k < slices.size(); k++) {
            EndpointSliceInfo s = slices.get(k);
            if (i < s.endpointCount()) {
                return s.endpoint(i);
            }
            i -= s.endpointCount();
        }
        throw new IndexOutOfBoundsException(index);
    }

    @Override
    InetAddress address(int index) {
        return at(index).address();
    }

    @Override
    boolean hasAddress(int index, InetAddress address) {
        return at(index).hasAddress(address);
    }

    @Override
    String name(int index) {
        return ServiceEntry.name(at(index), podNames);
    }

    @Override
    List<ReadyEndpoint> named(String name) {
        List<ReadyEndpoint> out = null;
        for (EndpointSliceInfo s : slices) {
            for (int i = 0; i < s.endpointCount(); i++) {
                EndpointInfo ep = s.endpoint(i);
                if (name.equals(ServiceEntry.name(ep, podNames))) {
                    if (out == null) {
                        out = new ArrayList<>(1);
                    }
                    out.add(new ReadyEndpoint(ep.address(), ServiceEntry.name(ep, podNames), s.ports()));
                }
            }
        }
        return out == null ? List.of() : List.copyOf(out);
    }
}
