package io.clusterdns.server.plugin.rewrite;

import io.clusterdns.server.wire.RecordTtl;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * What a rule that matched the question does to the response: names mapped back, TTLs clamped,
 * the rcode replaced. The response's rules apply to every record of the answer, authority and
 * additional sections (the OPT record aside), the last matched rule's first, as CoreDNS reverts
 * them.
 */
sealed interface ResponseRule {

    /** {@code r}, or a copy with what this rule changes. */
    default Record apply(Record r) {
        return r;
    }

    /** The response's rcode after this rule. */
    default int rcode(int rcode) {
        return rcode;
    }

    /** Owner names ({@code answer name}, and the owner half of {@code answer auto}). */
    record Owner(NameMapping mapping) implements ResponseRule {
        @Override
        public Record apply(Record r) {
            String name = r.getName().toString();
            String mapped = mapping.map(name);
            return mapped.equals(name) ? r : r.withName(InvalidName.parse(mapped));
        }
    }

    /** The name in a record's data ({@code answer value}, and the data half of {@code answer auto}). */
    record Value(NameMapping mapping) implements ResponseRule {
        @Override
        public Record apply(Record r) {
            Name target = RecordTargets.of(r);
            if (target == null) {
                return r;
            }
            String name = target.toString();
            String mapped = mapping.map(name);
            return mapped.equals(name) ? r : RecordTargets.with(r, InvalidName.parse(mapped));
        }
    }

    /** A {@code ttl} rule: TTLs below {@code min} become {@code min}, above {@code max} become {@code max}. */
    record Ttl(long min, long max) implements ResponseRule {
        @Override
        public Record apply(Record r) {
            long ttl = r.getTTL();
            long clamped = Math.max(min, Math.min(max, ttl));
            return clamped == ttl ? r : RecordTtl.copy(r, clamped);
        }
    }

    /** An {@code rcode} rule: the response's rcode {@code from} becomes {@code to}. */
    record Rcode(int from, int to) implements ResponseRule {
        @Override
        public int rcode(int rcode) {
            return rcode == from ? to : rcode;
        }
    }
}
