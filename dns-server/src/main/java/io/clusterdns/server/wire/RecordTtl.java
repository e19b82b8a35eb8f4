package io.clusterdns.server.wire;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Copies of dnsjava records with another TTL (and owner name), which every cache hit needs for
 * every record (and a {@code rewrite ttl} rule for the records it clamps). dnsjava has no public
 * way to do it: its records are immutable outside its
 * package, and re-creating one from rdata parses that rdata again. So the copy is the public
 * {@link Record#withName} clone, and the TTL is set on that fresh copy through dnsjava's own
 * package-private {@code setTTL}, found once. Should a dnsjava release drop that method, records
 * are rebuilt from their wire form instead: slower, still right.
 */
public final class RecordTtl {
    private static final MethodHandle SET_TTL = setTtl();

    private RecordTtl() {
    }

    /** {@code r} with {@code ttl}, owned by {@code name}; {@code r} itself is not changed. */
    public static Record copy(Record r, Name name, long ttl) {
        if (SET_TTL == null) {
            return rebuilt(r, name, ttl);
        }
        Record copy = r.withName(name);
        try {
            SET_TTL.invokeExact(copy, ttl);
        } catch (Throwable e) {
            throw new IllegalStateException("dnsjava Record.setTTL failed", e);
        }
        return copy;
    }

    /** {@code r} with {@code ttl}. */
    public static Record copy(Record r, long ttl) {
        return copy(r, r.getName(), ttl);
    }

    /** The public-API way: the record's wire form with the TTL field patched, parsed again. */
    static Record rebuilt(Record r, Name name, long ttl) {
        byte[] wire = r.withName(name).toWire(Section.ANSWER);
        int at = name.length() + 4;
        wire[at] = (byte) (ttl >>> 24);
        wire[at + 1] = (byte) (ttl >>> 16);
        wire[at + 2] = (byte) (ttl >>> 8);
        wire[at + 3] = (byte) ttl;
        try {
            return Record.fromWire(wire, Section.ANSWER);
        } catch (IOException e) {
            throw new IllegalStateException("re-reading " + r + " failed", e);
        }
    }

    private static MethodHandle setTtl() {
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(Record.class, MethodHandles.lookup());
            return lookup.findVirtual(Record.class, "setTTL", MethodType.methodType(void.class, long.class));
        } catch (ReflectiveOperationException | SecurityException | IllegalArgumentException e) {
            return null;
        }
    }
}
