package io.clusterdns.envinjector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 mutated AdmissionReviews over HTTPS (a fixed seed; {@code -Dfuzz.seed=} and
 * {@code -Dfuzz.requests=} change it): every one a 400/413 with a reason or a correct 200.
 */
class WebhookFuzzTest {
    @TempDir
    Path dir;

    @Test
    void everyMutatedReviewGetsAReasonedRejectionOrACorrectAnswer() throws Exception {
        WebhookFuzz.Report report = new WebhookFuzz(Long.getLong("fuzz.seed", 13)).run(dir, Long.getLong("fuzz.requests", 10_000), 4);
        System.out.println("webhook fuzz: " + report.summary());
        assertThat(report.problems()).as(report.summary()).isEmpty();
        assertThat(report.internalErrors()).as("internal errors and refused patches (metrics)").isZero();
        assertThat(report.statuses()).containsKeys("200", "400", "413");
    }
}
