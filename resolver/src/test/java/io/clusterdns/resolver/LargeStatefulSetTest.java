package io.clusterdns.resolver;

import static io.clusterdns.resolver.Fixtures.epPort;
import static io.clusterdns.resolver.Fixtures.headless;
import static io.clusterdns.resolver.Fixtures.port;
import static io.clusterdns.resolver.Fixtures.ready;
import static io.clusterdns.resolver.Fixtures.slice;
import static io.clusterdns.resolver.ResolverRecordsTest.SOA;
import static io.clusterdns.resolver.ResolverRecordsTest.answer;
import static io.clusterdns.resolver.ResolverRecordsTest.assertExpected;
import static io.clusterdns.resolver.ResolverRecordsTest.nxDomain;

import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * Endpoint names in each of the index's forms of a service's endpoints: more named endpoints than
 * {@link EndpointList#SCAN} (found through a hash table), few names read from the slices
 * themselves ({@link SliceEndpoints}), and slices that need merging ({@link ReadyEndpoints},
 * scanned): every name, a name two endpoints share (both, in slice order), a dashed IP, and a
 * name nobody has.
 */
class LargeStatefulSetTest {

    @Test
    void everyEndpointNameOfALargeHeadlessServiceAnswers() {
        List<EndpointInfo> first = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            first.add(ready("10.244.1." + (i + 1), "web-" + i));
        }
        first.add(ready("10.244.1.100", null));
        // a second slice repeats web-7 at another address: both answer, the first slice's first
        List<EndpointInfo> second = List.of(ready("10.244.2.7", "web-7"), ready("10.244.2.8", "WEB-41"));
        Resolver r = new Resolver(ResolverConfig.defaults());
        r.update(Fixtures.snapshot(Instant.ofEpochSecond(1_700_000_000),
                List.of(headless("default", "web", port("http", "TCP", 80))),
                List.of(slice("default", "web", "web-a", first, epPort("http", "TCP", 80)),
                        slice("default", "web", "web-b", second, epPort("http", "TCP", 80))),
                List.of(), "default"));
        for (int i = 0; i < 40; i++) {
            String owner = "web-" + i + ".web.default.svc.cluster.local.";
            if (i == 7) {
                check(r, owner, answer(owner + " 5 A 10.244.1.8", owner + " 5 A 10.244.2.7"));
            } else {
                check(r, owner, answer(owner + " 5 A 10.244.1." + (i + 1)));
            }
        }
        check(r, "web-41.web.default.svc.cluster.local.", answer("web-41.web.default.svc.cluster.local. 5 A 10.244.2.8"));
        check(r, "10-244-1-100.web.default.svc.cluster.local.",
                answer("10-244-1-100.web.default.svc.cluster.local. 5 A 10.244.1.100"));
        check(r, "web-40.web.default.svc.cluster.local.", nxDomain(SOA));
        // a named endpoint is not also known by its dashed IP
        check(r, "10-244-1-1.web.default.svc.cluster.local.", nxDomain(SOA));
    }

    @Test
    void aNameTwoEndpointsShareAnswersBothWhetherTheSlicesNeedMergingOrNot() {
        for (boolean merged : new boolean[] {false, true}) {
            List<EndpointInfo> second = new ArrayList<>(List.of(ready("10.244.2.1", "db-0"), ready("10.244.2.2", "db-2")));
            if (merged) {
                second.add(Fixtures.notReady("10.244.2.3", "db-3"));
            }
            EndpointSliceInfo a = slice("default", "db", "db-a", List.of(ready("10.244.1.1", "db-0"), ready("10.244.1.2", "db-1")),
                    epPort("pg", "TCP", 5432));
            EndpointSliceInfo b = slice("default", "db", "db-b", second, epPort("pg", "TCP", 5432));
            Resolver r = new Resolver(ResolverConfig.defaults());
            // merged: slice "b" is listed first too; the answers still follow slice name order
            r.update(Fixtures.snapshot(Instant.ofEpochSecond(1_700_000_000),
                    List.of(headless("default", "db", port("pg", "TCP", 5432))), merged ? List.of(b, a) : List.of(a, b),
                    List.of(), "default"));
            String db0 = "db-0.db.default.svc.cluster.local.";
            check(r, db0, answer(db0 + " 5 A 10.244.1.1", db0 + " 5 A 10.244.2.1"));
            check(r, "db-2.db.default.svc.cluster.local.", answer("db-2.db.default.svc.cluster.local. 5 A 10.244.2.2"));
            check(r, "db-3.db.default.svc.cluster.local.", nxDomain(SOA));
            check(r, "db.default.svc.cluster.local.", answer("db.default.svc.cluster.local. 5 A 10.244.1.1",
                    "db.default.svc.cluster.local. 5 A 10.244.1.2", "db.default.svc.cluster.local. 5 A 10.244.2.1",
                    "db.default.svc.cluster.local. 5 A 10.244.2.2"));
        }
    }

    private static void check(Resolver r, String name, ResolverRecordsTest.Expect expect) {
        assertExpected(r.resolve(Name.fromConstantString(name), Type.A), expect);
    }
}
