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

    /** {@code nft list table FAMILY clusterdns} in {@code ns}, normalized. */
    static String text(String ns, io.clusterdns.agent.nft.Family f) {
        return normalize(io.clusterdns.k8s.testing.NetNamespaces.exec(ns, "nft", "list", "table", f.nft(), "clusterdns").output());
    }

    /**
     * {@code nft -j list table FAMILY clusterdns} in {@code ns} without handles (numbered in
     * creation order) and with set elements sorted (listed in hash order); objects and rules keep
     * their order.
     */
    static String json(String ns, io.clusterdns.agent.nft.Family f) {
        String out = io.clusterdns.k8s.testing.NetNamespaces.exec(ns, "nft", "-j", "list", "table", f.nft(), "clusterdns").output();
        Object tree = strip(new io.vertx.core.json.JsonObject(out));
        return ((io.vertx.core.json.JsonObject) tree).encodePrettily();
    }

    private static Object strip(Object node) {
        if (node instanceof io.vertx.core.json.JsonObject o) {
            io.vertx.core.json.JsonObject out = new io.vertx.core.json.JsonObject();
            for (String k : new java.util.TreeSet<>(o.fieldNames())) {
                if (!k.equals("handle")) {
                    Object v = strip(o.getValue(k));
                    out.put(k, k.equals("elem") && v instanceof io.vertx.core.json.JsonArray a ? sorted(a) : v);
                }
            }
            return out;
        }
        if (node instanceof io.vertx.core.json.JsonArray a) {
            io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
            a.forEach(v -> out.add(strip(v)));
            return out;
        }
        return node;
    }

    private static io.vertx.core.json.JsonArray sorted(io.vertx.core.json.JsonArray a) {
        List<String> items = new ArrayList<>();
        a.forEach(v -> items.add(io.vertx.core.json.Json.encode(v)));
        items.sort(null);
        io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
        items.forEach(i -> out.add(io.vertx.core.json.Json.decodeValue(i)));
        return out;
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
