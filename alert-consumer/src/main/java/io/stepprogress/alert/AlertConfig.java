package io.stepprogress.alert;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

@ConfigMapping(prefix = "alert")
public interface AlertConfig {

    /** A running initialization with no event for longer than this is stalled. */
    @WithDefault("5m")
    Duration stallAfter();

    /** How often stalls are looked for (and expired failure alerts dropped); read by the scheduler too. */
    @WithDefault("10s")
    Duration evaluateEvery();

    /** How long a failed initialization stays listed as an alert (a restart of the project clears it sooner). */
    @WithDefault("1h")
    Duration failedRetention();

    /** Distinct {@code step} label values before further step names are exported as {@code other}. */
    @WithDefault("200")
    int maxStepLabels();

    /** Finished projects whose last sequence is remembered, so late duplicates are still recognised. */
    @WithDefault("100000")
    int rememberedFinished();

    Rebuild rebuild();

    interface Rebuild {
        /** Longest time spent re-reading a partition's history into memory when it is assigned. */
        @WithDefault("2m")
        Duration timeout();
    }

    /** Consumer lag from committed offsets: {@link io.stepprogress.alert.lag.ConsumerGroupLagProbe}. */
    LagProbe lagProbe();

    interface LagProbe {
        @WithDefault("true")
        boolean enabled();

        /** How often the offsets are read; read by the scheduler too. */
        @WithDefault("30s")
        Duration interval();

        /** The consumer groups whose committed offsets are compared with the end of the topic. */
        @WithDefault("audit-consumer,alert-consumer")
        List<String> groups();

        @WithDefault("project-progress")
        String topic();
    }
}
