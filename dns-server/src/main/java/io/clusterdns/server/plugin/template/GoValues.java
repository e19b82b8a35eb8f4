package io.clusterdns.server.plugin.template;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Template values and Go's rules for them. A value is a {@link String}, a {@link BigInteger} (every
 * Go integer kind), a {@link Boolean}, a {@link List} (a slice), a {@link Map} with string keys, a
 * {@link GoObject} (a struct pointer: the query data, the DNS message), {@code null} (Go's nil) or
 * {@link #NO_VALUE} (a missing map entry, printed {@code <no value>}).
 */
final class GoValues {
    /** Go's invalid reflect.Value: what {@code .Group.missing} gives. */
    static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "<no value>";
        }
    };

    private GoValues() {
    }

    /** A struct pointer of the data: fields and methods by their Go names. */
    interface GoObject {
        /** Go's name of the type in error texts, e.g. {@code *template.templateData}. */
        String goType();

        /** The exported field {@code name}, or {@link #NOT_FOUND}. */
        Object field(String name);

        /** Calls the method {@code name}; {@link #NOT_FOUND} when there is none. */
        default Object call(String name, List<Object> args) {
            return NOT_FOUND;
        }

        /** What {@code fmt} prints for it. */
        String print();
    }

    /** No such field or method. */
    static final Object NOT_FOUND = new Object();

    /** {@code fmt.Sprint} of one value. */
    static String print(Object v) {
        if (v == null) {
            return "<nil>";
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof List<?> list) {
            return list.stream().map(GoValues::print).collect(Collectors.joining(" ", "[", "]"));
        }
        if (v instanceof Map<?, ?> map) {
            // fmt prints maps sorted by key
            return new TreeMap<>(map).entrySet().stream().map(e -> e.getKey() + ":" + print(e.getValue()))
                    .collect(Collectors.joining(" ", "map[", "]"));
        }
        if (v instanceof GoObject o) {
            return o.print();
        }
        return v.toString();
    }

    /** Go's {@code truth}: false, 0, nil, empty and missing are false. */
    static boolean truth(Object v) {
        if (v == null || v == NO_VALUE) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof BigInteger n) {
            return n.signum() != 0;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof List<?> l) {
            return !l.isEmpty();
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }

    /** Go's name of a value's type, for error texts. */
    static String type(Object v) {
        if (v == null || v == NO_VALUE) {
            return "<nil>";
        }
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof BigInteger) {
            return "int";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof List<?> l) {
            return l.isEmpty() || l.get(0) instanceof String ? "[]string" : "[]" + type(l.get(0));
        }
        if (v instanceof Map<?, ?>) {
            return "map[string]string";
        }
        if (v instanceof GoObject o) {
            return o.goType();
        }
        return v.getClass().getSimpleName();
    }

    /** Go's {@code strconv.Quote}. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case 7 -> b.append("\\a");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case 11 -> b.append("\\v");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\x%02x", c));
                    } else if (Character.isISOControl(c) || !Character.isDefined(c)) {
                        b.append(c > 0xFFFF ? String.format("\\U%08x", c) : String.format("\\u%04x", c));
                    } else {
                        b.appendCodePoint(c);
                    }
                }
            }
        });
        return b.append('"').toString();
    }

    /** Go's {@code len}: bytes of a string, elements of a slice or map. */
    static BigInteger length(Object v) {
        if (v instanceof String s) {
            return BigInteger.valueOf(s.getBytes(StandardCharsets.UTF_8).length);
        }
        if (v instanceof List<?> l) {
            return BigInteger.valueOf(l.size());
        }
        if (v instanceof Map<?, ?> m) {
            return BigInteger.valueOf(m.size());
        }
        throw new TemplateException("len of type " + type(v));
    }

    /** Go's {@code eq} of two basic values: equal kinds only. */
    static boolean equal(Object a, Object b) {
        basic(a);
        basic(b);
        if (a.getClass() != b.getClass()) {
            throw new TemplateException("incompatible types for comparison");
        }
        return a.equals(b);
    }

    /** Go's {@code lt}: integers or strings of the same kind. */
    static int compare(Object a, Object b) {
        basic(a);
        basic(b);
        if (a instanceof Boolean || b instanceof Boolean) {
            throw new TemplateException("invalid type for comparison");
        }
        if (a.getClass() != b.getClass()) {
            throw new TemplateException("incompatible types for comparison");
        }
        return a instanceof BigInteger x ? x.compareTo((BigInteger) b) : ((String) a).compareTo((String) b);
    }

    private static void basic(Object v) {
        if (!(v instanceof String || v instanceof BigInteger || v instanceof Boolean)) {
            throw new TemplateException(v == null || v == NO_VALUE ? "invalid type for comparison" : "non-comparable type " + type(v));
        }
    }
}
