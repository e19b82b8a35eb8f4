package io.clusterdns.server.plugin.errors;

import io.clusterdns.server.chain.PluginConfig;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * CoreDNS's {@code errors { consolidate DURATION REGEXP [LEVEL] }}: every error a plugin reports
 * is logged as {@code plugin/errors: RCODE NAME TYPE: ERROR}, except that errors matching a
 * consolidation pattern are counted and logged once per period
 * ({@code N errors like 'REGEXP' occurred in last DURATION}).
 */
public record ErrorsConfig(List<Consolidation> consolidations) implements PluginConfig {
    public static final String NAME = "errors";

    /** One {@code consolidate} line; {@code level} is error, warning, info or debug. */
    public record Consolidation(Duration period, Pattern pattern, String level) {
    }

    public ErrorsConfig {
        consolidations = List.copyOf(consolidations);
    }

    @Override
    public String name() {
        return NAME;
    }
}
