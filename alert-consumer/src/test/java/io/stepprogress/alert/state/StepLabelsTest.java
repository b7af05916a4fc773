package io.stepprogress.alert.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StepLabelsTest {

    @Test
    void theFirstNamesKeepTheirValueLaterOnesAreOther() {
        StepLabels labels = new StepLabels(2);
        assertThat(labels.of("clone")).isEqualTo("clone");
        assertThat(labels.of("deploy")).isEqualTo("deploy");
        assertThat(labels.of("third")).isEqualTo(StepLabels.OTHER);
        assertThat(labels.of("clone")).isEqualTo("clone");
        assertThat(labels.size()).isEqualTo(2);
    }

    @Test
    void namesAStepCouldNotHaveAreOther() {
        StepLabels labels = new StepLabels(10);
        assertThat(labels.of(null)).isEqualTo(StepLabels.OTHER);
        assertThat(labels.of("")).isEqualTo(StepLabels.OTHER);
        assertThat(labels.of("has space")).isEqualTo(StepLabels.OTHER);
        assertThat(labels.of("x".repeat(65))).isEqualTo(StepLabels.OTHER);
        assertThat(labels.size()).isZero();
    }
}
