package io.clusterdns.server.metrics;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the numbers of a scrape the way CoreDNS's Prometheus client (Go,
 * {@code strconv.FormatFloat(v, 'g', -1, 64)}) does: the {@code le} and {@code quantile} label
 * values ({@code le="0.00025"}, {@code le="100"}, {@code le="1e+06"}, where Micrometer writes
 * {@code 2.5E-4} and {@code 100.0}) and the sample values ({@code 4}, {@code 1.7965764751e+09},
 * where Micrometer writes {@code 4.0} and {@code 1.7965764751E9}). Dashboards and recording rules
 * select buckets by these strings ({@code le="0.00025"}), and scripts that read or compare the
 * text see the same numbers as from CoreDNS.
 */
public final class PrometheusText {
    private static final Pattern BOUND = Pattern.compile("\\b(le|quantile)=\"([^\"]*)\"");

    private PrometheusText() {
    }

    /** {@code scrape} with every bucket bound, quantile and sample value written as Go writes it. */
    public static String goNumbers(String scrape) {
        StringBuilder out = new StringBuilder(scrape.length());
        int from = 0;
        while (from < scrape.length()) {
            int end = scrape.indexOf('\n', from);
            int next = end < 0 ? scrape.length() : end + 1;
            String line = scrape.substring(from, end < 0 ? scrape.length() : end);
            int space = line.lastIndexOf(' ');
            if (line.isEmpty() || line.charAt(0) == '#' || space < 0) {
                out.append(line);
            } else {
                out.append(goBounds(line.substring(0, space))).append(' ').append(goFloat(line.substring(space + 1)));
            }
            if (end >= 0) {
                out.append('\n');
            }
            from = next;
        }
        return out.toString();
    }

    /** One sample's name and labels with its bucket bound or quantile written as Go writes it. */
    private static String goBounds(String series) {
        Matcher m = BOUND.matcher(series);
        if (!m.find()) {
            return series;
        }
        StringBuilder out = new StringBuilder(series.length());
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
