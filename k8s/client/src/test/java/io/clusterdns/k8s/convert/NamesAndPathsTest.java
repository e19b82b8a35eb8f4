package io.clusterdns.k8s.convert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamesAndPathsTest {
    // apimachinery's regular expressions, which DnsNames implements as loops
    private static final Pattern LABEL_1123 = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern LABEL_1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern SUBDOMAIN_1123 =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern NAME_PART = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern IANA_SVC_NAME = Pattern.compile("[-a-z0-9]+");
    private static final Pattern HAS_LETTER = Pattern.compile(".*[a-z].*");

    /** Every string of up to 5 characters over an alphabet holding each character class the rules tell apart. */
    @Test
    void loopsAgreeWithApimachineryRegularExpressions() {
        List<String> all = new ArrayList<>(List.of(""));
        List<String> previous = List.of("");
        for (int length = 1; length <= 5; length++) {
            List<String> next = new ArrayList<>();
            for (String p : previous) {
                for (char c : "a0-.A_/ ".toCharArray()) {
                    next.add(p + c);
                }
            }
            all.addAll(next);
            previous = next;
        }
        all.addAll(List.of("a".repeat(63), "a".repeat(64), "a.".repeat(126) + "a", "a.".repeat(126) + "ab", "z9", "Z9.z"));
        for (String s : all) {
            assertThat(DnsNames.isDns1123Label(s)).as(s).isEqualTo(s.length() <= 63 && LABEL_1123.matcher(s).matches());
            assertThat(DnsNames.isDns1035Label(s)).as(s).isEqualTo(s.length() <= 63 && LABEL_1035.matcher(s).matches());
            assertThat(DnsNames.isDns1123Subdomain(s)).as(s).isEqualTo(s.length() <= 253 && SUBDOMAIN_1123.matcher(s).matches());
            assertThat(DnsNames.isIanaServiceName(s)).as(s).isEqualTo(!s.isEmpty() && s.length() <= 15 && IANA_SVC_NAME.matcher(s).matches()
                    && HAS_LETTER.matcher(s).matches() && !s.startsWith("-") && !s.endsWith("-") && !s.contains("--"));
            assertThat(DnsNames.isLabelValue(s)).as(s).isEqualTo(s.isEmpty() || (s.length() <= 63 && NAME_PART.matcher(s).matches()));
        }
    }

    @ParameterizedTest(name = "{0}: 1123 label {1}, 1035 label {2}, subdomain {3}, IANA {4}")
    @CsvSource({
            "web,                 true,  true,  true,  true",
            "mongo-0,             true,  true,  true,  true",
            "0web,                true,  false, true,  true",
            "8080,                true,  false, true,  false",
            "Web,                 false, false, false, false",
            "-web,                false, false, false, false",
            "web-,                false, false, false, false",
            "db.example.com,      false, false, true,  false",
            "http--alt,           true,  true,  true,  false",
            "a-very-long-port-name, true, true, true,  false",
            "web_1,               false, false, false, false",
    })
    void nameRules(String name, boolean label1123, boolean label1035, boolean subdomain, boolean iana) {
        assertThat(DnsNames.isDns1123Label(name)).isEqualTo(label1123);
        assertThat(DnsNames.isDns1035Label(name)).isEqualTo(label1035);
        assertThat(DnsNames.isDns1123Subdomain(name)).isEqualTo(subdomain);
        assertThat(DnsNames.isIanaServiceName(name)).isEqualTo(iana);
    }

    @ParameterizedTest(name = "\"{0}\": qualified name {1}, label value {2}, FQDN {3}")
    @CsvSource(delimiter = '|', value = {
            "app                          | true  | true  | false",
            "app.kubernetes.io/name       | true  | false | false",
            "kubernetes.io/h2c            | true  | false | false",
            "Web_App.v2                   | true  | true  | false",
            "''                           | false | true  | false",
            "/name                        | false | false | false",
            "a/b/c                        | false | false | false",
            "Example.com/name             | false | false | false",
            "-app                         | false | false | false",
            "app-                         | false | false | false",
            "web server                   | false | false | false",
            "db.example.com               | true  | true  | true",
            "db.example.com.              | false | false | true",
            "localhost                    | true  | true  | false",
            "db_1.example.com             | true  | true  | false",
            "a-label-of-sixty-four-characters-is-one-too-long-for-label-rules | false | false | false",
    })
    void qualifiedNamesLabelValuesAndFqdns(String s, boolean qualified, boolean labelValue, boolean fqdn) {
        assertThat(DnsNames.isQualifiedName(s)).isEqualTo(qualified);
        assertThat(DnsNames.isLabelValue(s)).isEqualTo(labelValue);
        assertThat(DnsNames.isFullyQualifiedDomainName(s)).isEqualTo(fqdn);
    }

    @ParameterizedTest(name = "{0} -> parent {1}")
    @CsvSource(delimiter = '|', value = {
            "spec.ports[1].port | spec.ports[1]",
            "spec.ports[1]      | spec.ports",
            "spec               | ''",
            "metadata.labels[\"kubernetes.io/service-name\"] | metadata.labels",
            "items[2]           | items",
    })
    void parentPaths(String path, String parent) {
        assertThat(FieldPaths.parent(path)).isEqualTo(parent);
    }

    @ParameterizedTest(name = "{0} + {1} = {2}")
    @CsvSource(delimiter = '|', value = {
            "spec          | ports                      | spec.ports",
            "''            | spec                       | spec",
            "metadata.labels | kubernetes.io/service-name | metadata.labels[\"kubernetes.io/service-name\"]",
    })
    void childPaths(String parent, String name, String path) {
        assertThat(FieldPaths.child(parent, name)).isEqualTo(path);
        assertThat(FieldPaths.join("items[0]", path)).isEqualTo("items[0]." + path);
    }
}
