package io.stepprogress.progress.initialization;

import io.smallrye.config.ConfigMapping;
import java.util.List;

@ConfigMapping(prefix = "progress")
public interface ProgressConfig {

    /** The plan used when PUT /initialization comes without a body. */
    List<PlannedStepConfig> defaultPlan();

    interface PlannedStepConfig {
        String name();

        String label();

        int weight();
    }

    default Plan defaultPlanValue() {
        return Plan.of(defaultPlan().stream().map(s -> new PlannedStep(s.name(), s.label(), s.weight())).toList());
    }
}
