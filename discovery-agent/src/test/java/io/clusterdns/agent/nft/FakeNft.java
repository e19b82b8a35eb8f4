package io.clusterdns.agent.nft;

import io.clusterdns.agent.kernel.Nft;
import io.clusterdns.agent.kernel.NftResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-memory nftables for unit tests: interprets the command forms the agent writes ({@code add
 * table|chain|set|map|rule|element}, {@code flush}, {@code delete}) with the kernel's checks that
 * matter here (missing objects, element key conflicts, deleting referenced chains and sets),
 * applies a script all-or-nothing, and answers {@code list chains} {@code -t list sets} and {@code -t list maps}.
 * Scripts can be made to fail on demand.
 */
public final class FakeNft implements Nft {
    /** One table's content. */
    static final class Table {
        final Map<String, String> chainHooks = new TreeMap<>();
        final Map<String, List<String>> rules = new TreeMap<>();
        final Map<String, String> containers = new TreeMap<>();
        final Map<String, Map<String, String>> elements = new TreeMap<>();

        Table copy() {
            Table t = new Table();
            t.chainHooks.putAll(chainHooks);
            rules.forEach((k, v) -> t.rules.put(k, new ArrayList<>(v)));
            t.containers.putAll(containers);
            elements.forEach((k, v) -> t.elements.put(k, new TreeMap<>(v)));
            return t;
        }

        /** A canonical dump for comparisons: chains with rules, containers with sorted elements. */
        String dump() {
            StringBuilder sb = new StringBuilder();
            containers.forEach((n, body) -> sb.append("container ").append(n).append(' ').append(body).append(' ')
                    .append(elements.getOrDefault(n, Map.of())).append('\n'));
            chainHooks.forEach((n, hook) -> sb.append("chain ").append(n).append(' ').append(hook).append(' ')
                    .append(rules.get(n)).append('\n'));
            return sb.toString();
        }
    }

    private static final Pattern CMD = Pattern.compile("^(add|flush|delete) (table|chain|set|map|rule|element) (ip6?) (\\S+)(?: (\\S+))?(?: (.*))?$");

    private Map<String, Table> tables = new TreeMap<>();
    private final List<String> scripts = new ArrayList<>();
    private Predicate<String> failWhen = s -> false;
    private int failures;

    /** Makes every script matching {@code p} fail (with nothing applied). */
    public synchronized void failWhen(Predicate<String> p) {
        failWhen = p;
    }

    public synchronized List<String> scripts() {
        return List.copyOf(scripts);
    }

    public synchronized int failures() {
        return failures;
    }

    public synchronized String dump(String family) {
        Table t = tables.get(family);
        return t == null ? "" : t.dump();
    }

    public synchronized boolean hasTable(String family) {
        return tables.containsKey(family);
    }

    /** Simulates someone else flushing the whole ruleset ({@code nft flush ruleset}). */
    public synchronized void wipe() {
        tables.clear();
    }

    @Override
    public synchronized NftResult apply(String script) {
        scripts.add(script);
        if (failWhen.test(script)) {
            failures++;
            return new NftResult.Failed(1, "Error: injected failure\n");
        }
        Map<String, Table> work = new TreeMap<>();
        tables.forEach((k, v) -> work.put(k, v.copy()));
        int lineNo = 0;
        for (String line : script.split("\n")) {
            lineNo++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String err = execute(work, line);
            if (err != null) {
                failures++;
                return new NftResult.Failed(1, "/dev/stdin:" + lineNo + ": Error: " + err + "\n" + line + "\n");
            }
        }
        tables = work;
        return new NftResult.Ok("");
    }

    @Override
    public synchronized NftResult list(String... args) {
        String joined = String.join(" ", args);
        StringBuilder sb = new StringBuilder();
        boolean sets = joined.contains("list sets");
        boolean maps = joined.contains("list maps");
        // "list chain FAMILY TABLE CHAIN"; "list chains FAMILY" and "-t list sets FAMILY"
        String family = joined.startsWith("list chain ") ? args[2] : args[args.length - 1];
        Table t = tables.get(family);
        if (t != null) {
            sb.append("table ").append(family).append(' ').append(Names.TABLE).append(" {\n");
            if (sets || maps) {
                t.containers.forEach((n, body) -> {
                    if (body.contains(" : ") == maps) {
                        sb.append(maps ? "\tmap " : "\tset ").append(n).append(" {\n\t}\n");
                    }
                });
            } else if (joined.startsWith("list chain ")) {
                String chain = args[4];
                if (!t.chainHooks.containsKey(chain)) {
                    return new NftResult.Failed(1, "Error: No such file or directory\n");
                }
                sb.append("\tchain ").append(chain).append(" {\n\t}\n");
            } else {
                t.chainHooks.keySet().forEach(n -> sb.append("\tchain ").append(n).append(" {\n\t}\n"));
            }
            sb.append("}\n");
        } else if (joined.startsWith("list chain ")) {
            return new NftResult.Failed(1, "Error: No such file or directory\n");
        }
        return new NftResult.Ok(sb.toString());
    }

