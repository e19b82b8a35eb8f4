package io.clusterdns.k8s.persist;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.ImportedSliceInfo;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.NodeInfo;
import io.clusterdns.k8s.model.ServiceCidrInfo;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.model.ServiceImportInfo;
import io.clusterdns.k8s.model.ServiceInfo;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Snapshots whose records have every component set, made by reflection over the record
 * components: a component added to a model record is filled here without anyone touching this
 * class, so the round trip shows at once whether the codec carries it. Seeded: the same seed
 * makes the same snapshot.
 */
final class GeneratedSnapshots {
    private final Random random;

    GeneratedSnapshots(long seed) {
        this.random = new Random(seed);
    }

    ClusterSnapshot snapshot(int perKind) {
        return new ClusterSnapshot(1 + random.nextInt(1000), instant(), many(ServiceInfo.class, perKind),
                many(EndpointSliceInfo.class, perKind), many(PodInfo.class, perKind), many(NamespaceInfo.class, perKind),
                many(ServiceImportInfo.class, perKind), many(ImportedSliceInfo.class, perKind), many(NodeInfo.class, perKind),
                many(ServiceCidrInfo.class, perKind));
    }

    private <T> List<T> many(Class<T> type, int n) {
        List<T> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(type.cast(value(type)));
        }
        return out;
    }

    /** A value of {@code type}, never null. */
    Object value(Type type) {
        if (type instanceof ParameterizedType p) {
            Type raw = p.getRawType();
            Type[] args = p.getActualTypeArguments();
            if (raw == List.class) {
                List<Object> list = new ArrayList<>();
                for (int i = 1 + random.nextInt(3); i > 0; i--) {
                    list.add(value(args[0]));
                }
                return list;
            }
            if (raw == Map.class) {
                Map<Object, Object> map = new HashMap<>();
                for (int i = 1 + random.nextInt(3); i > 0; i--) {
                    map.put(value(args[0]), value(args[1]));
                }
                return map;
            }
            throw new IllegalArgumentException("no generator for " + type + ": teach GeneratedSnapshots (and SnapshotCodec) this type");
        }
        Class<?> c = (Class<?>) type;
        if (c == String.class) {
            // non-ASCII on purpose: the string table is UTF-8
            return "s" + random.nextInt(5000) + (random.nextInt(4) == 0 ? "-ü" : "");
        }
        if (c == int.class || c == Integer.class) {
            // 1..65535 is valid for every number in the model (ports, node ports, timeouts)
            return 1 + random.nextInt(65535);
        }
        if (c == long.class || c == Long.class) {
            return random.nextLong();
        }
        if (c == boolean.class || c == Boolean.class) {
            return random.nextBoolean();
        }
        if (c == InetAddress.class) {
            byte[] raw = new byte[random.nextBoolean() ? 4 : 16];
            random.nextBytes(raw);
            try {
                return InetAddress.getByAddress(raw);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        if (c == Instant.class) {
            return instant();
        }
        if (c.isEnum()) {
            Object[] constants = c.getEnumConstants();
            return constants[random.nextInt(constants.length)];
        }
        if (c.isRecord()) {
            RecordComponent[] components = c.getRecordComponents();
            Class<?>[] types = new Class<?>[components.length];
            Object[] args = new Object[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                args[i] = value(components[i].getGenericType());
            }
            try {
                Constructor<?> canonical = c.getDeclaredConstructor(types);
                return canonical.newInstance(args);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot make a " + c.getSimpleName() + ": " + e.getCause(), e);
            }
        }
        if (SnapshotCodecTest.modelValue(c)) {
            // a model value class that is not a record (EndpointInfo): its widest constructor
            Constructor<?> widest = SnapshotCodecTest.widestConstructor(c);
            List<Type> types = SnapshotCodecTest.componentTypes(c);
            Object[] args = new Object[types.size()];
            for (int i = 0; i < args.length; i++) {
                args[i] = value(types.get(i));
            }
            try {
                return widest.newInstance(args);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot make a " + c.getSimpleName() + ": " + e.getCause(), e);
            }
        }
        throw new IllegalArgumentException("no generator for " + type + ": teach GeneratedSnapshots (and SnapshotCodec) this type");
    }

    private Instant instant() {
        return Instant.ofEpochSecond(random.nextInt(2_000_000_000), random.nextInt(1_000_000_000));
    }
}
