package io.stepprogress.progress.initialization;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.util.List;

@ConfigMapping(prefix = "progress")
public interface ProgressConfig {

    /** The plan used when PUT /initialization comes without a body. */
    List<PlannedStepConfig> defaultPlan();

    /**
     * At most this many step commands share one write transaction (group commit). Commands share a transaction only
     * when they arrive while the one before is running, so this bounds a transaction's locks and length under load
     * and never delays a command; 1 gives every command its own transaction.
     */
    @WithName("write-batch-max-size")
    @WithDefault("64")
    int writeBatchMaxSize();

    interface PlannedStepConfig {
        String name();

        String label();

        int weight();
    }

    default Plan defaultPlanValue() {
        return Plan.of(defaultPlan().stream().map(s -> new PlannedStep(s.name(), s.label(), s.weight())).toList());
    }
}
