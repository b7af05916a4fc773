package io.stepprogress.alert.state;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/** Looks for stalled initializations every {@code alert.evaluate-every}. */
@ApplicationScoped
public class StallEvaluator {

    private final AlertState state;

    StallEvaluator(AlertState state) {
        this.state = state;
    }

    @Scheduled(identity = "alert-evaluation", every = "${alert.evaluate-every:10s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void evaluate() {
        state.evaluate();
    }
}
