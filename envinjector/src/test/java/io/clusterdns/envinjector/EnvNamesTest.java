package io.clusterdns.envinjector;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvNamesTest {

    @ParameterizedTest
    @CsvSource({
            "redis-primary, REDIS_PRIMARY",
            "q-u-u-x, Q_U_U_X",
            "8083, 8083",
            "1team_api, 1TEAM_API",
            "payments_api, PAYMENTS_API"})
    void kubeletSpelling(String in, String out) {
        assertThat(EnvNames.of(in)).isEqualTo(out);
    }

    @ParameterizedTest
    @CsvSource({
            "FOO_BAR_SERVICE_HOST, true",
            "_8083, true",
            "lower_case, true",
            "8083, false",
            "CAFÉ_SERVICE_HOST, false",
            "A-B, false",
            "A.B, false",
            "'', false"})
    void validity(String name, boolean valid) {
        assertThat(EnvNames.isValid(name)).isEqualTo(valid);
    }
}
