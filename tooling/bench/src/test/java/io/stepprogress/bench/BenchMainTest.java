package io.stepprogress.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BenchMainTest {

    @Test
    void allRunsEveryScenarioOnceAndTheFloorLastSoItsDatabaseAftermathLandsInNoOtherScenario() {
        assertThat(BenchMain.ALL).doesNotHaveDuplicates()
                .containsExactlyInAnyOrder("idle", "get", "steady", "ramp", "overload", "fanout", "recovery", "floor")
                .endsWith("floor");
        assertThat(BenchMain.ALL.indexOf("ramp")).as("overload takes its rate from the ramp's result")
                .isLessThan(BenchMain.ALL.indexOf("overload"));
    }
}
