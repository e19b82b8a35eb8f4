package io.clusterdns.server.plugin.template;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a Go text/template into text and the items of its actions, with Go's rules: {@code {{- }}
 * and {@code  -}}} trim the white space next to them, {@code {{/* *}{@code /}}} is a comment.
 * Constants Go has and clusterdns does not (floating point, complex, characters) are refused here.
 */
final class TemplateLexer {

    enum Kind { TEXT, LEFT, RIGHT, SPACE, FIELD, DOT, VARIABLE, IDENT, STRING, NUMBER, LPAREN, RPAREN, PIPE, COMMA, DECLARE, ASSIGN, EOF }

    /**
     * One item.
     *
     * @param text  the item as written (a field without its dot)
     * @param value a string constant's value
     */
    record Item(Kind kind, String text, String value) {
        Item(Kind kind, String text) {
            this(kind, text, null);
        }
    }

    private final String s;
    private final List<Item> items = new ArrayList<>();
    private int pos;

    private TemplateLexer(String s) {
        this.s = s;
    }

    /** The items of {@code template}, ending with {@link Kind#EOF}. */
    static List<Item> lex(String template) {
        TemplateLexer l = new TemplateLexer(template);
        l.run();
        return l.items;
    }

    private void run() {
        boolean trimNext = false;
        while (pos < s.length()) {
            if (trimNext) {
                while (pos < s.length() && isSpace(s.charAt(pos))) {
                    pos++;
                }
            }
            int open = s.indexOf("{{", pos);
            String text = s.substring(pos, open < 0 ? s.length() : open);
            if (open < 0) {
                addText(text);
                break;
            }
            pos = open + 2;
            if (pos + 1 < s.length() && s.charAt(pos) == '-' && isSpace(s.charAt(pos + 1))) {
                text = text.stripTrailing();
                pos += 2;
            }
            addText(text);
            trimNext = s.startsWith("/*", pos) ? comment() : action();
        }
        items.add(new Item(Kind.EOF, ""));
    }

    private void addText(String text) {
        if (!text.isEmpty()) {
            items.add(new Item(Kind.TEXT, text));
        }
    }

    /** A comment action; true when its right delimiter trims. */
    private boolean comment() {
        int end = s.indexOf("*/", pos + 2);
        if (end < 0) {
            throw new TemplateException("unclosed comment");
        }
        pos = end + 2;
        if (s.startsWith("}}", pos)) {
            pos += 2;
            return false;
        }
        if (rightTrimAt(pos)) {
            pos += 4;
            return true;
        }
        throw new TemplateException("comment ends before closing delimiter");
    }

    /** {@code " -}}"} at {@code i}. */
    private boolean rightTrimAt(int i) {
        return i + 3 < s.length() && isSpace(s.charAt(i)) && s.charAt(i + 1) == '-' && s.startsWith("}}", i + 2);
    }

    /** The items of one action up to its right delimiter; true when that trims. */
    private boolean action() {
        items.add(new Item(Kind.LEFT, "{{"));
        int parens = 0;
        while (true) {
            if (pos >= s.length()) {
                throw new TemplateException("unclosed action");
            }
            if (s.startsWith("}}", pos) || rightTrimAt(pos)) {
                if (parens > 0) {
                    throw new TemplateException("unclosed left paren");
                }
                boolean trim = !s.startsWith("}}", pos);
                pos += trim ? 4 : 2;
                items.add(new Item(Kind.RIGHT, "}}"));
                return trim;
            }
            char c = s.charAt(pos);
            if (isSpace(c)) {
                int start = pos;
                while (pos < s.length() && isSpace(s.charAt(pos)) && !rightTrimAt(pos)) {
                    pos++;
                }
                if (pos > start) {
                    items.add(new Item(Kind.SPACE, s.substring(start, pos)));
                }
            } else if (c == '.' && pos + 1 < s.length() && isWordChar(s.charAt(pos + 1))) {
                // digits too (".Group.1"): Go's parser would take ".1" for a number and fail
                int start = ++pos;
                items.add(new Item(Kind.FIELD, word(start)));
            } else if (c == '.') {
                pos++;
                items.add(new Item(Kind.DOT, "."));
            } else if (c == '$') {
                int start = pos++;
                word(pos);
                items.add(new Item(Kind.VARIABLE, s.substring(start, pos)));
            } else if (c == '"') {
                quoted();
            } else if (c == '`') {
                int end = s.indexOf('`', pos + 1);
                if (end < 0) {
                    throw new TemplateException("unterminated raw quoted string");
                }
                items.add(new Item(Kind.STRING, s.substring(pos, end + 1), s.substring(pos + 1, end)));
                pos = end + 1;
            } else if (c == '\'') {
                throw new TemplateException("character constants are not supported by clusterdns");
            } else if (Character.isDigit(c) || ((c == '-' || c == '+') && pos + 1 < s.length() && Character.isDigit(s.charAt(pos + 1)))) {
                int start = pos++;
                while (pos < s.length() && (isWordChar(s.charAt(pos)) || s.charAt(pos) == '.')) {
                    pos++;
                }
                items.add(new Item(Kind.NUMBER, s.substring(start, pos)));
            } else if (Character.isLetter(c) || c == '_') {
                items.add(new Item(Kind.IDENT, word(pos)));
            } else if (c == '(') {
                parens++;
                pos++;
                items.add(new Item(Kind.LPAREN, "("));
            } else if (c == ')') {
                if (--parens < 0) {
                    throw new TemplateException("unexpected right paren");
                }
                pos++;
                items.add(new Item(Kind.RPAREN, ")"));
            } else if (c == '|') {
                pos++;
                items.add(new Item(Kind.PIPE, "|"));
            } else if (c == ',') {
                pos++;
                items.add(new Item(Kind.COMMA, ","));
            } else if (c == ':' && s.startsWith(":=", pos)) {
                pos += 2;
                items.add(new Item(Kind.DECLARE, ":="));
            } else if (c == '=') {
                pos++;
                items.add(new Item(Kind.ASSIGN, "="));
            } else {
                throw new TemplateException("bad character " + GoValues.quote(String.valueOf(c)) + " in action");
            }
        }
    }

    /** Letters, digits and underscores from {@code start}; moves past them. */
    private String word(int start) {
        pos = start;
        while (pos < s.length() && isWordChar(s.charAt(pos))) {
            pos++;
        }
        return s.substring(start, pos);
    }

    /** A Go interpreted string literal with its escapes. */
    private void quoted() {
        StringBuilder value = new StringBuilder();
        int start = pos++;
        while (true) {
            if (pos >= s.length() || s.charAt(pos) == '\n') {
                throw new TemplateException("unterminated quoted string");
            }
            char c = s.charAt(pos++);
            if (c == '"') {
                break;
            }
            if (c != '\\') {
                value.append(c);
                continue;
            }
            if (pos >= s.length()) {
                throw new TemplateException("unterminated quoted string");
            }
            char e = s.charAt(pos++);
            switch (e) {
                case 'a' -> value.append('\u0007');
                case 'b' -> value.append('\b');
                case 'f' -> value.append('\f');
                case 'n' -> value.append('\n');
                case 'r' -> value.append('\r');
                case 't' -> value.append('\t');
                case 'v' -> value.append('\u000b');
                case '\\', '"' -> value.append(e);
                case 'x' -> value.append((char) hex(2));
                case 'u' -> value.appendCodePoint(hex(4));
                case 'U' -> value.appendCodePoint(hex(8));
                default -> {
                    if (e >= '0' && e <= '7') {
                        pos--;
                        value.append((char) Integer.parseInt(digits(3, "01234567"), 8));
                    } else {
                        throw new TemplateException("unknown escape sequence \\" + e + " in " + s.substring(start, pos));
                    }
                }
            }
        }
        items.add(new Item(Kind.STRING, s.substring(start, pos), value.toString()));
    }

    private int hex(int n) {
        int v = (int) Long.parseLong(digits(n, "0123456789abcdefABCDEF"), 16);
        if (!Character.isValidCodePoint(v)) {
            throw new TemplateException("escape sequence is invalid Unicode code point");
        }
        return v;
    }

    private String digits(int n, String allowed) {
        if (pos + n > s.length()) {
            throw new TemplateException("unterminated quoted string");
        }
        String d = s.substring(pos, pos + n);
        for (char c : d.toCharArray()) {
            if (allowed.indexOf(c) < 0) {
                throw new TemplateException("invalid escape sequence \\" + s.charAt(pos - 1) + d);
            }
        }
        pos += n;
        return d;
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
