package io.clusterdns.server.plugin.rrl;

import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.chain.WrappingWriter;
import io.clusterdns.server.chain.Zones;
import io.clusterdns.server.wire.Responses;
import io.clusterdns.server.wire.Transport;
import java.util.List;
import java.util.function.LongSupplier;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * The {@code rrl} plugin: per client prefix, requests over {@code requests-per-second} are dropped
 * before anything else runs, and responses over their category's allowance (BIND's response rate
 * limiting) are dropped on their way out, every {@code slip-ratio}th of them sent instead as an
 * empty truncated answer (TC=1), so that a real client retries over TCP and gets its answer while
 * a spoofed flood gets nothing worth reflecting. TCP queries are never limited: their source
 * cannot be spoofed, and they are where slipped clients go. Names outside the line's zones pass,
 * and so do the lookups plugins make of the server itself for a client's answer.
 *
 * <p>Tokens, as BIND's: positive answers by name and type, NODATA by name, NXDOMAIN and referrals
 * by the zone in the authority section (so an NXDOMAIN storm of search-path names, each one
 * different, is one account per client), errors all together.
 */
public final class RrlPlugin implements Plugin {
    private final RrlConfig config;
    private final Name[] zones;
    private final AccountTable table;
    private final RrlMetrics metrics;
    private final LongSupplier clock;
    private final long[] intervals = new long[Kind.values().length];
    private final boolean limitsResponses;

    /** @param clock nanoseconds, {@link System#nanoTime} (a test's own clock in tests) */
    public RrlPlugin(RrlConfig config, AccountTable table, RrlMetrics metrics, LongSupplier clock) {
        this.config = config;
        this.zones = config.zones().toArray(Name[]::new);
        this.table = table;
        this.metrics = metrics;
        this.clock = clock;
        intervals[Kind.REQUEST.ordinal()] = config.requests();
        intervals[Kind.RESPONSE.ordinal()] = config.responses();
        intervals[Kind.NODATA.ordinal()] = config.nodata();
        intervals[Kind.NXDOMAIN.ordinal()] = config.nxdomains();
        intervals[Kind.REFERRAL.ordinal()] = config.referrals();
        intervals[Kind.ERROR.ordinal()] = config.errors();
        this.limitsResponses = config.responses() + config.nodata() + config.nxdomains() + config.referrals() + config.errors() > 0;
    }

    @Override
    public String name() {
        return RrlConfig.NAME;
    }

    @Override
    public void serve(Request request, ResponseWriter writer, Chain next) {
        // a lookup a plugin makes for its answer (a CNAME's target) is part of the client's one answer, counted once
        if (request.transport() == Transport.TCP || request.lookup().nested() || !Zones.holds(zones, request.qname())) {
            next.serve(request, writer);
            return;
        }
        ClientPrefix client = ClientPrefix.of(request.client().getAddress(), config.ipv4PrefixLength(), config.ipv6PrefixLength());
        long requests = config.requests();
        if (requests != 0) {
            AccountTable.Verdict v = table.debit(new AccountTable.Token(client, Kind.REQUEST, 0, null), requests, clock.getAsLong());
            // a request dropped has no response to slip
            if (v != AccountTable.Verdict.ALLOW) {
                metrics.limited(Kind.REQUEST, config.reportOnly() ? RrlMetrics.Action.REPORTED : RrlMetrics.Action.DROPPED, client);
                if (!config.reportOnly()) {
                    writer.drop();
                    return;
                }
            }
        }
        next.serve(request, limitsResponses ? new Limiting(writer, request, client) : writer);
    }

    /** Counts the response on its way out, and drops or slips it when over its allowance. */
    private final class Limiting extends WrappingWriter {
        private final Request request;
        private final ClientPrefix client;

        Limiting(ResponseWriter next, Request request, ClientPrefix client) {
            super(next);
            this.request = request;
            this.client = client;
        }

        @Override
        public int write(Message response) {
            Kind kind = Kind.of(response);
            return switch (verdict(kind, token(kind, response))) {
                case ALLOW -> next.write(response);
                case DROP -> next.drop();
                case SLIP -> next.write(slip(response.getRcode(), response.getHeader().getFlag(Flags.AA)));
            };
        }

        @Override
        public int fail(int rcode, String error) {
            Kind kind = Kind.ofRcode(rcode, null);
            return switch (verdict(kind, token(kind, null))) {
                case ALLOW -> next.fail(rcode, error);
                case DROP -> next.drop();
                case SLIP -> next.write(slip(rcode, false));
            };
        }

        private AccountTable.Token token(Kind kind, Message response) {
            return switch (kind) {
                case RESPONSE -> new AccountTable.Token(client, kind, request.qtype(), request.qname());
                case NODATA -> new AccountTable.Token(client, kind, 0, request.qname());
                case NXDOMAIN -> new AccountTable.Token(client, kind, 0, authority(response));
                case REFERRAL -> new AccountTable.Token(client, kind, request.qtype(), authority(response));
                case ERROR, REQUEST -> new AccountTable.Token(client, kind, 0, null);
            };
        }

        /** ALLOW, or what to do with a response over the limit (always ALLOW in report-only mode). */
        private AccountTable.Verdict verdict(Kind kind, AccountTable.Token token) {
            long interval = intervals[kind.ordinal()];
            if (interval == 0) {
                return AccountTable.Verdict.ALLOW;
            }
            AccountTable.Verdict v = table.debit(token, interval, clock.getAsLong());
            if (v == AccountTable.Verdict.ALLOW) {
                return v;
            }
            if (config.reportOnly()) {
                metrics.limited(kind, RrlMetrics.Action.REPORTED, client);
                return AccountTable.Verdict.ALLOW;
            }
            metrics.limited(kind, v == AccountTable.Verdict.SLIP ? RrlMetrics.Action.SLIPPED : RrlMetrics.Action.DROPPED, client);
            return v;
        }

        /** The answer sent in place of a dropped one: header and question only, TC set. */
        private Message slip(int rcode, boolean authoritative) {
            Message m = Responses.start(request.message(), rcode);
            m.getHeader().setFlag(Flags.TC);
            if (authoritative) {
                m.getHeader().setFlag(Flags.AA);
            }
            return m;
        }
    }

    /** The owner of the first authority record (the zone of an NXDOMAIN's SOA); null when there is none. */
    private static Name authority(Message response) {
        if (response == null) {
            return null;
        }
        List<Record> authority = response.getSection(Section.AUTHORITY);
        return authority.isEmpty() ? null : authority.get(0).getName();
    }
}
