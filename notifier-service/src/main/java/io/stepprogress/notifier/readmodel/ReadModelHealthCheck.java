package io.stepprogress.notifier.readmodel;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the read model has caught up (see {@link CatchUpOnAssignment}): loaded from progress-service, or replayed up to
 * the end offsets recorded at assignment. Until then every read answers 503. The Kafka consumer has its own check.
 */
@Readiness
@ApplicationScoped
public class ReadModelHealthCheck implements HealthCheck {

    private final CatchUpOnAssignment catchUp;

    ReadModelHealthCheck(CatchUpOnAssignment catchUp) {
        this.catchUp = catchUp;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("read-model-caught-up").status(catchUp.caughtUp())
                .withData("lagByPartition", catchUp.lagByPartition().toString()).build();
    }
}
