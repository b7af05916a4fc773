package io.stepprogress.testkit.tracing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** A service with tracing on (what QUARKUS_OTEL_SDK_DISABLED=false does), exporting to {@link InMemorySpans} at once. */
public class TracingOn implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.bsp.schedule.delay", "20ms");
    }
}
