package io.clusterdns.server.plugin.template;

import io.clusterdns.server.plugin.template.GoValues.GoObject;
import io.clusterdns.server.plugin.template.Node.Arg;
import io.clusterdns.server.plugin.template.Node.Bool;
import io.clusterdns.server.plugin.template.Node.Branch;
import io.clusterdns.server.plugin.template.Node.Chain;
import io.clusterdns.server.plugin.template.Node.Command;
import io.clusterdns.server.plugin.template.Node.Dot;
import io.clusterdns.server.plugin.template.Node.Field;
import io.clusterdns.server.plugin.template.Node.Function;
import io.clusterdns.server.plugin.template.Node.Nil;
import io.clusterdns.server.plugin.template.Node.Pipe;
import io.clusterdns.server.plugin.template.Node.Str;
import io.clusterdns.server.plugin.template.Node.Variable;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs a parsed template over one query's data with Go's semantics: pipelines pass their value as
 * the last argument of the next command, fields resolve on the data's structs and maps (a missing
 * map key prints {@code <no value>}), {@code and}/{@code or} stop early, variables live until the
 * {@code {{end}}} of their control structure. Nothing here reads files, calls out or loops without
 * end (no recursion, ranges over finite data); the output stops at {@link #MAX_OUTPUT}.
 */
final class TemplateExecutor {
    /** Longer than any resource record's text could usefully be. */
    static final int MAX_OUTPUT = 65535;
    /** No value passed on from a previous command. */
    private static final Object MISSING = new Object();

    private final StringBuilder out = new StringBuilder();
    private final List<String> names = new ArrayList<>();
    private final List<Object> values = new ArrayList<>();
    /** What was being evaluated, for error texts. */
    private Object at = "";

    private TemplateExecutor() {
    }

    /** The text {@code tree} makes of {@code data}; a {@link TemplateException} says where and why it failed. */
    static String execute(String name, List<Node> tree, Object data) {
        TemplateExecutor e = new TemplateExecutor();
        e.push("$", data);
        try {
            e.walk(data, tree);
        } catch (TemplateException ex) {
            throw new TemplateException("executing " + GoValues.quote(name) + " at <" + e.at + ">: " + ex.getMessage());
        }
        return e.out.toString();
    }

    private void walk(Object dot, List<Node> nodes) {
        for (Node n : nodes) {
            if (n instanceof Node.Text t) {
                write(t.text());
            } else if (n instanceof Node.Action a) {
                Object v = pipeline(dot, a.pipe(), true);
                if (a.pipe().decl().isEmpty()) {
                    write(GoValues.print(v));
                }
            } else {
                branch(dot, (Branch) n);
            }
        }
    }

    private void write(String s) {
        if (out.length() + s.length() > MAX_OUTPUT) {
            throw new TemplateException("output longer than " + MAX_OUTPUT + " bytes");
        }
        out.append(s);
    }

    private void branch(Object dot, Branch b) {
        int scope = names.size();
        if (b.keyword().equals("range")) {
            range(dot, b);
        } else {
            Object v = pipeline(dot, b.pipe(), true);
            if (GoValues.truth(v)) {
                walk(b.keyword().equals("with") ? v : dot, b.list());
            } else if (b.elseList() != null) {
                walk(dot, b.elseList());
            }
        }
        pop(scope);
    }

    private void range(Object dot, Branch b) {
        Object v = pipeline(dot, b.pipe(), false);
        List<Object[]> pairs = new ArrayList<>();
        if (v instanceof List<?> list) {
            for (int k = 0; k < list.size(); k++) {
                pairs.add(new Object[] {BigInteger.valueOf(k), list.get(k)});
            }
        } else if (v instanceof Map<?, ?> map) {
            new TreeMap<>(map).forEach((k, e) -> pairs.add(new Object[] {k, e}));
        } else if (v instanceof BigInteger n) {
            for (int k = 0; k < n.min(BigInteger.valueOf(MAX_OUTPUT)).intValue(); k++) {
                pairs.add(new Object[] {BigInteger.valueOf(k), BigInteger.valueOf(k)});
            }
        } else if (v != null && v != GoValues.NO_VALUE) {
            throw new TemplateException("range can't iterate over " + GoValues.print(v));
        }
        if (pairs.isEmpty() && b.elseList() != null) {
            walk(dot, b.elseList());
        }
        List<String> decl = b.pipe().decl();
        for (Object[] p : pairs) {
            int scope = names.size();
            if (decl.size() == 1) {
                bind(decl.get(0), p[1], b.pipe().assign());
            } else if (decl.size() == 2) {
                bind(decl.get(0), p[0], b.pipe().assign());
                bind(decl.get(1), p[1], b.pipe().assign());
            }
            walk(p[1], b.list());
            pop(scope);
        }
    }

    private Object pipeline(Object dot, Pipe pipe, boolean declare) {
        Object v = MISSING;
        for (Command c : pipe.commands()) {
            v = command(dot, c, v);
        }
        if (declare) {
            for (String d : pipe.decl()) {
                bind(d, v, pipe.assign());
            }
        }
        return v;
    }

    private Object command(Object dot, Command c, Object last) {
        List<Arg> args = c.args();
        Arg first = args.get(0);
        at = first;
        if (first instanceof Field f) {
            return fields(dot, dot, f.names(), args, last);
        }
        if (first instanceof Chain ch) {
            return fields(dot, arg(dot, ch.operand()), ch.fields(), args, last);
        }
        if (first instanceof Function fn) {
            return function(dot, fn.name(), args, last);
        }
        if (first instanceof Variable v) {
            return variable(dot, v, args, last);
        }
        if (args.size() > 1 || last != MISSING) {
            throw new TemplateException("can't give argument to non-function " + first);
        }
        if (first instanceof Nil) {
            throw new TemplateException("nil is not a command");
        }
        return arg(dot, first);
    }

    private Object arg(Object dot, Arg a) {
        at = a;
        if (a instanceof Dot) {
            return dot;
        }
        if (a instanceof Field f) {
            return fields(dot, dot, f.names(), List.of(a), MISSING);
        }
        if (a instanceof Variable v) {
            return variable(dot, v, List.of(a), MISSING);
        }
        if (a instanceof Chain ch) {
            return fields(dot, arg(dot, ch.operand()), ch.fields(), List.of(a), MISSING);
        }
        if (a instanceof Pipe p) {
            return pipeline(dot, p, true);
        }
        if (a instanceof Function fn) {
            return function(dot, fn.name(), List.of(a), MISSING);
        }
        if (a instanceof Str s) {
            return s.value();
        }
        if (a instanceof Node.Number n) {
            return n.value();
        }
        if (a instanceof Bool b) {
            return b.value();
        }
        return null;
    }

    private Object variable(Object dot, Variable v, List<Arg> args, Object last) {
        Object value = lookup(v.name());
        if (v.fields().isEmpty()) {
            if (args.size() > 1 || last != MISSING) {
                throw new TemplateException("can't give argument to non-function " + v);
            }
            return value;
        }
        return fields(dot, value, v.fields(), args, last);
    }

    /** {@code receiver.A.B...}; the last one may be a method taking {@code args} (after the first word) and {@code last}. */
    private Object fields(Object dot, Object receiver, List<String> chain, List<Arg> args, Object last) {
        for (int k = 0; k < chain.size() - 1; k++) {
            receiver = field(dot, chain.get(k), List.of(), MISSING, receiver);
        }
        return field(dot, chain.get(chain.size() - 1), args, last, receiver);
    }

    private Object field(Object dot, String name, List<Arg> args, Object last, Object receiver) {
        boolean hasArgs = args.size() > 1 || last != MISSING;
        if (receiver == null || receiver == GoValues.NO_VALUE) {
            throw new TemplateException("nil data; no entry for key " + GoValues.quote(name));
        }
        if (receiver instanceof Map<?, ?> map) {
            if (hasArgs) {
                throw new TemplateException(name + " is not a method but has arguments");
            }
            Object v = map.get(name);
            return v == null ? GoValues.NO_VALUE : v;
        }
        if (receiver instanceof GoObject o) {
            Object v = o.field(name);
            if (v != GoValues.NOT_FOUND) {
                if (hasArgs) {
                    throw new TemplateException(name + " has arguments but cannot be invoked as function");
                }
                return v;
            }
            v = o.call(name, evaluate(dot, args, last));
            if (v != GoValues.NOT_FOUND) {
                return v;
            }
            throw new TemplateException("can't evaluate field " + name + " in type " + o.goType());
        }
        throw new TemplateException("can't evaluate field " + name + " in type " + GoValues.type(receiver));
    }

    /** The values of {@code args} after the first word, and {@code last} when there is one. */
    private List<Object> evaluate(Object dot, List<Arg> args, Object last) {
        List<Object> out = new ArrayList<>();
        for (Arg a : args.subList(Math.min(1, args.size()), args.size())) {
            out.add(arg(dot, a));
        }
        if (last != MISSING) {
            out.add(last);
        }
        return out;
    }

    private Object function(Object dot, String name, List<Arg> args, Object last) {
        if (name.equals("and") || name.equals("or")) {
            // both stop at the first argument that decides, and evaluate no further
            int n = args.size() - 1 + (last != MISSING ? 1 : 0);
            if (n < 1) {
                throw new TemplateException("wrong number of args for " + name + ": want at least 1 got 0");
            }
            Object v = null;
            for (int k = 1; k <= n; k++) {
                v = k < args.size() ? arg(dot, args.get(k)) : last;
                if (GoValues.truth(v) == name.equals("or")) {
                    return v;
                }
            }
            return v;
        }
        List<Object> v = evaluate(dot, args, last);
        at = args.get(0);
        arity(name, v.size());
        try {
            return call(name, v);
        } catch (TemplateException e) {
            throw new TemplateException("error calling " + name + ": " + e.getMessage());
        }
    }

    /** Go's argument count check, before the call. */
    private static void arity(String name, int n) {
        int want = switch (name) {
            case "not", "len" -> 1;
            case "ne", "lt", "le", "gt", "ge" -> 2;
            case "parseInt" -> 3;
            default -> -1;
        };
        int atLeast = switch (name) {
            case "index", "slice", "printf", "eq" -> 1;
            default -> 0;
        };
        if (want >= 0 && n != want) {
            throw new TemplateException("wrong number of args for " + name + ": want " + want + " got " + n);
        }
        if (n < atLeast) {
            throw new TemplateException("wrong number of args for " + name + ": want at least " + atLeast + " got " + n);
        }
    }

    private static Object call(String name, List<Object> v) {
        return switch (name) {
            case "not" -> !GoValues.truth(v.get(0));
            case "len" -> GoValues.length(v.get(0));
            case "index" -> index(v);
            case "slice" -> slice(v);
            case "print" -> print(v);
            case "println" -> String.join(" ", v.stream().map(GoValues::print).toList()) + "\n";
            case "printf" -> GoFormat.sprintf(string(v.get(0)), v.subList(1, v.size()));
            case "eq" -> eq(v);
            case "ne" -> !GoValues.equal(v.get(0), v.get(1));
            case "lt" -> GoValues.compare(v.get(0), v.get(1)) < 0;
            case "le" -> GoValues.compare(v.get(0), v.get(1)) <= 0;
            case "gt" -> GoValues.compare(v.get(0), v.get(1)) > 0;
            case "ge" -> GoValues.compare(v.get(0), v.get(1)) >= 0;
            case "parseInt" -> parseUint(v);
            default -> throw new TemplateException("function " + GoValues.quote(name) + " not defined");
        };
    }




    private static String string(Object v) {
        if (v instanceof String s) {
            return s;
        }
        throw new TemplateException("wrong type for value; expected string; got " + GoValues.type(v));
    }

    private static int integer(Object v) {
        if (v instanceof BigInteger n) {
            return n.bitLength() < 32 ? n.intValue() : Integer.MAX_VALUE;
        }
        throw new TemplateException("wrong type for value; expected int; got " + GoValues.type(v));
    }

    /** Go's {@code fmt.Sprint}: a space between operands when neither is a string. */
    private static String print(List<Object> v) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < v.size(); k++) {
            if (k > 0 && !(v.get(k) instanceof String) && !(v.get(k - 1) instanceof String)) {
                b.append(' ');
            }
            b.append(GoValues.print(v.get(k)));
        }
        return b.toString();
    }

    private static boolean eq(List<Object> v) {
        if (v.size() < 2) {
            throw new TemplateException("missing argument for comparison");
        }
        for (Object other : v.subList(1, v.size())) {
            if (GoValues.equal(v.get(0), other)) {
                return true;
            }
        }
        return false;
    }

    private static Object index(List<Object> v) {
        Object item = v.get(0);
        for (Object i : v.subList(1, v.size())) {
            if (item == null || item == GoValues.NO_VALUE) {
                throw new TemplateException("index of untyped nil");
            }
            if (item instanceof Map<?, ?> map) {
                Object e = map.get(string(i));
                item = e == null ? "" : e;
            } else if (item instanceof List<?> list) {
                item = list.get(checked(i, list.size()));
            } else if (item instanceof String s) {
                item = BigInteger.valueOf(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)[checked(i, GoValues.length(s).intValue())] & 0xFF);
            } else {
                throw new TemplateException("can't index item of type " + GoValues.type(item));
            }
        }
        return item;
    }

    private static int checked(Object i, int size) {
        if (!(i instanceof BigInteger n)) {
            throw new TemplateException("cannot index slice/array with type " + GoValues.type(i));
        }
        if (n.signum() < 0 || n.compareTo(BigInteger.valueOf(size)) >= 0) {
            throw new TemplateException("index out of range: " + n);
        }
        return n.intValue();
    }

    private static Object slice(List<Object> v) {
        Object item = v.get(0);
        if (v.size() > 3) {
            throw new TemplateException("too many slice indexes: " + (v.size() - 1));
        }
        int size = item instanceof String s ? s.length() : item instanceof List<?> l ? l.size() : -1;
        if (size < 0) {
            throw new TemplateException("can't slice item of type " + GoValues.type(item));
        }
        int from = v.size() > 1 ? integer(v.get(1)) : 0;
        int to = v.size() > 2 ? integer(v.get(2)) : size;
        if (from < 0 || to > size || from > to) {
            throw new TemplateException("index out of range: " + (from < 0 || from > to ? from : to));
        }
        return item instanceof String s ? s.substring(from, to) : List.copyOf(((List<?>) item).subList(from, to));
    }

    /** CoreDNS's {@code parseInt}: Go's {@code strconv.ParseUint(s, base, bitSize)}. */
    private static BigInteger parseUint(List<Object> v) {
        String s = string(v.get(0));
        int base = integer(v.get(1));
        int bits = integer(v.get(2));
        String fail = "strconv.ParseUint: parsing " + GoValues.quote(s) + ": ";
        if (bits == 0) {
            bits = 64;
        } else if (bits < 0 || bits > 64) {
            throw new TemplateException(fail + "invalid bit size " + bits);
        }
        String digits = s;
        if (base == 0) {
            String lower = s.toLowerCase(Locale.ROOT);
            base = 10;
            if (lower.startsWith("0x") || lower.startsWith("0o") || lower.startsWith("0b")) {
                base = lower.charAt(1) == 'x' ? 16 : lower.charAt(1) == 'o' ? 8 : 2;
                digits = s.substring(2);
            } else if (s.length() > 1 && s.startsWith("0")) {
                base = 8;
                digits = s.substring(1);
            }
            digits = digits.replace("_", "");
        } else if (base < 2 || base > 36) {
            throw new TemplateException(fail + "invalid base " + base);
        }
        BigInteger n;
        try {
            if (digits.isEmpty() || digits.startsWith("+") || digits.startsWith("-")) {
                throw new NumberFormatException();
            }
            n = new BigInteger(digits, base);
        } catch (NumberFormatException e) {
            throw new TemplateException(fail + "invalid syntax");
        }
        if (n.bitLength() > bits) {
            throw new TemplateException(fail + "value out of range");
        }
        return n;
    }

    private void bind(String name, Object value, boolean assign) {
        if (!assign) {
            push(name, value);
            return;
        }
        int k = names.lastIndexOf(name);
        if (k < 0) {
            throw new TemplateException("undefined variable: " + name);
        }
        values.set(k, value);
    }

    private void push(String name, Object value) {
        names.add(name);
        values.add(value);
    }

    private Object lookup(String name) {
        int k = names.lastIndexOf(name);
        if (k < 0) {
            throw new TemplateException("undefined variable: " + name);
        }
        return values.get(k);
    }

    private void pop(int size) {
        names.subList(size, names.size()).clear();
        values.subList(size, values.size()).clear();
    }
}
