package io.clusterdns.server.plugin.template;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Go's {@code fmt.Sprintf} for the values of a template: the verbs {@code %v %s %q %d %x %X %o %O %b
 * %c %U %t %%}, the flags {@code - + # 0} and space, width and precision, and Go's in-band errors
 * ({@code %!d(string=a)}, {@code %!s(MISSING)}, {@code %!(EXTRA ...)}). Width and precision stop at
 * {@link #MAX_WIDTH}, so that a template cannot ask for a gigabyte of padding.
 */
final class GoFormat {
    static final int MAX_WIDTH = 1024;

    private GoFormat() {
    }

    static String sprintf(String format, List<Object> args) {
        StringBuilder out = new StringBuilder();
        int next = 0;
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i++);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i >= format.length()) {
                out.append("%!(NOVERB)");
                break;
            }
            boolean minus = false;
            boolean plus = false;
            boolean sharp = false;
            boolean zero = false;
            boolean space = false;
            for (; i < format.length(); i++) {
                char f = format.charAt(i);
                if (f == '-') {
                    minus = true;
                } else if (f == '+') {
                    plus = true;
                } else if (f == '#') {
                    sharp = true;
                } else if (f == '0') {
                    zero = true;
                } else if (f == ' ') {
                    space = true;
                } else {
                    break;
                }
            }
            int width = -1;
            int start = i;
            while (i < format.length() && Character.isDigit(format.charAt(i))) {
                i++;
            }
            if (i > start) {
                width = bounded(format.substring(start, i));
            }
            int precision = -1;
            if (i < format.length() && format.charAt(i) == '.') {
                start = ++i;
                while (i < format.length() && Character.isDigit(format.charAt(i))) {
                    i++;
                }
                precision = i > start ? bounded(format.substring(start, i)) : 0;
            }
            if (i >= format.length()) {
                out.append("%!(NOVERB)");
                break;
            }
            char verb = format.charAt(i++);
            if (verb == '%') {
                out.append('%');
                continue;
            }
            if (width == -2 || precision == -2) {
                out.append(width == -2 ? "%!(BADWIDTH)" : "%!(BADPREC)");
                continue;
            }
            if (next >= args.size()) {
                out.append("%!").append(verb).append("(MISSING)");
                continue;
            }
            Object arg = args.get(next++);
            String body = verb(verb, arg, precision, plus, sharp, space);
            if (body == null) {
                out.append("%!").append(verb).append('(').append(GoValues.type(arg)).append('=').append(GoValues.print(arg)).append(')');
                continue;
            }
            boolean numeric = arg instanceof BigInteger && "dxXobO".indexOf(verb) >= 0;
            out.append(pad(body, width, minus, zero && numeric && !minus && precision < 0));
        }
        if (next < args.size()) {
            out.append("%!(EXTRA ");
            for (int k = next; k < args.size(); k++) {
                out.append(k > next ? ", " : "").append(GoValues.type(args.get(k))).append('=').append(GoValues.print(args.get(k)));
            }
            out.append(')');
        }
        return out.toString();
    }

    /** -2 for a width Go would take that is over the limit. */
    private static int bounded(String digits) {
        return digits.length() > 4 || Integer.parseInt(digits) > MAX_WIDTH ? -2 : Integer.parseInt(digits);
    }

    /** The formatted value without padding; null for a verb that does not fit the value. */
    private static String verb(char verb, Object arg, int precision, boolean plus, boolean sharp, boolean space) {
        switch (verb) {
            case 'v' -> {
                return arg instanceof BigInteger n ? integer(n, 10, precision, plus, space, "") : GoValues.print(arg);
            }
            case 's' -> {
                if (arg instanceof BigInteger || arg instanceof Boolean) {
                    return null;
                }
                String s = GoValues.print(arg);
                return precision >= 0 && s.codePointCount(0, s.length()) > precision ? s.substring(0, s.offsetByCodePoints(0, precision)) : s;
            }
            case 'q' -> {
                if (arg instanceof String s) {
                    return GoValues.quote(s);
                }
                return arg instanceof BigInteger n ? "'" + new String(Character.toChars(n.intValue())) + "'" : null;
            }
            case 'd' -> {
                return arg instanceof BigInteger n ? integer(n, 10, precision, plus, space, "") : null;
            }
            case 'x', 'X' -> {
                String s;
                if (arg instanceof BigInteger n) {
                    s = integer(n, 16, precision, plus, space, sharp ? "0x" : "");
                } else if (arg instanceof String str) {
                    s = (sharp ? "0x" : "") + HexFormat.of().formatHex(str.getBytes(StandardCharsets.UTF_8));
                } else {
                    return null;
                }
                return verb == 'X' ? s.toUpperCase(Locale.ROOT) : s;
            }
            case 'o', 'O' -> {
                return arg instanceof BigInteger n ? integer(n, 8, precision, plus, space, verb == 'O' ? "0o" : sharp ? "0" : "") : null;
            }
            case 'b' -> {
                return arg instanceof BigInteger n ? integer(n, 2, precision, plus, space, "") : null;
            }
            case 'c' -> {
                return arg instanceof BigInteger n && Character.isValidCodePoint(n.intValue()) ? new String(Character.toChars(n.intValue())) : null;
            }
            case 'U' -> {
                return arg instanceof BigInteger n ? "U+" + String.format("%04X", n) : null;
            }
            case 't' -> {
                return arg instanceof Boolean b ? b.toString() : null;
            }
            default -> {
                return null;
            }
        }
    }

    private static String integer(BigInteger n, int radix, int precision, boolean plus, boolean space, String prefix) {
        String digits = n.abs().toString(radix);
        if (precision >= 0 && digits.length() < precision) {
            digits = "0".repeat(precision - digits.length()) + digits;
        }
        String sign = n.signum() < 0 ? "-" : plus ? "+" : space ? " " : "";
        return sign + prefix + digits;
    }

    private static String pad(String body, int width, boolean left, boolean zeros) {
        if (width < 0 || body.length() >= width) {
            return body;
        }
        int fill = width - body.length();
        if (left) {
            return body + " ".repeat(fill);
        }
        if (zeros) {
            // zeros go after the sign, as Go's
            int sign = body.startsWith("-") || body.startsWith("+") ? 1 : 0;
            return body.substring(0, sign) + "0".repeat(fill) + body.substring(sign);
        }
        return " ".repeat(fill) + body;
    }
}
