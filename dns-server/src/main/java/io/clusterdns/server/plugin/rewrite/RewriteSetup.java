package io.clusterdns.server.plugin.rewrite;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.Setup;
import io.clusterdns.server.corefile.Token;
import io.clusterdns.server.plugin.rewrite.Edns0Rule.Action;
import io.clusterdns.server.plugin.rewrite.Edns0Rule.LocalData;
import io.clusterdns.server.plugin.rewrite.NameMatch.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;
import java.util.regex.PatternSyntaxException;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Reads one {@code rewrite} line (CoreDNS 1.12), as CoreDNS reads it:
 *
 * <pre>
 * rewrite [continue|stop] name [exact|prefix|suffix|substring|regex] FROM TO [answer auto|name FROM TO|value FROM TO]...
 * rewrite [continue|stop] type|class FROM TO
 * rewrite [continue|stop] ttl|rcode [exact|prefix|suffix|substring|regex] NAME SECONDS|MIN-MAX / FROM TO
 * rewrite [continue|stop] edns0 local|nsid|subnet set|append|replace|unset ... [revert]
 * rewrite [continue|stop] { RULE WORDS ON SEVERAL LINES }
 * </pre>
 *
 * A block holds the words of one rule (CoreDNS reads it as if on one line), so that a name rule's
 * {@code answer} options may go on the lines after it. {@code cname} rules, metadata variables and
 * {@code {server_ip}} are refused by name.
 */
public final class RewriteSetup {
    private static final String USAGE = "rewrite [continue|stop] name|type|class|ttl|rcode|edns0 ...";

    private RewriteSetup() {
    }

    public static RewriteConfig parse(Directive d) {
        Setup s = new Setup(RewriteConfig.NAME);
        return new RewriteConfig(List.of(rule(s, d, words(s, d))));
    }

    /** The line's words, and those of its block (the words of one rule, as CoreDNS reads them). */
    private static List<Token> words(Setup s, Directive d) {
        if (!d.hasBlock()) {
            return d.args();
        }
        if (d.args().size() > 1) {
            throw s.error(d.args().get(1), null, "a rule on the rewrite line takes no block (a block holds the whole rule: rewrite [continue|stop] { RULE })");
        }
        List<Token> out = new ArrayList<>(d.args());
        for (Directive line : d.children()) {
            if (line.hasBlock()) {
                throw s.error(line.name(), null, "a rule's lines take no block");
            }
            out.add(line.name());
            out.addAll(line.args());
        }
        return out;
    }

    private static Rule rule(Setup s, Directive d, List<Token> words) {
        if (words.isEmpty()) {
            throw s.error(d.name(), null, "no rule given: " + USAGE);
        }
        boolean stop = true;
        int at = 0;
        String first = lower(words.get(0));
        if (first.equals("continue") || first.equals("stop")) {
            stop = first.equals("stop");
            at = 1;
            if (words.size() < 2) {
                throw s.error(words.get(0), null, first + " must be followed by a rule: " + USAGE);
            }
        }
        Token field = words.get(at);
        List<Token> args = words.subList(at + 1, words.size());
        return switch (lower(field)) {
            case "name" -> name(new Field(s, field, "name"), stop, args);
            case "type" -> type(new Field(s, field, "type"), stop, args);
            case "class" -> dclass(new Field(s, field, "class"), stop, args);
            case "ttl" -> ttl(new Field(s, field, "ttl"), stop, args);
            case "rcode" -> rcode(new Field(s, field, "rcode"), stop, args);
            case "edns0" -> edns0(new Field(s, field, "edns0"), stop, args);
            case "answer" -> throw s.error(field, null, "answer rules belong to a name rule: name MATCH FROM TO answer ...");
            case "cname" -> throw s.error(field, "cname", "CNAME target rewrites are not supported by clusterdns (yet)");
            default -> throw s.error(field, null, "invalid rule type \"" + field.text() + "\" (name, type, class, ttl, rcode or edns0)");
        };
    }

    /** The field being read: errors are placed at a word and named {@code rewrite/FIELD}. */
    private record Field(Setup setup, Token at, String name) {
        ConfigException error(Token t, String problem) {
            return setup.error(t, name, problem);
        }

        ConfigException error(String problem) {
            return error(at, problem);
        }
    }

