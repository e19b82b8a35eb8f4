package io.clusterdns.k8s.model;

import java.util.List;
import java.util.Map;

/**
 * One instance per distinct value for the fields whose values repeat across a whole cluster
 * (namespaces, node and zone names, port names, IP family lists, the default session affinity, Pod
 * label maps),
 * while every parsed or decoded object brings copies of its own: at 50,000 services and 150,000
 * endpoints the copies cost megabytes in every snapshot. Strings go to the JVM's string table,
 * whose entries are collected with the last reference, so a value that stops being used costs
 * nothing. Fields that are unique per object (object names, addresses) are not passed through
 * here: sharing them saves nothing.
 */
public final class SharedValues {
    private static final List<IpFamily> V4 = List.of(IpFamily.IPV4);
    private static final List<IpFamily> V6 = List.of(IpFamily.IPV6);
    private static final List<IpFamily> V4_V6 = List.of(IpFamily.IPV4, IpFamily.IPV6);
    private static final List<IpFamily> V6_V4 = List.of(IpFamily.IPV6, IpFamily.IPV4);

    /** Port lists, label maps and model classes' shared parts in use; a value no object holds any more is dropped. */
    private static final WeakInterner SHARED = new WeakInterner();

    private SharedValues() {
    }

    /**
     * The shared instance of an immutable port list (a service's, a slice's, a pod's container
     * ports): a cluster has few distinct ones (http 80 to 8080 behind thousands of services), and
     * each copy costs a list and its records (88 bytes for one service port).
     */
    public static <T> List<T> ports(List<T> immutable) {
        return immutable.isEmpty() ? List.of() : shared(immutable);
    }

    /**
     * The shared instance of a label map, immutable and compact ({@link CompactLabels}): the Pods
     * of one ReplicaSet carry equal labels (app, pod-template-hash), and a copy cost about 80 bytes
     * per Pod (the map and its table; the strings are shared already). An entry here costs about
     * as much as one copy, so this saves wherever two or more Pods share their labels.
     */
    public static Map<String, String> labels(Map<String, String> labels) {
        return labels.isEmpty() ? Map.of() : shared(CompactLabels.copyOf(labels));
    }

    /** The shared instance of an immutable value equal to {@code immutable} (a model class's shared part). */
    static <T> T shared(T immutable) {
        return SHARED.intern(immutable);
    }

    /** The shared instance of a string that repeats across objects; null stays null. */
    public static String name(String value) {
        return value == null ? null : value.intern();
    }

    /** An immutable list of {@code families}, shared for the four lists a service can have. */
    public static List<IpFamily> families(List<IpFamily> given) {
        List<IpFamily> families = List.copyOf(given);
        if (families.size() == 1) {
            return families.get(0) == IpFamily.IPV4 ? V4 : V6;
        }
        if (families.size() == 2 && families.get(0) != families.get(1)) {
            return families.get(0) == IpFamily.IPV4 ? V4_V6 : V6_V4;
        }
        return families;
    }
}
