package io.clusterdns.server.plugin.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.server.chain.Requests;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** CoreDNS's errors plugin: a line per error the chain reports, or a count per period for those a pattern consolidates. */
class ErrorsPluginTest {
    final List<String> lines = new ArrayList<>();
    final List<Runnable> scheduled = new ArrayList<>();

    ErrorsPlugin plugin(ErrorsConfig.Consolidation... consolidations) {
        return new ErrorsPlugin(new ErrorsConfig(List.of(consolidations)), (summary, after) -> scheduled.add(summary),
                (level, line) -> lines.add(level + " " + line));
    }

    void failWith(ErrorsPlugin p, String name, String error) {
        p.serve(Requests.of(name, Type.A), new Requests.Capture(), (request, writer) -> writer.fail(Rcode.SERVFAIL, error));
    }

    @Test
    void eachErrorIsOneLineWithRcodeNameAndType() {
        ErrorsPlugin p = plugin();
        failWith(p, "WWW.Example.com.", "read udp 10.0.0.1:40000->10.0.0.2:53: i/o timeout");
        p.serve(Requests.of("ok.example.", Type.A), new Requests.Capture(), (request, writer) -> writer.fail(Rcode.NXDOMAIN, null));

        assertThat(lines).containsExactly("error 2 www.example.com. A: read udp 10.0.0.1:40000->10.0.0.2:53: i/o timeout");
    }

    @Test
    void errorsMatchingAPatternAreCountedAndSummedUpOncePerPeriod() {
        ErrorsPlugin p = plugin(new ErrorsConfig.Consolidation(Duration.ofMinutes(5), Pattern.compile("^read udp .* i/o timeout$"), "warning"));
        for (int i = 0; i < 3; i++) {
            failWith(p, "a" + i + ".example.", "read udp 10.0.0.1:4000" + i + "->10.0.0.2:53: i/o timeout");
        }
        failWith(p, "b.example.", "dial tcp 10.0.0.2:53: connect: connection refused");

        assertThat(lines).containsExactly("error 2 b.example. A: dial tcp 10.0.0.2:53: connect: connection refused");
        assertThat(scheduled).as("one summary for the period").hasSize(1);
        scheduled.remove(0).run();
        assertThat(lines).last().isEqualTo("warning 3 errors like '^read udp .* i/o timeout$' occurred in last 5m0s");

        failWith(p, "c.example.", "read udp 10.0.0.1:40009->10.0.0.2:53: i/o timeout");
        assertThat(scheduled).as("the next period starts with the next error").hasSize(1);
    }

    @ParameterizedTest
    @CsvSource({"PT0.5S, 500ms", "PT30S, 30s", "PT1M, 1m0s", "PT5M, 5m0s", "PT1M30S, 1m30s", "PT1H, 1h0m0s", "PT2H3M4.5S, 2h3m4.5s"})
    void periodsAsGoPrintsThem(Duration d, String go) {
        assertThat(ErrorsPlugin.goDuration(d)).isEqualTo(go);
    }
}