    private static Rule name(Field f, boolean stop, List<Token> args) {
        if (args.size() < 2) {
            throw f.error("too few arguments: name [exact|prefix|suffix|substring|regex] FROM TO [answer ...]");
        }
        Kind kind = args.size() == 2 ? Kind.EXACT : kind(f, args.get(0));
        int from = args.size() == 2 ? 0 : 1;
        NameMatch match = match(f, kind, args.get(from));
        Token toToken = args.get(from + 1);
        String to = kind == Kind.EXACT ? exactName(f, toToken) : normalize(toToken.text());
        if (kind == Kind.REGEX) {
            groups(f, match.regex(), toToken);
        }
        List<Token> options = args.subList(from + 2, args.size());
        List<ResponseRule> answers = new ArrayList<>();
        boolean auto = answers(f, options, answers);
        if (kind == Kind.SUFFIX && auto) {
            // a suffix maps back better by itself: its TO suffix to its FROM on every name (CoreDNS)
            NameMapping back = new NameMapping.Suffix(to, match.text());
            answers.addAll(0, List.of(new ResponseRule.Owner(back), new ResponseRule.Value(back)));
            auto = false;
        }
        // an exact rule always maps its name back (CoreDNS)
        return new Rule.NameRule(stop, match, to, auto || kind == Kind.EXACT, answers);
    }

    /**
     * Reads {@code answer auto | answer name FROM TO | answer value FROM TO}, the word
     * {@code answer} optional after the first, into {@code out}; returns whether {@code auto} was
     * among them.
     */
    private static boolean answers(Field f, List<Token> words, List<ResponseRule> out) {
        boolean auto = false;
        Token explicitName = null;
        int i = 0;
        while (i < words.size()) {
            Token t = words.get(i);
            if (lower(t).equals("answer")) {
                i++;
            } else if (i == 0) {
                throw f.error(t, "unexpected \"" + t.text() + "\": only answer options follow a name rule (one rule per line or block)");
            }
            if (i >= words.size()) {
                throw f.error(t, "answer needs auto, name FROM TO or value FROM TO");
            }
            Token what = words.get(i++);
            String kind = lower(what);
            if (kind.equals("auto")) {
                auto = true;
                continue;
            }
            if (!kind.equals("name") && !kind.equals("value")) {
                throw f.error(what, "invalid answer rule \"" + what.text() + "\" (auto, name FROM TO or value FROM TO)");
            }
            if (words.size() - i < 2) {
                throw f.error(what, "answer " + kind + " needs FROM TO (a regular expression and a name with {N} groups)");
            }
            Token from = words.get(i);
            Token to = words.get(i + 1);
            i += 2;
            Regex regex = regex(f, from);
            groups(f, regex, to);
            NameMapping mapping = new NameMapping.Template(regex, normalize(to.text()));
            if (kind.equals("name")) {
                explicitName = what;
                out.add(new ResponseRule.Owner(mapping));
            } else {
                out.add(new ResponseRule.Value(mapping));
            }
        }
        if (auto && explicitName != null) {
            throw f.error(explicitName, "answer auto cannot be combined with answer name");
        }
        return auto;
    }

    private static Rule type(Field f, boolean stop, List<Token> args) {
        int[] v = fromTo(f, args, "type FROM TO (DNS types such as ANY HINFO)", Type::value);
        return new Rule.TypeRule(stop, v[0], v[1]);
    }

    private static Rule dclass(Field f, boolean stop, List<Token> args) {
        int[] v = fromTo(f, args, "class FROM TO (IN, CH or HS)", DClass::value);
        return new Rule.ClassRule(stop, v[0], v[1]);
    }

    /** The two values of a type or class rule, each read by {@code value} from upper case (-1: not one). */
    private static int[] fromTo(Field f, List<Token> args, String usage, ToIntFunction<String> value) {
        if (args.size() != 2) {
            throw f.error(args.size() > 2 ? args.get(2) : f.at(), "needs exactly two arguments: " + usage);
        }
        int[] out = new int[2];
        for (int i = 0; i < 2; i++) {
            Token t = args.get(i);
            out[i] = value.applyAsInt(t.text().toUpperCase(Locale.ROOT));
            if (out[i] < 0) {
                throw f.error(t, "invalid " + f.name() + " \"" + t.text() + "\"");
            }
        }
        return out;
    }

    private static Rule ttl(Field f, boolean stop, List<Token> args) {
        NameMatch match = leadingMatch(f, args, 1, "[exact|prefix|suffix|substring|regex] NAME SECONDS|MIN-MAX");
        return new Rule.ResponseChange(stop, match, ttlRange(f, args.get(args.size() - 1)));
    }

    /** {@code 30}, {@code 30-300}, {@code 30-} (at most 2^31-1), {@code -30} (from 0), as CoreDNS reads them. */
    private static ResponseRule.Ttl ttlRange(Field f, Token t) {
        String[] parts = t.text().split("-", -1);
        long min;
        long max;
        if (parts.length == 1) {
            min = max = seconds(parts[0]);
        } else if (parts.length == 2 && !(parts[0].isEmpty() && parts[1].isEmpty())) {
            min = parts[0].isEmpty() ? 0 : seconds(parts[0]);
            max = parts[1].isEmpty() ? Integer.MAX_VALUE : seconds(parts[1]);
        } else {
            min = max = -1;
        }
        if (min < 0 || max < 0 || min > max) {
            throw f.error(t, "invalid TTL \"" + t.text() + "\" (SECONDS, MIN-MAX, MIN- or -MAX, MIN at most MAX)");
        }
        return new ResponseRule.Ttl(min, max);
    }

