package io.clusterdns.server.metrics;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the {@code le} and {@code quantile} label values of a scrape the way CoreDNS's Prometheus
 * client (Go, {@code strconv.FormatFloat(v, 'g', -1, 64)}) does: {@code le="0.00025"},
 * {@code le="100"}, {@code le="1e+06"}, where Micrometer writes {@code 2.5E-4} and {@code 100.0}.
 * Dashboards and recording rules select buckets by these strings
 * ({@code le="0.00025"}), so the same histogram must print the same label values as CoreDNS's.
 */
public final class PrometheusText {
    private static final Pattern BOUND = Pattern.compile("\\b(le|quantile)=\"([^\"]*)\"");

    private PrometheusText() {
    }

    /** {@code scrape} with every bucket bound and quantile written as Go writes it. */
    public static String goBounds(String scrape) {
        Matcher m = BOUND.matcher(scrape);
        if (!m.find()) {
            return scrape;
        }
        StringBuilder out = new StringBuilder(scrape.length());
        do {
            m.appendReplacement(out, "");
            out.append(m.group(1)).append("=\"").append(goFloat(m.group(2))).append('"');
        } while (m.find());
        m.appendTail(out);
        return out.toString();
    }

    /** One value as Go's {@code FormatFloat(v, 'g', -1, 64)} and the text format's special values write it. */
    static String goFloat(String javaText) {
        double v;
        try {
            v = Double.parseDouble(javaText);
        } catch (NumberFormatException e) {
            return javaText; // "+Inf", "NaN" and anything else already in the text format's spelling
        }
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return "0";
        }
        // the shortest decimal that reads back as v (Double.toString's digits), as Go's -1 precision
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        int exponent = d.precision() - d.scale() - 1;
        if (exponent >= -4 && exponent < 6) {
            return d.toPlainString();
        }
        String digits = d.unscaledValue().abs().toString();
        StringBuilder s = new StringBuilder();
        if (d.signum() < 0) {
            s.append('-');
        }
        s.append(digits.charAt(0));
        if (digits.length() > 1) {
            s.append('.').append(digits, 1, digits.length());
        }
        s.append('e').append(exponent < 0 ? '-' : '+');
        int abs = Math.abs(exponent);
        if (abs < 10) {
            s.append('0');
        }
        return s.append(abs).toString();
    }
}
