package io.stepprogress.alert.consumer;

import io.stepprogress.alert.state.AlertState;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the assigned partitions' history is in memory: before that, stalled initializations would be
 * missing from the gauge and the alert list. A history that could not be re-read completely (timeout) keeps
 * it DOWN for the same reason. (The Kafka consumer has its own check.)
 */
@Readiness
@ApplicationScoped
public class AlertStateHealthCheck implements HealthCheck {

    private final StateRebuild rebuild;
    private final AlertState state;

    AlertStateHealthCheck(StateRebuild rebuild, AlertState state) {
        this.rebuild = rebuild;
        this.state = state;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("alert-state").status(rebuild.ready())
                .withData("rebuilding", rebuild.rebuilding())
                .withData("assignedPartitions", rebuild.assigned().toString())
                .withData("incompletePartitions", rebuild.incomplete().toString())
                .withData("active", state.active())
                .withData("stalled", state.stalled())
                .withData("failed", state.failedAlerts())
                .build();
    }
}