    private static String execute(Map<String, Table> work, String line) {
        Matcher m = CMD.matcher(line);
        if (!m.matches() || !m.group(4).equals(Names.TABLE)) {
            return "syntax error, unexpected " + line;
        }
        String verb = m.group(1);
        String kind = m.group(2);
        String family = m.group(3);
        if (kind.equals("table")) {
            if (verb.equals("add")) {
                work.putIfAbsent(family, new Table());
                return null;
            }
            return verb.equals("delete") && work.remove(family) != null ? null : "No such file or directory";
        }
        Table t = work.get(family);
        if (t == null) {
            return "No such file or directory (table)";
        }
        String name = m.group(5);
        String rest = m.group(6) == null ? "" : m.group(6);
        return switch (kind) {
            case "chain" -> chain(t, verb, name, rest);
            case "set", "map" -> container(t, verb, name, rest);
            case "rule" -> rule(t, name, rest);
            default -> element(t, verb, name, rest);
        };
    }

    private static String chain(Table t, String verb, String name, String hook) {
        boolean exists = t.chainHooks.containsKey(name);
        switch (verb) {
            case "add" -> {
                if (exists && !hook.isEmpty() && !t.chainHooks.get(name).equals(hook)) {
                    return "Could not process rule: Device or resource busy (chain " + name + " exists with another hook)";
                }
                t.chainHooks.putIfAbsent(name, hook);
                t.rules.putIfAbsent(name, new ArrayList<>());
            }
            case "flush" -> {
                if (!exists) {
                    return "No such file or directory (chain " + name + ")";
                }
                t.rules.get(name).clear();
            }
            default -> {
                if (!exists) {
                    return "No such file or directory (chain " + name + ")";
                }
                if (referenced(t, "goto " + name) || referenced(t, "jump " + name)) {
                    return "Could not process rule: Device or resource busy (chain " + name + " is referenced)";
                }
                t.chainHooks.remove(name);
                t.rules.remove(name);
            }
        }
        return null;
    }

    private static boolean referenced(Table t, String target) {
        for (List<String> rs : t.rules.values()) {
            for (String r : rs) {
                if (containsWord(r, target)) {
                    return true;
                }
            }
        }
        for (Map<String, String> els : t.elements.values()) {
            for (String v : els.values()) {
                if (v.equals(target)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean containsWord(String text, String word) {
        int at = text.indexOf(word);
        while (at >= 0) {
            int end = at + word.length();
            if (end == text.length() || text.charAt(end) == ' ' || text.charAt(end) == ',') {
                return true;
            }
            at = text.indexOf(word, at + 1);
        }
        return false;
    }

    private static String container(Table t, String verb, String name, String body) {
        boolean exists = t.containers.containsKey(name);
        switch (verb) {
            case "add" -> {
                t.containers.put(name, body);
                t.elements.putIfAbsent(name, new TreeMap<>());
            }
            case "flush" -> {
                if (!exists) {
                    return "No such file or directory (set " + name + ")";
                }
                t.elements.get(name).clear();
            }
            default -> {
                if (!exists) {
                    return "No such file or directory (set " + name + ")";
                }
                if (referenced(t, "@" + name)) {
                    return "Could not process rule: Device or resource busy (set " + name + " is referenced)";
                }
                t.containers.remove(name);
                t.elements.remove(name);
            }
        }
        return null;
    }

    private static String rule(Table t, String chain, String rule) {
        if (!t.chainHooks.containsKey(chain)) {
            return "No such file or directory (chain " + chain + ")";
        }
        for (String word : rule.split("[ ,{}]+")) {
            if (word.startsWith("@") && !t.containers.containsKey(word.substring(1))) {
                return "No such file or directory (set " + word + ")";
            }
        }
        Matcher targets = Pattern.compile("(?:goto|jump) ([^\\s,}]+)").matcher(rule);
        while (targets.find()) {
            if (!t.chainHooks.containsKey(targets.group(1))) {
                return "No such file or directory (chain " + targets.group(1) + ")";
            }
        }
        t.rules.get(chain).add(rule);
        return null;
    }

    private static String element(Table t, String verb, String container, String list) {
        Map<String, String> els = t.elements.get(container);
        if (els == null) {
            return "No such file or directory (set " + container + ")";
        }
        String inner = list.strip();
        inner = inner.substring(1, inner.length() - 1).strip();
        for (String e : inner.split(", ")) {
            String[] kv = e.split(" : ", 2);
            String key = kv[0].replaceAll(" comment \"[^\"]*\"", "").strip();
            String value = kv.length > 1 ? kv[1].strip() : "";
            if (verb.equals("add")) {
                String old = els.get(key);
                if (old != null && !old.equals(value)) {
                    return "Could not process rule: File exists (element " + key + ")";
                }
                if (value.startsWith("goto ") && !t.chainHooks.containsKey(value.substring(5))) {
                    return "No such file or directory (chain " + value + ")";
                }
                els.put(key, value);
            } else if (els.remove(key) == null) {
                return "No such file or directory (element " + key + ")";
            }
        }
        return null;
    }

    /** Tables by family, for assertions. */
    synchronized Map<String, Table> tables() {
        return new LinkedHashMap<>(tables);
    }
}
