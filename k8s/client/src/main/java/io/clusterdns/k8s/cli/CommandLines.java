package io.clusterdns.k8s.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command-line conventions of the three servers, in one place: a bad flag or value is one line
 * ({@code NAME: --ttl: must be 0..3600, got "9000" (see --help)}) with exit code 2 and no usage
 * dump; {@code --help} lists the options wrapped at spaces only. (picocli's own wrapping breaks
 * lines after punctuation, which cuts {@code cluster.local}, {@code ca.crt} or
 * {@code 127.0.0.1:1053} in two.)
 */
public final class CommandLines {
    /** Columns of {@code --help}. */
    public static final int HELP_WIDTH = 100;
    /** Where option descriptions start, as in picocli's layout. */
    private static final int DESCRIPTION_COLUMN = 29;

    private CommandLines() {
    }

    /** {@code command} with the shared error handling and help layout, also applied to its subcommands. */
    public static CommandLine configure(CommandLine command) {
        command.setUsageHelpWidth(HELP_WIDTH);
        command.setParameterExceptionHandler((ex, args) -> {
            // One line, no usage dump: the message names the flag and the problem.
            CommandLine failed = ex.getCommandLine();
            failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + ex.getMessage() + " (see --help)");
            failed.getErr().flush();
            return failed.getCommandSpec().exitCodeOnInvalidInput();
        });
        useWordWrappedOptions(command);
        return command;
    }

    private static void useWordWrappedOptions(CommandLine command) {
        command.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST,
                help -> optionList(help.commandSpec()));
        for (CommandLine sub : command.getSubcommands().values()) {
            useWordWrappedOptions(sub);
        }
    }

    /** The option list: names in the first column, descriptions wrapped at spaces after it. */
    static String optionList(CommandSpec spec) {
        StringBuilder out = new StringBuilder();
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) {
                continue;
            }
            String names = names(o);
            // "Default: VALUE" stays on one line: a no-break space until the lines are cut
            String description = String.join(" ", o.description()).replace("Default: ", "Default:\u00A0");
            List<String> lines = wrap(description, HELP_WIDTH - DESCRIPTION_COLUMN).stream()
                    .map(l -> l.replace('\u00A0', ' ')).toList();
            if (names.length() + 2 > DESCRIPTION_COLUMN) {
                out.append(names).append(System.lineSeparator());
                names = "";
            }
            for (int i = 0; i < lines.size(); i++) {
                String first = i == 0 ? names : "";
                String indent = i == 0 ? "" : "  ";
                out.append(pad(first, DESCRIPTION_COLUMN)).append(indent).append(lines.get(i)).append(System.lineSeparator());
            }
            if (lines.isEmpty()) {
                out.append(names).append(System.lineSeparator());
            }
        }
        return out.toString();
    }

    private static String names(OptionSpec o) {
        List<String> shortNames = new ArrayList<>();
        List<String> longNames = new ArrayList<>();
        for (String n : o.names()) {
            (n.length() == 2 ? shortNames : longNames).add(n);
        }
        String label = o.typeInfo().isBoolean() || o.arity().max() == 0 ? "" : "=" + o.paramLabel();
        String longs = String.join(", ", longNames) + (longNames.isEmpty() ? "" : label);
        if (shortNames.isEmpty()) {
            return "      " + longs;
        }
        return "  " + String.join(", ", shortNames) + (longNames.isEmpty() ? label : ", " + longs);
    }

    /** Greedy wrap at spaces; a word longer than the width gets a line of its own, unbroken. */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        // continuation lines are indented by two more columns
        for (String word : text.trim().split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            int limit = lines.isEmpty() ? width : width - 2;
            if (line.length() > 0 && line.length() + 1 + word.length() > limit) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
