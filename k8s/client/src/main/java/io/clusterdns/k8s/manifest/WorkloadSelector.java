package io.clusterdns.k8s.manifest;

import io.clusterdns.k8s.convert.ConversionException;
import io.clusterdns.k8s.convert.DnsNames;
import io.clusterdns.k8s.convert.FieldPaths;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A workload's {@code spec.selector} ({@code matchLabels} and {@code matchExpressions}), validated
 * as the API server validates a {@code metav1.LabelSelector}, and matched against pod labels.
 */
record WorkloadSelector(Map<String, String> matchLabels, List<Requirement> expressions) {
    /** One {@code matchExpressions} entry. */
    record Requirement(String key, String operator, Set<String> values) {
        boolean matches(Map<String, String> labels) {
            String value = labels.get(key);
            return switch (operator) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                default -> value == null; // DoesNotExist
            };
        }
    }

    WorkloadSelector {
        matchLabels = Map.copyOf(matchLabels);
        expressions = List.copyOf(expressions);
    }

    boolean isEmpty() {
        return matchLabels.isEmpty() && expressions.isEmpty();
    }

    boolean matches(Map<String, String> labels) {
        for (Map.Entry<String, String> e : matchLabels.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return expressions.stream().allMatch(r -> r.matches(labels));
    }

    /** Validates {@code selector} found at {@code path}; throws {@link ConversionException} naming the bad field. */
    static WorkloadSelector of(String path, LabelSelector selector) {
        Map<String, String> labels = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
        for (Map.Entry<String, String> e : labels.entrySet()) {
            String keyPath = FieldPaths.child(FieldPaths.child(path, "matchLabels"), e.getKey());
            key(keyPath, e.getKey());
            value(keyPath, e.getValue());
        }
        List<Requirement> requirements = new ArrayList<>();
        List<LabelSelectorRequirement> written = selector.getMatchExpressions() == null ? List.of() : selector.getMatchExpressions();
        for (int i = 0; i < written.size(); i++) {
            String at = FieldPaths.index(FieldPaths.child(path, "matchExpressions"), i);
            LabelSelectorRequirement r = written.get(i);
            key(at + ".key", r.getKey());
            List<String> values = r.getValues() == null ? List.of() : r.getValues();
            String op = r.getOperator() == null ? "" : r.getOperator();
            switch (op) {
                case "In", "NotIn" -> {
                    if (values.isEmpty()) {
                        throw new ConversionException(at + ".values", "must be specified when `operator` is 'In' or 'NotIn'");
                    }
                }
                case "Exists", "DoesNotExist" -> {
                    if (!values.isEmpty()) {
                        throw new ConversionException(at + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
                    }
                }
                default -> throw new ConversionException(at + ".operator",
                        "Unsupported value: \"" + op + "\": supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\"");
            }
            for (int j = 0; j < values.size(); j++) {
                value(FieldPaths.index(at + ".values", j), values.get(j));
            }
            requirements.add(new Requirement(r.getKey(), op, Set.copyOf(values)));
        }
        return new WorkloadSelector(labels, requirements);
    }

    private static void key(String path, String key) {
        if (key == null || !DnsNames.isQualifiedName(key)) {
            throw new ConversionException(path, "key \"" + key + "\" " + DnsNames.QUALIFIED_NAME_RULE);
        }
    }

    private static void value(String path, String value) {
        if (value == null || !DnsNames.isLabelValue(value)) {
            throw new ConversionException(path, "\"" + value + "\" " + DnsNames.LABEL_VALUE_RULE);
        }
    }
}
