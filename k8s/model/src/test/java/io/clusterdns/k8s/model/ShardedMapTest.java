package io.clusterdns.k8s.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShardedMapTest {

    /** Edits in batches against a HashMap doing the same: every version answers as the HashMap did then. */
    @Test
    void versionsAnswerAsAHashMap() {
        Random random = new Random(11);
        Map<Integer, String> expected = new HashMap<>();
        ShardedMap<Integer, String> map = ShardedMap.empty();
        for (int round = 0; round < 20; round++) {
            ShardedMap<Integer, String> before = map;
            Map<Integer, String> expectedBefore = new HashMap<>(expected);
            ShardedMap.Editor<Integer, String> editor = map.edit();
            int changes = round == 0 ? 50_000 : random.nextInt(2_000);
            for (int i = 0; i < changes; i++) {
                // keys colliding in the low bits (the shard) and spread over the high ones
                int key = random.nextInt(100_000) * (round % 2 == 0 ? 1 : 4096);
                if (random.nextInt(4) == 0) {
                    editor.remove(key);
                    expected.remove(key);
                } else {
                    editor.put(key, "v" + key + "-" + round);
                    expected.put(key, "v" + key + "-" + round);
                }
            }
            map = editor.build();
            assertThat(map).isEqualTo(expected);
            assertThat(map.size()).isEqualTo(expected.size());
            for (int probe = 0; probe < 5_000; probe++) {
                int key = random.nextInt(100_000) * (probe % 2 == 0 ? 1 : 4096);
                assertThat(map.get(key)).isEqualTo(expected.get(key));
                assertThat(map.containsKey(key)).isEqualTo(expected.containsKey(key));
            }
            assertThat(map.get("not an integer")).isNull();
            // the previous version is untouched by the edit
            assertThat(before).isEqualTo(expectedBefore);
        }
    }

    /** A map keeping values alone: as a HashMap through edits, a wrong key refused, untouched versions as they were. */
    @Test
    void valueKeyedVersionsAnswerAsAHashMap() {
        Random random = new Random(5);
        Map<String, String> expected = new HashMap<>();
        ShardedMap<String, String> map = ShardedMap.keyedByValue(v -> v.substring(0, v.indexOf('=')));
        for (int round = 0; round < 10; round++) {
            ShardedMap<String, String> before = map;
            Map<String, String> expectedBefore = new HashMap<>(expected);
            ShardedMap.Editor<String, String> editor = map.edit();
            for (int i = 0, changes = round == 0 ? 20_000 : random.nextInt(500); i < changes; i++) {
                String key = "k" + random.nextInt(40_000);
                if (random.nextInt(4) == 0) {
                    editor.remove(key);
                    expected.remove(key);
                } else {
                    editor.put(key, key + "=" + round);
                    expected.put(key, key + "=" + round);
                }
            }
            map = editor.build();
            assertThat(map).isEqualTo(expected);
            assertThat(new HashMap<>(map)).isEqualTo(expected);
            for (int probe = 0; probe < 2_000; probe++) {
                String key = "k" + random.nextInt(40_000);
                assertThat(map.get(key)).isEqualTo(expected.get(key));
                assertThat(map.containsKey(key)).isEqualTo(expected.containsKey(key));
            }
            assertThat(before).isEqualTo(expectedBefore);
        }
        ShardedMap.Editor<String, String> wrong = map.edit();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> wrong.put("a", "b=1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void frozenShardIteratesEveryEntryOnce() {
        Map<String, Integer> source = new HashMap<>();
        for (int i = 0; i < 1_000; i++) {
            source.put("key-" + i, i);
        }
        Map<String, Integer> frozen = ShardedMap.Frozen.copyOf(source);
        Map<String, Integer> seen = new HashMap<>();
        frozen.forEach((k, v) -> assertThat(seen.put(k, v)).isNull());
        assertThat(seen).isEqualTo(source);
        assertThat(frozen.get(null)).isNull();
        assertThat(ShardedMap.Frozen.copyOf(Map.of("a", 1))).containsExactly(Map.entry("a", 1));
    }

    /** Shards keyed by IPv4 addresses only keep them as ints: lookups by any equal address, iteration makes equal keys. */
    @Test
    void ipv4KeyedShardsAnswerAsAHashMap() throws Exception {
        Random random = new Random(4);
        Map<java.net.InetAddress, String> expected = new HashMap<>();
        ShardedMap.Editor<java.net.InetAddress, String> editor = ShardedMap.<java.net.InetAddress, String>empty().edit();
        for (int i = 0; i < 20_000; i++) {
            int a = random.nextInt();
            java.net.InetAddress ip = IpAddresses.v4(a);
            editor.put(ip, "v" + a);
            expected.put(ip, "v" + a);
        }
        ShardedMap<java.net.InetAddress, String> map = editor.build();
        assertThat(map).isEqualTo(expected);
        for (java.net.InetAddress ip : expected.keySet()) {
            assertThat(map.get(IpAddresses.parse(ip.getHostAddress()))).isEqualTo(expected.get(ip));
        }
        assertThat(map.get(IpAddresses.parse("fd00::1"))).isNull();
        assertThat(map.get("not an address")).isNull();
        // IPv6 keys beside them (a dual-stack cluster)
        ShardedMap.Editor<java.net.InetAddress, String> sixes = map.edit();
        Map<java.net.InetAddress, String> mixedExpected = new HashMap<>(expected);
        for (int i = 0; i < 10_000; i++) {
            java.net.InetAddress six = IpAddresses.parse("fd00::" + Integer.toHexString(i));
            sixes.put(six, "six" + i);
            mixedExpected.put(six, "six" + i);
        }
        ShardedMap<java.net.InetAddress, String> mixed = sixes.build();
        assertThat(mixed).isEqualTo(mixedExpected);
        assertThat(mixed.get(IpAddresses.parse("fd00::1"))).isEqualTo("six1");
        assertThat(mixed.size()).isEqualTo(expected.size() + 10_000);
        // one removal: the edited shard is rebuilt, the others stay shared
        java.net.InetAddress gone = expected.keySet().iterator().next();
        ShardedMap<java.net.InetAddress, String> less = map.edit().remove(gone).build();
        assertThat(less.get(gone)).isNull();
        assertThat(map.get(gone)).isEqualTo(expected.get(gone));
        assertThat(less.size()).isEqualTo(expected.size() - 1);
    }

    @Test
    void endpointInfoKeepsTheRecordsEqualityAndText() {
        java.net.InetAddress ip = IpAddresses.parse("10.244.1.5");
        EndpointInfo a = new EndpointInfo(ip, "web-0", "node-1", "z1", true, true, false, "web-0", java.util.List.of("b", "a"), null);
        EndpointInfo b = new EndpointInfo(IpAddresses.parse("10.244.1.5"), "web-0", "node-1", "z1", true, true, false, "web-0",
                java.util.List.of("a", "b"), java.util.List.of());
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.address()).isEqualTo(ip);
        assertThat(a.hasAddress(ip)).isTrue();
        assertThat(a.hasAddress(IpAddresses.parse("10.244.1.6"))).isFalse();
        assertThat(a.family()).isEqualTo(IpFamily.IPV4);
        assertThat(a.toString()).isEqualTo("EndpointInfo[address=/10.244.1.5, hostname=web-0, nodeName=node-1, zone=z1, ready=true,"
                + " serving=true, terminating=false, targetPodName=web-0, zoneHints=[a, b], nodeHints=[]]");
        assertThat(a).isNotEqualTo(new EndpointInfo(ip, "web-0", "node-1", "z1", false, true, false, "web-0"));
        EndpointInfo six = new EndpointInfo(IpAddresses.parse("fd00::5"), null, null, null, false, false, true, null);
        assertThat(six.address()).isEqualTo(IpAddresses.parse("fd00::5"));
        assertThat(six.family()).isEqualTo(IpFamily.IPV6);
        assertThat(six.isIpv4()).isFalse();
        assertThat(six.terminating()).isTrue();
        assertThat(six.ready()).isFalse();
        assertThat(IpAddresses.v4(IpAddresses.v4(IpAddresses.parse("255.1.2.3")))).isEqualTo(IpAddresses.parse("255.1.2.3"));
    }
}
