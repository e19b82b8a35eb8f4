package io.clusterdns.server.plugin.rewrite;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.Address;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.NSIDOption;

/**
 * {@code edns0 local|nsid|subnet ACTION ...}: an EDNS(0) option of the query is set, added,
 * replaced or removed, so the next plugins (forward's upstream) see it. The query gets an OPT
 * record when it had none and an option is added. An option matches by its code.
 */
sealed interface Edns0Rule extends Rule permits Edns0Rule.Local, Edns0Rule.Nsid, Edns0Rule.Subnet {

    /**
     * {@code set} replaces the first option with the code or adds one, {@code append} adds one when
     * the query has none, {@code replace} replaces the first when it has one, {@code unset} removes
     * them all. A rule whose action does nothing (append to a query that has the option, replace
     * in one that has not) did not match.
     */
    enum Action { SET, APPEND, REPLACE, UNSET }

    Action action();

    /** The option's code. */
    int code();

    /** The option this rule writes into this query. */
    EDNSOption option(Rewriting r);

    /**
     * {@code revert}: CoreDNS takes the option out of the response again. Responses from
     * clusterdns never carry the query's options (the server writes its own OPT record), so the
     * flag changes nothing; it is kept so that such lines read.
     */
    boolean revert();

    @Override
    default boolean apply(Rewriting r) {
        List<EDNSOption> options = r.options();
        int at = -1;
        for (int i = 0; i < options.size() && at < 0; i++) {
            at = options.get(i).getCode() == code() ? i : -1;
        }
        switch (action()) {
            case UNSET -> {
                if (options.removeIf(o -> o.getCode() == code())) {
                    r.optionsEdited();
                }
                return true;
            }
            case REPLACE -> {
                if (at < 0) {
                    return false;
                }
                options.set(at, option(r));
            }
            case APPEND -> {
                if (at >= 0) {
                    return false;
                }
                options.add(option(r));
            }
            case SET -> {
                if (at < 0) {
                    options.add(option(r));
                } else {
                    options.set(at, option(r));
                }
            }
        }
        r.optionsEdited();
        return true;
    }

    /** {@code edns0 local ACTION CODE DATA}: a local (or any) option with fixed or per-query data. */
    record Local(boolean stop, Action action, int code, LocalData data, boolean revert) implements Edns0Rule {
        @Override
        public EDNSOption option(Rewriting r) {
            return new GenericEDNSOption(code, data.bytes(r));
        }
    }

    /** {@code edns0 nsid ACTION}: an empty NSID option, asking the upstream to name itself (RFC 5001). */
    record Nsid(boolean stop, Action action, boolean revert) implements Edns0Rule {
        @Override
        public int code() {
            return EDNSOption.Code.NSID;
        }

        @Override
        public EDNSOption option(Rewriting r) {
            return new NSIDOption(new byte[0]);
        }
    }

    /** {@code edns0 subnet ACTION V4BITS V6BITS}: the client's address cut to its subnet (RFC 7871, scope 0). */
    record Subnet(boolean stop, Action action, int v4Bits, int v6Bits, boolean revert) implements Edns0Rule {
        @Override
        public int code() {
            return EDNSOption.Code.CLIENT_SUBNET;
        }

        @Override
        public EDNSOption option(Rewriting r) {
            InetAddress client = r.request().client().getAddress();
            int bits = client instanceof Inet4Address ? v4Bits : v6Bits;
            return new ClientSubnetOption(bits, Address.truncate(client, bits));
        }
    }

    /** A local option's data: fixed bytes, or one of CoreDNS's variables. */
    sealed interface LocalData permits LocalData.Fixed, LocalData.Variable {

        byte[] bytes(Rewriting r);

        /** Fixed data, kept as hex so that configs compare. */
        record Fixed(String hex) implements LocalData {
            static Fixed of(byte[] data) {
                return new Fixed(HexFormat.of().formatHex(data));
            }

            @Override
            public byte[] bytes(Rewriting r) {
                return HexFormat.of().parseHex(hex);
            }
        }

        /** CoreDNS's variables, written {@code {qname}} and so on; numbers and addresses in network byte order. */
        enum Variable implements LocalData {
            /** The question's name as rewritten so far, as text. */
            QNAME,
            /** The question's type, 2 bytes. */
            QTYPE,
            /** The client's address, 4 or 16 bytes. */
            CLIENT_IP,
            /** The client's port, 2 bytes. */
            CLIENT_PORT,
            /** {@code udp} or {@code tcp}. */
            PROTOCOL,
            /** The port the query arrived on, 2 bytes. */
            SERVER_PORT;

            /** {@code {qname}}, as written in a Corefile. */
            String written() {
                return "{" + name().toLowerCase(Locale.ROOT) + "}";
            }

            @Override
            public byte[] bytes(Rewriting r) {
                return switch (this) {
                    case QNAME -> r.name().getBytes(StandardCharsets.UTF_8);
                    case QTYPE -> twoBytes(r.type());
                    case CLIENT_IP -> r.request().client().getAddress().getAddress();
                    case CLIENT_PORT -> twoBytes(r.request().client().getPort());
                    case PROTOCOL -> r.request().transport().name().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
                    case SERVER_PORT -> twoBytes(r.request().listener().address().port());
                };
            }

            private static byte[] twoBytes(int value) {
                return new byte[] {(byte) (value >>> 8), (byte) value};
            }
        }
    }
}
