package io.clusterdns.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** A parsed Prometheus text exposition: samples by name and labels, as a dashboard query sees them. */
public final class Scrape {
    /** One sample line: {@code name{labels} value}. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples = new ArrayList<>();
    private final Map<String, String> types = new TreeMap<>();

    public Scrape(String text) {
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ");
                types.put(parts[0], parts[1]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                samples.add(parse(line));
            }
        }
    }

    private static Sample parse(String line) {
        int brace = line.indexOf('{');
        int space = line.lastIndexOf(' ');
        Map<String, String> labels = new TreeMap<>();
        String name;
        if (brace >= 0 && brace < space) {
            name = line.substring(0, brace);
            String body = line.substring(brace + 1, line.lastIndexOf('}'));
            int i = 0;
            while (i < body.length()) {
                int eq = body.indexOf('=', i);
                int end = body.indexOf('"', eq + 2);
                while (body.charAt(end - 1) == '\\') {
                    end = body.indexOf('"', end + 1);
                }
                labels.put(body.substring(i, eq), body.substring(eq + 2, end));
                i = end + 2;
            }
        } else {
            name = line.substring(0, space);
        }
        return new Sample(name, labels, Double.parseDouble(line.substring(space + 1)));
    }

    /** The TYPE line of every metric family. */
    public Map<String, String> types() {
        return types;
    }

    /** Every sample name (histograms show as their _bucket, _count and _sum). */
    public Set<String> names() {
        Set<String> out = new TreeSet<>();
        samples.forEach(s -> out.add(s.name()));
        return out;
    }

    public List<Sample> samples(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** The value of the one sample with exactly these labels; fails when there is none. */
    public double value(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(labels)).findFirst()
                .orElseThrow(() -> new AssertionError("no sample " + name + labels + "; have " + samples(name)))
                .value();
    }

    /** The {@code le} bounds of a histogram's series with {@code labels} (le excluded), in order. */
    public List<String> buckets(String name, Map<String, String> labels) {
        return samples(name + "_bucket").stream()
                .filter(s -> {
                    Map<String, String> rest = new TreeMap<>(s.labels());
                    rest.remove("le");
                    return rest.equals(labels);
                })
                .map(s -> s.labels().get("le")).toList();
    }
}
