package io.stepprogress.notifier.readmodel;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the read model holds everything the topic held at start (the Kafka consumer has its own check). */
@Readiness
@ApplicationScoped
public class ReadModelHealthCheck implements HealthCheck {

    private final CatchUp catchUp;

    ReadModelHealthCheck(CatchUp catchUp) {
        this.catchUp = catchUp;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("read-model-caught-up").status(catchUp.caughtUp())
                .withData("lagByPartition", catchUp.lagByPartition().toString()).build();
    }
}
