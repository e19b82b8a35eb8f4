package io.clusterdns.server.plugin.template;

import io.clusterdns.server.plugin.template.GoValues.GoObject;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * What a template sees of one query, by CoreDNS's names ({@code templateData}): {@code .Zone},
 * {@code .Name} (lower-case, absolute), {@code .Regex}, {@code .Match}, {@code .Group},
 * {@code .Class}, {@code .Type}, {@code .Message}, {@code .Question}, {@code .Remote} and the method
 * {@code .Meta}. clusterdns has no metadata plugin, so {@code .Meta "..."} is always empty, as in
 * CoreDNS without one.
 *
 * @param group the regex's groups by number ({@code "0"} the whole match) and by name
 */
record QueryData(String zone, String name, String regex, List<String> match, Map<String, String> group, String dclass, String type,
                 Message message, String remote) implements GoObject {

    @Override
    public String goType() {
        return "*template.templateData";
    }

    @Override
    public Object field(String field) {
        return switch (field) {
            case "Zone" -> zone;
            case "Name" -> name;
            case "Regex" -> regex;
            case "Match" -> match;
            case "Group" -> group;
            case "Class" -> dclass;
            case "Type" -> type;
            case "Message" -> new GoMessage(message);
            case "Question" -> new GoQuestion(message.getQuestion());
            case "Remote" -> remote;
            default -> GoValues.NOT_FOUND;
        };
    }

    @Override
    public Object call(String method, List<Object> args) {
        if (!method.equals("Meta")) {
            return GoValues.NOT_FOUND;
        }
        if (args.size() != 1) {
            throw new TemplateException("wrong number of args for Meta: want 1 got " + args.size());
        }
        if (!(args.get(0) instanceof String)) {
            throw new TemplateException("wrong type for value; expected string; got " + GoValues.type(args.get(0)));
        }
        return "";
    }

    @Override
    public String print() {
        return "&{" + String.join(" ", zone, name, regex, GoValues.print(match), GoValues.print(group), dclass, type,
                new GoMessage(message).print(), new GoQuestion(message.getQuestion()).print(), remote) + "}";
    }

    /** miekg/dns's {@code Class.String()}: the mnemonic, or {@code CLASS<n>}. */
    static String className(int dclass) {
        return switch (dclass) {
            case 1 -> "IN";
            case 2 -> "CS";
            case 3 -> "CH";
            case 4 -> "HS";
            case 254 -> "NONE";
            case 255 -> "ANY";
            default -> "CLASS" + dclass;
        };
    }

    /** The query as a {@code *dns.Msg}: its header fields and sections. Printed as dnsjava prints a message. */
    record GoMessage(Message m) implements GoObject {
        @Override
        public String goType() {
            return "*dns.Msg";
        }

        @Override
        public Object field(String name) {
            Header h = m.getHeader();
            return switch (name) {
                case "Id" -> BigInteger.valueOf(h.getID());
                case "Response" -> h.getFlag(Flags.QR);
                case "Opcode" -> BigInteger.valueOf(h.getOpcode());
                case "Authoritative" -> h.getFlag(Flags.AA);
                case "Truncated" -> h.getFlag(Flags.TC);
                case "RecursionDesired" -> h.getFlag(Flags.RD);
                case "RecursionAvailable" -> h.getFlag(Flags.RA);
                case "Zero" -> h.getFlag(9);
                case "AuthenticatedData" -> h.getFlag(Flags.AD);
                case "CheckingDisabled" -> h.getFlag(Flags.CD);
                case "Rcode" -> BigInteger.valueOf(h.getRcode());
                case "Compress" -> false;
                case "Question" -> List.of(new GoQuestion(m.getQuestion()));
                case "Answer" -> records(Section.ANSWER);
                case "Ns" -> records(Section.AUTHORITY);
                case "Extra" -> records(Section.ADDITIONAL);
                default -> GoValues.NOT_FOUND;
            };
        }

        private List<Object> records(int section) {
            return m.getSection(section).stream().<Object>map(GoRecord::new).toList();
        }

        @Override
        public String print() {
            return m.toString();
        }
    }

    /** The question as a {@code *dns.Question}: {@code Name} as asked, {@code Qtype}, {@code Qclass}. */
    record GoQuestion(Record q) implements GoObject {
        @Override
        public String goType() {
            return "*dns.Question";
        }

        @Override
        public Object field(String name) {
            return switch (name) {
                case "Name" -> q.getName().toString();
                case "Qtype" -> BigInteger.valueOf(q.getType());
                case "Qclass" -> BigInteger.valueOf(q.getDClass());
                default -> GoValues.NOT_FOUND;
            };
        }

        /** miekg/dns's {@code Question.String()}. */
        @Override
        public String print() {
            return ";" + q.getName() + "\t" + className(q.getDClass()) + "\t " + Type.string(q.getType());
        }
    }

    /** A record of the query (its OPT, mostly), printed as miekg/dns prints an RR. */
    record GoRecord(Record r) implements GoObject {
        @Override
        public String goType() {
            return "dns.RR";
        }

        @Override
        public Object field(String name) {
            return GoValues.NOT_FOUND;
        }

        @Override
        public String print() {
            return r.getName() + "\t" + r.getTTL() + "\t" + className(r.getDClass()) + "\t" + Type.string(r.getType()) + "\t"
                    + r.rdataToString();
        }
    }
}
