package io.stepprogress.progress.overload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressUpdatePathTest {

    @Test
    void onlyAStepsProgressPathIsAProgressUpdate() {
        assertThat(ProgressUpdateShedding.isProgressUpdate("/api/projects/p-1/steps/clone/progress")).isTrue();
        assertThat(ProgressUpdateShedding.isProgressUpdate("/api/projects/p-1/progress")).isFalse();
        assertThat(ProgressUpdateShedding.isProgressUpdate("/api/projects/p-1/steps/clone/complete")).isFalse();
        assertThat(ProgressUpdateShedding.isProgressUpdate("/api/projects/p-1/steps/clone/fail")).isFalse();
        assertThat(ProgressUpdateShedding.isProgressUpdate("/api/projects/p-1/initialization/cancel")).isFalse();
        assertThat(ProgressUpdateShedding.isProgressUpdate("/api/projects//steps/clone/progress")).isFalse();
        assertThat(ProgressUpdateShedding.isProgressUpdate("/api/projects/p-1/steps//progress")).isFalse();
        assertThat(ProgressUpdateShedding.isProgressUpdate("/api/projects/p-1/steps/progress")).isFalse();
        assertThat(ProgressUpdateShedding.isProgressUpdate(null)).isFalse();
    }
}
