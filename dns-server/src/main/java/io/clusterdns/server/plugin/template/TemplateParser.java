package io.clusterdns.server.plugin.template;

import io.clusterdns.server.plugin.template.Node.Action;
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
import io.clusterdns.server.plugin.template.Node.Text;
import io.clusterdns.server.plugin.template.Node.Variable;
import io.clusterdns.server.plugin.template.TemplateLexer.Item;
import io.clusterdns.server.plugin.template.TemplateLexer.Kind;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Go text/template's grammar for the parts clusterdns runs: text, actions with pipelines,
 * parenthesized pipelines, fields, variables, constants, the functions of {@link #FUNCTIONS}, and
 * {@code if}/{@code with}/{@code range} with {@code else}. What Go checks while parsing is checked
 * here (unknown functions, undefined variables, stray {@code {{end}}}); what Go has and clusterdns
 * does not ({@code define}, {@code template}, {@code block}, {@code break}, {@code continue},
 * {@code call}, {@code html}, {@code js}, {@code urlquery}) is refused by name.
 */
final class TemplateParser {
    /** Go's builtins clusterdns runs, and CoreDNS's {@code parseInt}. */
    static final Set<String> FUNCTIONS = Set.of("and", "or", "not", "len", "index", "slice", "print", "printf", "println", "eq", "ne",
            "lt", "le", "gt", "ge", "parseInt");
    private static final Set<String> GO_ONLY = Set.of("call", "html", "js", "urlquery");
    private static final Set<String> KEYWORDS = Set.of("if", "else", "end", "with", "range", "define", "template", "block", "break",
            "continue");

    private final List<Item> items;
    private final List<String> variables = new ArrayList<>(List.of("$"));
    private int i;
    /** What ended the last list inside a control structure: {@code end} or {@code else}. */
    private String ended;

    private TemplateParser(List<Item> items) {
        this.items = items;
    }

    /** The tree of {@code text}; a {@link TemplateException} says why it does not parse. */
    static List<Node> parse(String text) {
        return new TemplateParser(TemplateLexer.lex(text)).list(false);
    }

    private Item next() {
        return items.get(i++);
    }

    private Item peek() {
        return items.get(i);
    }

    private Item peekNonSpace() {
        while (peek().kind() == Kind.SPACE) {
            i++;
        }
        return peek();
    }

    private Item nextNonSpace() {
        peekNonSpace();
        return next();
    }

    private List<Node> list(boolean inControl) {
        List<Node> out = new ArrayList<>();
        while (true) {
            Item t = next();
            if (t.kind() == Kind.EOF) {
                if (inControl) {
                    throw new TemplateException("unexpected EOF");
                }
                return out;
            }
            if (t.kind() == Kind.TEXT) {
                out.add(new Text(t.text()));
                continue;
            }
            Item k = peekNonSpace();
            if (k.kind() == Kind.IDENT && KEYWORDS.contains(k.text())) {
                next();
                switch (k.text()) {
                    case "end", "else" -> {
                        if (!inControl) {
                            throw new TemplateException("unexpected {{" + k.text() + "}}");
                        }
                        if (k.text().equals("end")) {
                            expectRight("end");
                        }
                        ended = k.text();
                        return out;
                    }
                    case "if", "with", "range" -> out.add(control(k.text()));
                    default -> throw new TemplateException("{{" + k.text() + "}} is not supported by clusterdns");
                }
                continue;
            }
            out.add(new Action(pipeline("command", Kind.RIGHT, false)));
        }
    }

    private void expectRight(String context) {
        Item t = nextNonSpace();
        if (t.kind() != Kind.RIGHT) {
            throw new TemplateException("unexpected " + describe(t) + " in " + context);
        }
    }

    /** {@code if}, {@code with} or {@code range} after its keyword, up to its {@code {{end}}}. */
    private Branch control(String keyword) {
        int scope = variables.size();
        Pipe pipe = pipeline(keyword, Kind.RIGHT, keyword.equals("range"));
        List<Node> list = list(true);
        List<Node> elseList = null;
        if (ended.equals("else")) {
            Item n = peekNonSpace();
            if (!keyword.equals("range") && n.kind() == Kind.IDENT && n.text().equals(keyword)) {
                // {{else if ...}}: a branch in the else list that ends with this one's {{end}}
                next();
                elseList = List.of(control(keyword));
            } else {
                expectRight("else");
                elseList = list(true);
                if (!ended.equals("end")) {
                    throw new TemplateException("expected end; found {{else}}");
                }
            }
        }
        variables.subList(scope, variables.size()).clear();
        return new Branch(keyword, pipe, list, elseList);
    }

    private Pipe pipeline(String context, Kind end, boolean range) {
        List<String> decl = new ArrayList<>();
        boolean assign = false;
        if (peekNonSpace().kind() == Kind.VARIABLE) {
            int start = i;
            Item v = next();
            Item after = peekNonSpace();
            if (after.kind() == Kind.DECLARE || after.kind() == Kind.ASSIGN) {
                next();
                assign = after.kind() == Kind.ASSIGN;
                decl.add(v.text());
            } else if (after.kind() == Kind.COMMA && range) {
                next();
                Item second = nextNonSpace();
                Item op = nextNonSpace();
                if (second.kind() != Kind.VARIABLE || (op.kind() != Kind.DECLARE && op.kind() != Kind.ASSIGN)) {
                    throw new TemplateException("range can only initialize variables");
                }
                assign = op.kind() == Kind.ASSIGN;
                decl.add(v.text());
                decl.add(second.text());
            } else {
                i = start;
            }
        }
        for (String d : decl) {
            if (assign && !variables.contains(d)) {
                throw new TemplateException("undefined variable " + GoValues.quote(d));
            }
            variables.add(d);
        }
        List<Command> commands = new ArrayList<>();
        while (true) {
            Item t = peekNonSpace();
            if (t.kind() == end) {
                next();
                break;
            }
            if (t.kind() == Kind.EOF || t.kind() == Kind.RIGHT || t.kind() == Kind.RPAREN) {
                throw new TemplateException(t.kind() == Kind.RIGHT ? "unclosed left paren" : "unexpected " + describe(t) + " in " + context);
            }
            commands.add(command());
        }
        if (commands.isEmpty()) {
            throw new TemplateException("missing value for " + context);
        }
        for (int k = 1; k < commands.size(); k++) {
            Arg first = commands.get(k).args().get(0);
            if (first instanceof Bool || first instanceof Dot || first instanceof Nil || first instanceof Node.Number || first instanceof Str) {
                throw new TemplateException("non executable command in pipeline stage " + (k + 1));
            }
        }
        return new Pipe(List.copyOf(decl), assign, List.copyOf(commands));
    }

    /** Operands up to {@code |} (consumed) or the end of the pipeline (left). */
    private Command command() {
        List<Arg> args = new ArrayList<>();
        while (true) {
            peekNonSpace();
            Arg a = operand();
            if (a != null) {
                args.add(a);
            }
            Item t = next();
            if (t.kind() == Kind.SPACE) {
                continue;
            }
            if (t.kind() == Kind.RIGHT || t.kind() == Kind.RPAREN) {
                i--;
            } else if (t.kind() != Kind.PIPE) {
                throw new TemplateException("unexpected " + describe(t) + " in operand");
            }
            break;
        }
        if (args.isEmpty()) {
            throw new TemplateException("empty command");
        }
        return new Command(List.copyOf(args));
    }

    /** A term and the fields written right after it; null when there is no term here. */
    private Arg operand() {
        Arg term = term();
        if (term == null || peek().kind() != Kind.FIELD) {
            return term;
        }
        List<String> fields = new ArrayList<>();
        while (peek().kind() == Kind.FIELD) {
            fields.add(next().text());
        }
        if (term instanceof Field f) {
            return new Field(concat(f.names(), fields));
        }
        if (term instanceof Variable v) {
            return new Variable(v.name(), concat(v.fields(), fields));
        }
        if (term instanceof Pipe || term instanceof Function) {
            return new Chain(term, List.copyOf(fields));
        }
        throw new TemplateException("unexpected . after term " + GoValues.quote(term.toString()));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }

    private Arg term() {
        Item t = next();
        switch (t.kind()) {
            case IDENT -> {
                String name = t.text();
                if (name.equals("true") || name.equals("false")) {
                    return new Bool(name.equals("true"));
                }
                if (name.equals("nil")) {
                    return new Nil();
                }
                if (KEYWORDS.contains(name)) {
                    throw new TemplateException("unexpected <" + name + "> in operand");
                }
                if (GO_ONLY.contains(name)) {
                    throw new TemplateException("function " + GoValues.quote(name) + " is not supported by clusterdns");
                }
                if (!FUNCTIONS.contains(name)) {
                    throw new TemplateException("function " + GoValues.quote(name) + " not defined");
                }
                return new Function(name);
            }
            case DOT -> {
                return new Dot();
            }
            case FIELD -> {
                return new Field(List.of(t.text()));
            }
            case VARIABLE -> {
                if (!variables.contains(t.text())) {
                    throw new TemplateException("undefined variable " + GoValues.quote(t.text()));
                }
                return new Variable(t.text(), List.of());
            }
            case STRING -> {
                return new Str(t.value(), t.text());
            }
            case NUMBER -> {
                return new Node.Number(number(t.text()), t.text());
            }
            case LPAREN -> {
                return pipeline("parenthesized pipeline", Kind.RPAREN, false);
            }
            default -> {
                i--;
                return null;
            }
        }
    }

    /** An integer constant as Go writes them: decimal, 0x, 0o, 0b or leading-0 octal, with underscores. */
    static BigInteger number(String text) {
        String t = text;
        boolean negative = t.startsWith("-");
        if (negative || t.startsWith("+")) {
            t = t.substring(1);
        }
        String lower = t.toLowerCase(Locale.ROOT);
        int radix = 10;
        if (lower.startsWith("0x")) {
            radix = 16;
        } else if (lower.startsWith("0o")) {
            radix = 8;
        } else if (lower.startsWith("0b")) {
            radix = 2;
        }
        String digits = radix == 10 ? t : t.substring(2);
        if (lower.contains(".") || lower.endsWith("i") || (radix == 10 && lower.contains("e")) || (radix == 16 && lower.contains("p"))) {
            throw new TemplateException("floating-point and complex constants are not supported by clusterdns: " + text);
        }
        if (radix == 10 && digits.length() > 1 && digits.startsWith("0")) {
            radix = 8;
        }
        digits = digits.replace("_", "");
        try {
            BigInteger v = new BigInteger(digits, radix);
            return negative ? v.negate() : v;
        } catch (NumberFormatException e) {
            throw new TemplateException("bad number syntax: " + GoValues.quote(text));
        }
    }

    private static String describe(Item t) {
        return switch (t.kind()) {
            case EOF -> "EOF";
            case RIGHT -> "\"}}\"";
            default -> "<" + t.text() + ">";
        };
    }
}
