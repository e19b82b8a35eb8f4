package io.clusterdns.agent.netns;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Normalizes {@code nft list table} output for comparisons: objects sorted by name (the kernel
 * lists them in creation order, which differs between a diff and a fresh full sync) and set
 * elements sorted (the kernel lists them in hash order). Rule order inside a chain is kept: it
 * matters.
 */
final class Listings {
    private static final Pattern ELEMENTS = Pattern.compile("elements = \\{([^}]*)\\}", Pattern.DOTALL);

    private Listings() {
    }

    static String normalize(String listing) {
        Matcher m = ELEMENTS.matcher(listing);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String[] items = m.group(1).split(",");
            for (int i = 0; i < items.length; i++) {
                items[i] = items[i].strip();
            }
            Arrays.sort(items);
            m.appendReplacement(sb, Matcher.quoteReplacement("elements = { " + String.join(", ", items) + " }"));
        }
        m.appendTail(sb);
        List<String> blocks = new ArrayList<>();
        StringBuilder current = null;
        List<String> head = new ArrayList<>();
        for (String line : sb.toString().split("\n")) {
            if (line.matches("\t(chain|set|map) .* \\{")) {
                if (current != null) {
                    blocks.add(current.toString());
                }
                current = new StringBuilder();
            }
            if (line.isBlank() || line.equals("}")) {
                continue;
            }
            if (current == null) {
                head.add(line);
            } else {
                current.append(line).append('\n');
            }
        }
        if (current != null) {
            blocks.add(current.toString());
        }
        blocks.sort(null);
        return String.join("\n", head) + "\n" + String.join("", blocks);
    }
}
