package io.stepprogress.notifier.readmodel;

import static io.stepprogress.notifier.readmodel.ReadModels.apply;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stepprogress.testkit.Events;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A measurement, not part of the regular run ({@code -Dnotifier.footprint=true}): the heap the read model
 * really takes with 100,000 projects, with the default budget and with none, against what it accounts.
 */
@EnabledIfSystemProperty(named = "notifier.footprint", matches = "true")
class MemoryFootprintTest {

    private static final int PROJECTS = 100_000;

    @Test
    void withTheDefaultBudget() {
        Footprint footprint = measure("64M");
        assertThat(footprint.accounted()).isLessThanOrEqualTo(64L << 20);
        assertHeapWithinAccounting(footprint);
    }

    @Test
    void withoutABudget() {
        Footprint footprint = measure("1T");
        assertThat(footprint.projects()).isEqualTo(PROJECTS);
        assertHeapWithinAccounting(footprint);
    }

    /** The accounting estimates on the high side (the budget holds in heap), but not wildly. */
    private static void assertHeapWithinAccounting(Footprint footprint) {
        assertThat((double) footprint.heap() / footprint.accounted()).isBetween(0.5, 1.1);
    }

    private Footprint measure(String budget) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = usedAfterGc(memory);
        ProjectReadModel model = ReadModels.create(budget, "256K", 1000, 10 * PROJECTS, Duration.ofMinutes(30),
                new SimpleMeterRegistry(), Clock.systemUTC());
        for (int i = 0; i < PROJECTS; i++) {
            // A typical run of five steps seen halfway: a dozen events, a third of them finished.
            Events.Run run = Events.plan("footprint-" + i, "fetch", "build", "migrate", "seed", "index");
            apply(model, run.initialized());
            for (String step : new String[] {"fetch", "build"}) {
                apply(model, run.progress(step, 30));
                apply(model, run.progress(step, 60));
                apply(model, run.complete(step));
            }
            if (i % 3 == 0) {
                for (String step : new String[] {"migrate", "seed", "index"}) {
                    apply(model, run.complete(step));
                }
            }
        }
        long heap = usedAfterGc(memory) - before;
        Footprint footprint = new Footprint(budget, model.projectsHeld(), model.bytesHeld(), heap);
        Reference.reachabilityFence(model);
        System.out.printf("FOOTPRINT budget=%s projects=%d accounted=%d B (%.1f MiB) heap=%d B (%.1f MiB)"
                        + " heap/project=%d B%n", budget, footprint.projects(), footprint.accounted(),
                footprint.accounted() / 1048576.0, heap, heap / 1048576.0, heap / Math.max(1, footprint.projects()));
        return footprint;
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    record Footprint(String budget, int projects, long accounted, long heap) {
    }
}
