package io.stepprogress.progress.overload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShedPolicyTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private final ShedPolicy policy = new ShedPolicy(100 * MS, 500 * MS);

    @Test
    void nothingIsShedUpToTheThresholdAndEverythingFromTheUpperOne() {
        assertThat(policy.share(0)).isZero();
        assertThat(policy.share(100 * MS)).isZero();
        assertThat(policy.share(500 * MS)).isEqualTo(1);
        assertThat(policy.share(30_000 * MS)).isEqualTo(1);
    }

    @Test
    void theShareRisesLinearlyInBetween() {
        assertThat(policy.share(200 * MS)).isCloseTo(0.25, within(1e-9));
        assertThat(policy.share(300 * MS)).isCloseTo(0.5, within(1e-9));
        assertThat(policy.share(400 * MS)).isCloseTo(0.75, within(1e-9));
    }

    @Test
    void equalThresholdsShedEverythingAboveThem() {
        ShedPolicy step = new ShedPolicy(0, 0);
        assertThat(step.share(0)).isZero();
        assertThat(step.share(1)).isEqualTo(1);
    }

    @Test
    void anUpperThresholdBelowTheLowerOneIsRefused() {
        assertThatThrownBy(() -> ShedPolicy.of(java.time.Duration.ofMillis(500), java.time.Duration.ofMillis(100),
                "relay")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("progress.overload.relay-*: need 0 <= shed-above <= shed-all-above");
    }
}
