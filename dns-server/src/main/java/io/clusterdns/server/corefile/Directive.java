package io.clusterdns.server.corefile;

import java.util.List;
import java.util.Objects;

/**
 * One line of a server block (a plugin and its arguments) or of a plugin's own block (an option
 * and its arguments), with the lines of the block that follows it on the same line, if any:
 *
 * <pre>
 * forward . /etc/resolv.conf {      name "forward", args [".", "/etc/resolv.conf"]
 *     max_concurrent 1000           one child: name "max_concurrent", args ["1000"]
 * }
 * </pre>
 *
 * @param name     the first word of the line
 * @param args     the other words of the line
 * @param children the lines of its block, empty when it has none
 * @param hasBlock true when a block followed (even an empty {@code {}})
 */
public record Directive(Token name, List<Token> args, List<Directive> children, boolean hasBlock) {
    public Directive {
        Objects.requireNonNull(name, "name");
        args = List.copyOf(args);
        children = List.copyOf(children);
    }

    /** The argument texts. */
    public List<String> argTexts() {
        return args.stream().map(Token::text).toList();
    }

    /** {@code /etc/coredns/Corefile:12}. */
    public String where() {
        return name.where();
    }
}
