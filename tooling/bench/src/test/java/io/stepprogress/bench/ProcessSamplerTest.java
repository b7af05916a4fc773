package io.stepprogress.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The sampler: a busy process outside every group is "other", counted by its own CPU time, and the machine counts it. */
@EnabledOnOs(OS.LINUX)
class ProcessSamplerTest {

    @Test
    void aBusyProcessOutsideTheGroupsIsOtherAndTheMachineIsBusyAtLeastThatMuch() throws Exception {
        Process idle = new ProcessBuilder("sleep", "30").start();
        ProcessSampler sampler = null;
        try {
            // A group with descendants makes the sampler read every process, as it does for PostgreSQL.
            sampler = ProcessSampler.start(List.of(
                    new ProcessSampler.Group("idle", 0, true, (int) idle.pid())));
            Process busy = new ProcessBuilder("sh", "-c", "end=$(( $(date +%s) + 3 )); "
                    + "while [ $(date +%s) -lt $end ]; do :; done").start();
            await().atMost(Duration.ofSeconds(20)).until(() -> !busy.isAlive());
            sampler.close();

            ProcessSampler.Usage other = usage(sampler, "other");
            assertThat(other.cpuSeconds()).as("the busy loop's CPU, outside every group").isGreaterThan(1.0);
            assertThat(usage(sampler, "idle").cpuSeconds()).as("the sleeping group").isLessThan(0.1);
            assertThat(sampler.machineBusyCores()).isGreaterThanOrEqualTo(other.cpuCores());
        } finally {
            if (sampler != null) {
                sampler.close();
            }
            idle.destroy();
        }
    }

    @Test
    void ticksOutsideTheGroupsCountOnlyOtherProcessesSinceTheLastSample() {
        Map<Integer, Long> last = new HashMap<>();
        Set<Integer> grouped = Set.of(1);
        // Second 0 (the baseline): everyone counts from now.
        assertThat(ProcessSampler.ticksOutside(Map.of(1, stat(1, 500, 0), 2, stat(2, 300, 0)), grouped, last, -1))
                .isZero();
        // Then: pid 2 used 40 ticks, pid 3 was born after the start with 25, pid 4 was running before with 900.
        long delta = ProcessSampler.ticksOutside(Map.of(1, stat(1, 900, 0), 2, stat(2, 340, 0),
                3, stat(3, 25, 7_000), 4, stat(4, 900, 10)), grouped, last, 5_000);

        assertThat(delta).as("40 + 25, not the group's 400 nor pid 4's past").isEqualTo(65);
        assertThat(ProcessSampler.ticksOutside(Map.of(3, stat(3, 30, 7_000)), grouped, last, 5_000)).isEqualTo(5);
        assertThat(last).as("the exited ones forgotten").containsOnlyKeys(3);
    }

    private static ProcFs.Stat stat(int pid, long ticks, long startTime) {
        return new ProcFs.Stat(pid, "p" + pid, 'R', 1, ticks, 0, startTime, 0);
    }

    private static ProcessSampler.Usage usage(ProcessSampler sampler, String name) {
        return sampler.usage().stream().filter(u -> u.name().equals(name)).findFirst().orElseThrow();
    }
}