    /** Whole seconds 0..2^32-1 (Go's {@code ParseUint(s, 10, 32)}); -1 otherwise. */
    private static long seconds(String s) {
        if (!s.matches("[0-9]{1,10}")) {
            return -1;
        }
        long v = Long.parseLong(s);
        return v <= 0xFFFF_FFFFL ? v : -1;
    }

    private static Rule rcode(Field f, boolean stop, List<Token> args) {
        NameMatch match = leadingMatch(f, args, 2, "[exact|prefix|suffix|substring|regex] NAME FROM TO");
        int n = args.size();
        return new Rule.ResponseChange(stop, match, new ResponseRule.Rcode(rcodeValue(f, args.get(n - 2)), rcodeValue(f, args.get(n - 1))));
    }

    /** The {@code [MATCH] NAME} before the {@code values} last words of a ttl or rcode rule (exact without MATCH). */
    private static NameMatch leadingMatch(Field f, List<Token> args, int values, String usage) {
        int n = args.size();
        if (n < values + 1 || n > values + 2) {
            throw f.error(n > values + 2 ? args.get(values + 2) : f.at(), "needs " + usage + ", got " + n + " arguments");
        }
        return n == values + 1 ? match(f, Kind.EXACT, args.get(0)) : match(f, kind(f, args.get(0)), args.get(1));
    }

    /** 0..23 or a name ({@code SERVFAIL}), as CoreDNS. */
    private static int rcodeValue(Field f, Token t) {
        String s = t.text();
        int v = s.matches("[0-9]{1,2}") ? Integer.parseInt(s) : Rcode.value(s.toUpperCase(Locale.ROOT));
        if (v < 0 || v > 23) {
            throw f.error(t, "invalid rcode \"" + s + "\" (0..23 or a name such as NOERROR, SERVFAIL, NXDOMAIN, REFUSED)");
        }
        return v;
    }

    private static Rule edns0(Field f, boolean stop, List<Token> args) {
        if (args.size() < 2) {
            throw f.error("too few arguments: edns0 local|nsid|subnet set|append|replace|unset ...");
        }
        Token kind = args.get(0);
        Action action = switch (lower(args.get(1))) {
            case "set" -> Action.SET;
            case "append" -> Action.APPEND;
            case "replace" -> Action.REPLACE;
            case "unset" -> Action.UNSET;
            default -> throw f.error(args.get(1), "invalid action \"" + args.get(1).text() + "\" (set, append, replace or unset)");
        };
        List<Token> rest = args.subList(2, args.size());
        boolean revert = action != Action.UNSET && !rest.isEmpty() && rest.get(rest.size() - 1).text().equals("revert");
        if (revert) {
            rest = rest.subList(0, rest.size() - 1);
        }
        String usage = action == Action.UNSET ? "" : " [revert]";
        switch (lower(kind)) {
            case "local" -> {
                int want = action == Action.UNSET ? 1 : 2;
                if (rest.size() != want) {
                    throw f.error(rest.size() > want ? rest.get(want) : args.get(1), "needs local " + lower(args.get(1))
                            + (want == 1 ? " CODE" : " CODE DATA" + usage));
                }
                int code = code(f, rest.get(0));
                LocalData data = action == Action.UNSET ? LocalData.Fixed.of(new byte[0]) : localData(f, rest.get(1));
                return new Edns0Rule.Local(stop, action, code, data, revert);
            }
            case "nsid" -> {
                if (!rest.isEmpty()) {
                    throw f.error(rest.get(0), "nsid takes no arguments: nsid " + lower(args.get(1)) + usage);
                }
                return new Edns0Rule.Nsid(stop, action, revert);
            }
            case "subnet" -> {
                int want = action == Action.UNSET ? 0 : 2;
                if (rest.size() != want) {
                    throw f.error(rest.size() > want ? rest.get(want) : args.get(1), "needs subnet " + lower(args.get(1))
                            + (want == 0 ? "" : " V4BITS V6BITS" + usage));
                }
                if (action == Action.UNSET) {
                    return new Edns0Rule.Subnet(stop, action, 0, 0, false);
                }
                return new Edns0Rule.Subnet(stop, action, bits(f, rest.get(0), 32), bits(f, rest.get(1), 128), revert);
            }
            default -> throw f.error(kind, "invalid EDNS0 option \"" + kind.text() + "\" (local, nsid or subnet)");
        }
    }

