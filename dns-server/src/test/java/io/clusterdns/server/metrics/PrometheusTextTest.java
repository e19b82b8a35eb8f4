package io.clusterdns.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bucket bounds as CoreDNS's Go client prints them (expected values from Go's strconv.FormatFloat(v, 'g', -1, 64)). */
class PrometheusTextTest {

    @ParameterizedTest
    @CsvSource({
            "2.5E-4, 0.00025",      // CoreDNS's first request duration bucket
            "5.0E-4, 0.0005",
            "0.001, 0.001",
            "1.0E-4, 0.0001",
            "1.0E-5, 1e-05",
            "2.5E-5, 2.5e-05",
            "8.192, 8.192",
            "0.0, 0",
            "1.0, 1",
            "100.0, 100",
            "511.0, 511",
            "16000.0, 16000",
            "64000.0, 64000",
            "100000.0, 100000",
            "1000000.0, 1e+06",
            "1.5E7, 1.5e+07",
            "-1.0, -1",
            "0.5, 0.5",
            "0.99, 0.99",
            "+Inf, +Inf",
            "-Inf, -Inf",
            "NaN, NaN",
    })
    void valuesAsGoWritesThem(String java, String go) {
        assertThat(PrometheusText.goFloat(java)).isEqualTo(go);
    }

    @Test
    void bucketBoundsQuantilesAndValuesAreWrittenAsGoWritesThem() {
        String scrape = """
                # HELP coredns_dns_request_duration_seconds Histogram of the time (in seconds) each request took.
                coredns_dns_request_duration_seconds_bucket{server="dns://:53",zone=".",le="2.5E-4"} 3.0
                coredns_dns_request_duration_seconds_bucket{le="+Inf",server="dns://:53",zone="."} 4.0
                coredns_dns_request_size_bytes_bucket{proto="udp",le="100.0",server="dns://:53",zone="."} 4.0
                go_gc_duration_seconds{quantile="0.5"} 1.0E-4
                coredns_build_info{goversion="1.0",revision="x",version="1.12.1"} 1.0
                coredns_hosts_reload_timestamp_seconds 1.7965764751326363E9
                coredns_cache_entries{server="dns://:53",type="success",view="",zones="."} 1234567.0
                """;
        assertThat(PrometheusText.goNumbers(scrape)).isEqualTo("""
                # HELP coredns_dns_request_duration_seconds Histogram of the time (in seconds) each request took.
                coredns_dns_request_duration_seconds_bucket{server="dns://:53",zone=".",le="0.00025"} 3
                coredns_dns_request_duration_seconds_bucket{le="+Inf",server="dns://:53",zone="."} 4
                coredns_dns_request_size_bytes_bucket{proto="udp",le="100",server="dns://:53",zone="."} 4
                go_gc_duration_seconds{quantile="0.5"} 0.0001
                coredns_build_info{goversion="1.0",revision="x",version="1.12.1"} 1
                coredns_hosts_reload_timestamp_seconds 1.7965764751326363e+09
                coredns_cache_entries{server="dns://:53",type="success",view="",zones="."} 1.234567e+06
                """);
    }
}
