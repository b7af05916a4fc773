package io.stepprogress.notifier.support;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.stepprogress.notifier.NotifierConfig;
import java.time.Duration;

/** {@link NotifierConfig} outside Quarkus, for plain unit tests: read as Quarkus reads it ("15s", "64M"). */
public final class NotifierConfigs {

    private NotifierConfigs() {
    }

    /** A builder with Quarkus's converters and the mapping; add sources or a profile as needed. */
    public static SmallRyeConfigBuilder builder() {
        return new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 200, new DurationConverter())
                .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                .withMapping(NotifierConfig.class);
    }

    /** Every setting at its default. */
    public static NotifierConfig defaults() {
        return builder().build().getConfigMapping(NotifierConfig.class);
    }
}