    /** Go's {@code ParseUint(s, 0, 16)}: decimal, {@code 0x} hex, {@code 0o}/leading-0 octal, {@code 0b} binary. */
    private static int code(Field f, Token t) {
        long v = goUint(t.text());
        if (v < 0 || v > 0xFFFF) {
            throw f.error(t, "invalid option code \"" + t.text() + "\" (0..65535, e.g. 0xffee)");
        }
        return (int) v;
    }

    private static int bits(Field f, Token t, int max) {
        long v = goUint(t.text());
        if (v < 0 || v > max) {
            throw f.error(t, "invalid IPv" + (max == 32 ? "4" : "6") + " bit mask length \"" + t.text() + "\" (0.." + max + ")");
        }
        return (int) v;
    }

    /** An unsigned number with Go's base prefixes; -1 when it is none (or too large to matter). */
    private static long goUint(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        int radix = 10;
        String digits = lower;
        if (lower.startsWith("0x")) {
            radix = 16;
            digits = lower.substring(2);
        } else if (lower.startsWith("0b")) {
            radix = 2;
            digits = lower.substring(2);
        } else if (lower.startsWith("0o")) {
            radix = 8;
            digits = lower.substring(2);
        } else if (lower.length() > 1 && lower.startsWith("0")) {
            radix = 8;
            digits = lower.substring(1);
        }
        if (digits.isEmpty() || digits.length() > 17) {
            return -1;
        }
        try {
            return Long.parseLong(digits, radix);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {@code 0x...} hex, a {@code {variable}}, or the text's bytes. */
    private static LocalData localData(Field f, Token t) {
        String s = t.text();
        if (s.startsWith("{") && s.endsWith("}")) {
            for (LocalData.Variable v : LocalData.Variable.values()) {
                if (v.written().equals(s)) {
                    return v;
                }
            }
            if (s.equals("{server_ip}")) {
                throw f.error(t, "{server_ip} is not supported by clusterdns (the local address of a query to a wildcard listener is not known)");
            }
            if (s.contains("/")) {
                throw f.error(t, "metadata variables such as " + s + " are not supported by clusterdns (it has no metadata plugin)");
            }
            throw f.error(t, "unsupported variable " + s + " ({qname}, {qtype}, {client_ip}, {client_port}, {protocol} or {server_port})");
        }
        if (s.startsWith("0x")) {
            try {
                return LocalData.Fixed.of(HexFormat.of().parseHex(s.substring(2)));
            } catch (IllegalArgumentException e) {
                throw f.error(t, "invalid hex data \"" + s + "\"");
            }
        }
        return LocalData.Fixed.of(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Kind kind(Field f, Token t) {
        return switch (lower(t)) {
            case "exact" -> Kind.EXACT;
            case "prefix" -> Kind.PREFIX;
            case "suffix" -> Kind.SUFFIX;
            case "substring" -> Kind.SUBSTRING;
            case "regex" -> Kind.REGEX;
            default -> throw f.error(t, "invalid match type \"" + t.text() + "\" (exact, prefix, suffix, substring or regex)");
        };
    }

    private static NameMatch match(Field f, Kind kind, Token t) {
        return switch (kind) {
            case EXACT -> new NameMatch(kind, exactName(f, t), null);
            case REGEX -> new NameMatch(kind, t.text(), regex(f, t));
            default -> new NameMatch(kind, normalize(t.text()), null);
        };
    }

    /** A whole name: lower-case, absolute, and a valid domain name. */
    private static String exactName(Field f, Token t) {
        return f.setup().zone(t, f.name()).toString();
    }

    private static Regex regex(Field f, Token t) {
        if (t.text().length() > Regex.MAX_LENGTH) {
            throw f.error(t, "regular expression too long: " + t.text().length() + " > " + Regex.MAX_LENGTH + " characters");
        }
        try {
            return Regex.compile(t.text());
        } catch (PatternSyntaxException e) {
            throw f.error(t, "invalid regular expression \"" + t.text() + "\": " + e.getDescription());
        }
    }

    /** A template may only name the groups its expression has. */
    private static void groups(Field f, Regex regex, Token template) {
        int highest = Regex.highestGroup(template.text());
        int groups = regex.pattern().matcher("").groupCount();
        if (highest > groups) {
            throw f.error(template, "\"" + template.text() + "\" uses {" + highest + "} but \"" + regex + "\" has "
                    + groups + " group" + (groups == 1 ? "" : "s"));
        }
    }

    /** CoreDNS's normalization of names and name parts: lower case, a final dot. */
    private static String normalize(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower : lower + ".";
    }

    private static String lower(Token t) {
        return t.text().toLowerCase(Locale.ROOT);
    }
}
