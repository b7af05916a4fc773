package io.stepprogress.alert.state;

import io.quarkus.runtime.Startup;
import io.stepprogress.alert.AlertConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Wires the (framework-free, unit-tested) state to its configuration and metrics. */
public class AlertStateProducer {

    @Produces
    @Singleton
    @Startup // the gauges exist from the first scrape on
    AlertState alertState(AlertConfig config, ProgressMetrics metrics) {
        AlertState state = new AlertState(config.stallAfter(), config.failedRetention(),
                config.rememberedFinished(), metrics, Clock.systemUTC());
        metrics.bind(state);
        return state;
    }
}
