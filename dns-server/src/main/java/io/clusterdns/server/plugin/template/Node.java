package io.clusterdns.server.plugin.template;

import java.math.BigInteger;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The parse tree of a Go text/template, as far as clusterdns reads the language. The string form of
 * every node is Go's ({@code parse.Node.String}: actions without inner spaces, strings as written),
 * which CoreDNS puts in the {@code template} label of its failure counters.
 */
sealed interface Node {

    /** Text outside actions, copied to the output. */
    record Text(String text) implements Node {
        @Override
        public String toString() {
            return text;
        }
    }

    /** {@code {{pipeline}}}: prints the pipeline's value unless it declares variables. */
    record Action(Pipe pipe) implements Node {
        @Override
        public String toString() {
            return "{{" + pipe + "}}";
        }
    }

    /**
     * {@code {{if|with|range pipeline}} list [{{else}} list] {{end}}}; {@code {{else if ...}}} is an
     * else list holding one more branch, as in Go.
     *
     * @param elseList null without {@code {{else}}}
     */
    record Branch(String keyword, Pipe pipe, List<Node> list, List<Node> elseList) implements Node {
        @Override
        public String toString() {
            return "{{" + keyword + " " + pipe + "}}" + join(list) + (elseList == null ? "" : "{{else}}" + join(elseList)) + "{{end}}";
        }
    }

    static String join(List<? extends Node> nodes) {
        return nodes.stream().map(Object::toString).collect(Collectors.joining());
    }

    /** An operand of a command. */
    sealed interface Arg {
    }

    /**
     * Commands joined by {@code |}, each one's value the last argument of the next.
     *
     * @param decl   variables it declares ({@code $x :=}) or assigns ({@code $x =}), empty for none
     * @param assign {@code =} rather than {@code :=}
     */
    record Pipe(List<String> decl, boolean assign, List<Command> commands) implements Arg {
        @Override
        public String toString() {
            String head = decl.isEmpty() ? "" : String.join(", ", decl) + (assign ? " = " : " := ");
            return head + commands.stream().map(Object::toString).collect(Collectors.joining(" | "));
        }
    }

    /** A function or field with its arguments, or a lone operand. */
    record Command(List<Arg> args) {
        @Override
        public String toString() {
            return args.stream().map(a -> a instanceof Pipe ? "(" + a + ")" : a.toString()).collect(Collectors.joining(" "));
        }
    }

    /** {@code .}: the data. */
    record Dot() implements Arg {
        @Override
        public String toString() {
            return ".";
        }
    }

    /** {@code .Group.a}: fields (or a method, last) of the data. */
    record Field(List<String> names) implements Arg {
        @Override
        public String toString() {
            return names.stream().map(n -> "." + n).collect(Collectors.joining());
        }
    }

    /** {@code $} or {@code $x}, with fields after it. */
    record Variable(String name, List<String> fields) implements Arg {
        @Override
        public String toString() {
            return name + fields.stream().map(n -> "." + n).collect(Collectors.joining());
        }
    }

    /** {@code (pipeline).Field}. */
    record Chain(Arg operand, List<String> fields) implements Arg {
        @Override
        public String toString() {
            return (operand instanceof Pipe ? "(" + operand + ")" : operand.toString())
                    + fields.stream().map(n -> "." + n).collect(Collectors.joining());
        }
    }

    /** A function name. */
    record Function(String name) implements Arg {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A string constant; {@code quoted} as written. */
    record Str(String value, String quoted) implements Arg {
        @Override
        public String toString() {
            return quoted;
        }
    }

    /** An integer constant; {@code text} as written. */
    record Number(BigInteger value, String text) implements Arg {
        @Override
        public String toString() {
            return text;
        }
    }

    record Bool(boolean value) implements Arg {
        @Override
        public String toString() {
            return Boolean.toString(value);
        }
    }

    record Nil() implements Arg {
        @Override
        public String toString() {
            return "nil";
        }
    }
}
