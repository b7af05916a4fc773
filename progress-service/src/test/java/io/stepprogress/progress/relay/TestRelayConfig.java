package io.stepprogress.progress.relay;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A {@link RelayConfig} with its defaults, for tests that run without Quarkus. */
final class TestRelayConfig {

    private TestRelayConfig() {
    }

    static RelayConfig with(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(Map.of("progress.relay.username", "progress_relay",
                "progress.relay.password", "secret"));
        all.putAll(values);
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(RelayConfig.class)
                // Quarkus's own converter: "5s" and "200ms" as in application.properties.
                .withConverter(Duration.class, 200, new DurationConverter())
                .withDefaultValues(all).build();
        return config.getConfigMapping(RelayConfig.class);
    }
}
